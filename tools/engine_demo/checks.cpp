#include "checks.hpp"

#include <map>

#include <fmt/format.h>

namespace swarmex::demo {

using engine::EventKind;

std::vector<std::string> check_steps(const std::vector<Step>& steps, const Plan& plan,
                                     const Ledger& ledger) {
  std::vector<std::string> errors;
  for (std::size_t i = 0; i < steps.size() && i < plan.scripted; ++i) {
    const Expect& want = steps[i].expect;
    const OrderId own = order_of(steps[i].cmd);
    std::size_t outcomes = 0;
    Qty filled_qty = 0;
    std::optional<engine::CancelReason> own_cancel;
    std::string got = "accepted";
    bool outcome_ok = true;
    for (const auto& [partition, e] : ledger.scripted_events(i)) {
      if (e.kind == EventKind::Accepted || e.kind == EventKind::Rejected) {
        ++outcomes;
        const bool ok = e.kind == EventKind::Rejected
                            ? want.reject && static_cast<std::uint8_t>(*want.reject) == e.reason
                            : !want.reject;
        if (!ok) {
          outcome_ok = false;
          got = e.kind == EventKind::Rejected
                    ? fmt::format("rejected {}",
                                  to_string(static_cast<engine::RejectReason>(e.reason)))
                    : "accepted";
        }
      } else if (e.kind == EventKind::Fill) {
        filled_qty += e.qty;
      } else if (e.kind == EventKind::Cancelled && own != 0 && e.order_id == own) {
        own_cancel = static_cast<engine::CancelReason>(e.reason);
      }
    }
    const auto step = [&] { return fmt::format("step {}", i + 1); };
    if (outcomes == 0) errors.push_back(step() + ": no outcome");
    if (!outcome_ok)
      errors.push_back(fmt::format(
          "{}: expected {}, got {}", step(),
          want.reject ? fmt::format("rejected {}", to_string(*want.reject)) : "accepted", got));
    if (filled_qty != want.filled_qty)
      errors.push_back(
          fmt::format("{}: expected {} filled, got {}", step(), want.filled_qty, filled_qty));
    if (own_cancel != want.own_cancel)
      errors.push_back(fmt::format("{}: expected own cancel {}, got {}", step(),
                                   want.own_cancel ? to_string(*want.own_cancel) : "none",
                                   own_cancel ? to_string(*own_cancel) : "none"));
  }
  return errors;
}

std::vector<std::string> check_books(const Market& market, journal::ExchangeAssembly& exchange,
                                     const Ledger& ledger) {
  std::vector<std::string> errors;
  const auto fail = [&](std::string message) {
    if (errors.size() < 20) errors.push_back(std::move(message));
  };

  // Orders: what the events left open must rest, with that quantity.
  std::uint64_t open_orders = 0;
  const std::vector<Qty>& leaves = ledger.leaves();
  for (OrderId id = 1; id < leaves.size(); ++id) {
    if (leaves[id] == 0) continue;
    ++open_orders;
    std::optional<engine::OrderView> found;
    for (std::size_t s = 0; s < exchange.partitions() && !found; ++s)
      found = exchange.partition(s).engine().order(id);
    if (!found)
      fail(fmt::format("order #{}: {} left by events, not in the book", id, leaves[id]));
    else if (found->qty != leaves[id])
      fail(fmt::format("order #{}: {} left by events, {} in the book", id, leaves[id], found->qty));
  }
  std::uint64_t resting = 0;
  for (std::size_t s = 0; s < exchange.partitions(); ++s)
    resting += exchange.partition(s).engine().resting_orders();
  if (resting != open_orders)
    fail(fmt::format("{} orders rest in the engines, events leave {} open", resting, open_orders));

  // Levels: the last BookLevel event of every price is the level as it stands.
  std::vector<engine::LevelView> depth;
  for (const Product& p : market.products()) {
    const engine::Engine& eng =
        exchange.partition(exchange.routing().partition_of(p.spec.id)).engine();
    const auto levels =
        static_cast<std::size_t>((p.spec.band_max - p.spec.band_min) / p.spec.tick + 1);
    for (const Side side : {Side::Buy, Side::Sell}) {
      const std::uint64_t key =
          static_cast<std::uint64_t>(p.spec.id) << 1 | static_cast<std::uint64_t>(side);
      std::map<Price, LevelState> published;
      for (auto it = ledger.levels().lower_bound({key, 0});
           it != ledger.levels().end() && it->first.first == key; ++it)
        if (it->second.orders > 0 || it->second.qty != 0) published[it->first.second] = it->second;
      eng.depth(p.spec.id, side, levels, depth);
      std::map<Price, LevelState> actual;
      for (const engine::LevelView& l : depth)
        actual[l.price] = LevelState{l.qty, l.orders};
      for (const auto& [price, l] : actual) {
        const auto it = published.find(price);
        if (it == published.end() || it->second.qty != l.qty || it->second.orders != l.orders)
          fail(fmt::format("{} {} {}: book has {} ({} orders), market data says {}", p.spec.symbol,
                           to_string(side), price, l.qty, l.orders,
                           it == published.end() ? Qty{0} : it->second.qty));
      }
      for (const auto& [price, l] : published)
        if (!actual.contains(price))
          fail(fmt::format("{} {} {}: market data says {}, the level is empty", p.spec.symbol,
                           to_string(side), price, l.qty));
    }
  }
  return errors;
}

std::vector<ReplayResult> replay_partitions(const Market& market, const Plan& plan,
                                            journal::ExchangeAssembly& exchange,
                                            const Ledger& ledger,
                                            const engine::EngineConfig& config) {
  std::vector<ReplayResult> results;
  engine::EventBuffer out;
  for (std::uint32_t s = 0; s < exchange.partitions(); ++s) {
    engine::Engine replay(config);
    for (const Product& p : market.products())
      if (exchange.routing().partition_of(p.spec.id) == s) replay.add_instrument(p.spec);
    std::uint64_t digest = 0;
    std::uint64_t events = 0;
    engine::Seq seq = 0;
    for (const std::uint32_t index : plan.by_partition[s]) {
      Command c = plan.commands[index];
      c.seq = ++seq;
      c.time_ns = 0;  // the engine must not care
      replay.apply(c, out);
      for (const Event& e : out)
        digest = fold_event(digest, e);
      events += out.size();
      out.clear();
    }
    ReplayResult r;
    r.partition = s;
    r.commands = plan.by_partition[s].size();
    r.events = events;
    r.live_state_hash = exchange.partition(s).engine().state_hash();
    r.replay_state_hash = replay.state_hash();
    r.same_events = digest == ledger.digest(s) && events == ledger.events(s);
    results.push_back(r);
  }
  return results;
}

}  // namespace swarmex::demo
