#include "swarmex/hostctl/window_listing.hpp"

#include <algorithm>

#include "swarmex/engine/calendar.hpp"

namespace swarmex::hostctl {

std::vector<ListedInstrument> read_listing(const wire::AdminAck& ack) {
  std::vector<ListedInstrument> out;
  if (ack.instruments() == nullptr) return out;
  for (const wire::InstrumentInfo* i : *ack.instruments()) {
    ListedInstrument l;
    l.id = i->id();
    l.scheduled = i->scheduled();
    l.resource = i->resource() ? i->resource()->str() : std::string();
    l.pool = i->pool() ? i->pool()->str() : std::string();
    l.start_ns = i->window_start_ns();
    l.length_ns = i->window_length_ns();
    l.gate_ns = i->gate_closure_ns();
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<TradingWindow> product_windows(const std::vector<ListedInstrument>& listing,
                                           std::uint32_t product, WindowSeries& series) {
  std::vector<const ListedInstrument*> from;  // every listed id at or above the product's, by id
  for (const ListedInstrument& l : listing)
    if (l.id >= product && l.id - product < engine::kMaxProductBooks) from.push_back(&l);
  std::sort(from.begin(), from.end(),
            [](const ListedInstrument* a, const ListedInstrument* b) { return a->id < b->id; });
  auto of_series = [&](const ListedInstrument& l) {
    return l.scheduled && l.resource == series.resource && l.pool == series.pool &&
           l.length_ns == series.length_ns;
  };
  if (series.length_ns == 0) {
    if (from.empty() || !from.front()->scheduled || from.front()->length_ns <= 0) return {};
    series = WindowSeries{from.front()->resource, from.front()->pool, from.front()->length_ns};
  }
  // Ids are never shared between instruments: the product's books end where another series or
  // a spot instrument begins.
  std::vector<TradingWindow> out;
  for (const ListedInstrument* l : from) {
    if (!of_series(*l)) break;
    out.push_back(TradingWindow{l->id, l->start_ns, l->start_ns + l->length_ns, l->gate_ns});
  }
  std::sort(out.begin(), out.end(),
            [](const TradingWindow& a, const TradingWindow& b) { return a.start_ns < b.start_ns; });
  return out;
}

}  // namespace swarmex::hostctl
