#include "report_model.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

#include "swarmex/engine/fees.hpp"

namespace swarmex::report {

using engine::CommandKind;
using engine::EventKind;

std::int64_t add_sat(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? std::numeric_limits<std::int64_t>::max()
               : std::numeric_limits<std::int64_t>::min();
}

void Aggregator::add_instrument(const engine::InstrumentSpec& spec) {
  instruments_[spec.id] = spec;
}

const engine::InstrumentSpec* Aggregator::spec(engine::InstrumentId id) const {
  const auto it = instruments_.find(id);
  return it == instruments_.end() ? nullptr : &it->second;
}

void Aggregator::note_time(std::int64_t time_ns) {
  if (!seen_) report_.first_time_ns = time_ns;
  seen_ = true;
  report_.first_time_ns = std::min(report_.first_time_ns, time_ns);
  report_.last_time_ns = std::max(report_.last_time_ns, time_ns);
}

void Aggregator::on_command(const engine::Command& cmd, const engine::EventBuffer& events) {
  note_time(cmd.time_ns);
  const bool accepted = !events.empty() && events[0].kind == EventKind::Accepted;
  switch (cmd.kind) {
    case CommandKind::NewOrder:
      // Before its fills: an ask can trade in the command that places it only as the taker,
      // and a resting one trades in later commands.
      if (cmd.new_order.side == engine::Side::Sell)
        on_ask(cmd.new_order.order_id, cmd.new_order.price, false);
      break;
    case CommandKind::Resell:  // leg i rests as order_id + i at the one price
      for (std::uint8_t i = 0; i < cmd.resell.leg_count && i < engine::kMaxSwarmLegs; ++i)
        on_ask(cmd.resell.order_id + i, cmd.resell.price, true);
      break;
    case CommandKind::ModifyOrder:
      if (accepted && cmd.modify.new_price > 0) {
        const auto it = asks_.find(cmd.modify.order_id);
        if (it != asks_.end()) it->second.reserve = cmd.modify.new_price;
      }
      break;
    case CommandKind::SetSupply:
      if (accepted)
        on_supply(cmd.time_ns, cmd.supply.host, cmd.supply.instrument, cmd.supply.capacity);
      break;
    case CommandKind::CreateInstrument:
      if (accepted) add_instrument(engine::spec_of(cmd.create));
      break;
    default:
      break;
  }
  for (const engine::Event& e : events)
    if (e.kind == EventKind::Fill) on_fill(cmd.time_ns, e);
}

void Aggregator::on_ask(engine::OrderId order_id, engine::Price reserve, bool resale) {
  asks_[order_id] = Ask{reserve, resale};
}

void Aggregator::on_supply(std::int64_t time_ns, engine::HostId host,
                           engine::InstrumentId instrument, engine::Qty capacity) {
  note_time(time_ns);
  const engine::InstrumentSpec* s = spec(instrument);
  if (s == nullptr) return;
  supply_[{s->pool, s->resource}].push_back(SupplyChange{time_ns, host, capacity});
}

void Aggregator::on_fill(std::int64_t time_ns, const engine::Event& f) {
  note_time(time_ns);
  const engine::InstrumentSpec* s = spec(f.instrument);
  const PoolResource key{s ? s->pool : "?", s ? s->resource : "?"};
  const bool taker_buys = f.side == engine::Side::Buy;
  const engine::OrderId ask_id = taker_buys ? f.maker_order_id : f.order_id;
  const auto ask = asks_.find(ask_id);
  const bool resale = ask != asks_.end() && ask->second.resale;
  const std::int64_t lease_ns = f.lease_end_ns - f.lease_start_ns;
  // Utilisation counts every lease, whatever the report's range: leases bought before it are
  // still held within it.
  if (!resale) leases_[key].push_back(Lease{f.lease_start_ns, f.lease_end_ns, f.qty});
  if (time_ns < options_.from_ns || time_ns > options_.to_ns) return;

  const std::int64_t value = engine::fill_value(f.price, f.qty, lease_ns);
  const engine::OwnerId buyer = taker_buys ? f.owner : f.maker_owner;
  const engine::OwnerId seller = taker_buys ? f.maker_owner : f.owner;
  const std::int64_t buyer_fee = taker_buys ? f.taker_fee : f.maker_fee;
  const std::int64_t seller_fee = taker_buys ? f.maker_fee : f.taker_fee;

  Report& r = report_;
  ++r.fills;
  r.qty = add_sat(r.qty, f.qty);
  r.value = add_sat(r.value, value);
  r.taker_fees = add_sat(r.taker_fees, f.taker_fee);
  r.maker_fees = add_sat(r.maker_fees, f.maker_fee);

  BuyerTotals& b = r.buyers[buyer];
  ++b.fills;
  b.qty = add_sat(b.qty, f.qty);
  b.spend = add_sat(b.spend, value);
  b.fees = add_sat(b.fees, buyer_fee);
  const __int128 unit_ms = static_cast<__int128>(f.qty) * (lease_ns / 1'000'000);
  b.unit_ms[key.second] =
      add_sat(b.unit_ms[key.second], static_cast<std::int64_t>(std::min<__int128>(
                                         unit_ms, std::numeric_limits<std::int64_t>::max())));

  SellerTotals& sl = r.sellers[seller];
  ++sl.fills;
  sl.qty = add_sat(sl.qty, f.qty);
  sl.revenue = add_sat(sl.revenue, value);
  sl.fees = add_sat(sl.fees, seller_fee);
  if (ask != asks_.end()) {
    sl.reserve_value =
        add_sat(sl.reserve_value, engine::fill_value(ask->second.reserve, f.qty, lease_ns));
  } else {  // unknown reserve: counted at the fill price (no margin), and said so
    sl.reserve_value = add_sat(sl.reserve_value, value);
    ++sl.unknown_reserve;
  }

  r.fees_by_principal[buyer] = add_sat(r.fees_by_principal[buyer], buyer_fee);
  r.fees_by_principal[seller] = add_sat(r.fees_by_principal[seller], seller_fee);

  MarketTotals& m = r.markets[key];
  ++m.fills;
  m.qty = add_sat(m.qty, f.qty);
  m.value = add_sat(m.value, value);
  m.price_qty += static_cast<__int128>(f.price) * f.qty;
  m.fees = add_sat(m.fees, add_sat(f.taker_fee, f.maker_fee));
}

void Aggregator::utilisation(Report& r) const {
  if (!seen_ || options_.step_ns <= 0) return;
  const std::int64_t from = std::max(options_.from_ns, r.first_time_ns);
  const std::int64_t to = std::min(options_.to_ns, r.last_time_ns);
  if (from > to) return;
  const std::int64_t step = options_.step_ns;
  // The first multiple of the step at or after `from` (times are positive: plain division).
  const std::int64_t first = (from / step + (from % step > 0 ? 1 : 0)) * step;
  if (first > to) return;
  const std::uint64_t points = static_cast<std::uint64_t>((to - first) / step) + 1;
  if (points > options_.max_points)
    throw std::runtime_error("utilisation would need " + std::to_string(points) +
                             " points; give a longer --step or a shorter --from/--to range");

  std::set<PoolResource> keys;
  for (const auto& entry : supply_)
    keys.insert(entry.first);
  for (const auto& entry : leases_)
    keys.insert(entry.first);
  for (const PoolResource& key : keys) {
    static const std::vector<SupplyChange> kNoSupply;
    static const std::vector<Lease> kNoLeases;
    const auto s_it = supply_.find(key);
    const auto l_it = leases_.find(key);
    const auto& changes = s_it == supply_.end() ? kNoSupply : s_it->second;
    const auto& leases = l_it == leases_.end() ? kNoLeases : l_it->second;
    // One sweep over time: lease starts add, ends remove (a lease holds over [start, end)).
    std::vector<std::pair<std::int64_t, std::int64_t>> deltas;
    deltas.reserve(leases.size() * 2);
    for (const Lease& l : leases) {
      deltas.emplace_back(l.start_ns, l.qty);
      deltas.emplace_back(l.end_ns, -l.qty);
    }
    std::sort(deltas.begin(), deltas.end());
    std::vector<SupplyChange> ordered = changes;  // one pool is one partition: in time order
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [](const SupplyChange& a, const SupplyChange& b) { return a.time_ns < b.time_ns; });
    std::map<engine::HostId, engine::Qty> by_host;  // each host's last declaration so far
    std::size_t d = 0;
    std::size_t c = 0;
    std::int64_t leased = 0;
    std::vector<UtilPoint>& series = r.utilisation[key];
    for (std::int64_t t = first; t <= to; t += step) {
      for (; d < deltas.size() && deltas[d].first <= t; ++d)
        leased = add_sat(leased, deltas[d].second);
      for (; c < ordered.size() && ordered[c].time_ns <= t; ++c)
        by_host[ordered[c].host] = ordered[c].capacity;
      UtilPoint p{t, leased, 0};
      for (const auto& [host, cap] : by_host)
        p.capacity = add_sat(p.capacity, std::max<engine::Qty>(cap, 0));
      series.push_back(p);
      if (t > std::numeric_limits<std::int64_t>::max() - step) break;
    }
  }
}

Report Aggregator::finish() const {
  Report r = report_;
  utilisation(r);
  return r;
}

}  // namespace swarmex::report
