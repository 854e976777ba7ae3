#include "auction_format.hpp"

#include <fmt/format.h>

namespace swarmex::cli {

using common::Json;

Json auction_json(const wire::AuctionResult& a) {
  Json points = Json::array();
  if (a.points() != nullptr)
    for (const wire::AuctionPoint* p : *a.points())
      points.push_back({{"price", p->price()}, {"demand", p->demand()}, {"supply", p->supply()}});
  return {{"type", "auction"},
          {"instrument", a.instrument()},
          {"seq", a.seq()},
          {"price", a.price()},
          {"volume", a.volume()},
          {"imbalance", a.imbalance()},
          {"next_auction_ns", a.next_auction_ns()},
          {"time_ns", a.time_ns()},
          {"curve", points}};
}

std::string format_auction(const wire::AuctionResult& a) {
  std::string s = fmt::format("auction instrument={} seq={} {} @ {} imbalance={}", a.instrument(),
                              a.seq(), a.volume(), a.price(), a.imbalance());
  if (a.next_auction_ns() != 0) s += fmt::format(" next_ns={}", a.next_auction_ns());
  if (a.points() != nullptr)
    for (const wire::AuctionPoint* p : *a.points())
      s += fmt::format("\n  {:>12} demand {:>8} supply {:>8}{}", p->price(), p->demand(),
                       p->supply(), p->price() == a.price() ? "  <- clears" : "");
  return s;
}

Json instrument_state_json(const wire::InstrumentState& s) {
  return {{"type", "instrument_state"},
          {"instrument", s.instrument()},
          {"seq", s.seq()},
          {"halted", s.halted()},
          {"reason", "breaker"},
          {"reference_price", s.reference_price()},
          {"trigger_price", s.trigger_price()},
          {"resume_ns", s.resume_ns()},
          {"time_ns", s.time_ns()}};
}

std::string format_instrument_state(const wire::InstrumentState& s) {
  if (!s.halted())
    return fmt::format("instrument {} resumed (breaker cool-off over, reopened by auction) seq={}",
                       s.instrument(), s.seq());
  return fmt::format(
      "instrument {} halted by its breaker: a trade at {} was refused (reference {}); resumes at "
      "{} through an auction seq={}",
      s.instrument(), s.trigger_price(), s.reference_price(), s.resume_ns(), s.seq());
}

}  // namespace swarmex::cli
