// Swarm orders: all legs fill together from the cheapest asks the placement rule allows, within
// the limit on the total, or nothing trades. Resting (GTC) swarm orders are tried again whenever
// supply on one of their instruments grows, in SwarmBook priority order.
//
// Planning is exact: for `any` and `same-pool` each leg independently takes its cheapest asks
// (price-time order), which is the cheapest total; for `same-host` the same holds per host, and
// the cheapest host wins (lowest host id on a tie). Own asks are never traded with.
#include <algorithm>

#include "event_builders.hpp"
#include "swarmex/engine/checked_math.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

namespace {

// Accepted / Cancelled of a whole swarm order, caused by `command`.
Event swarm_event(const SwarmOrder& s, EventKind kind, std::uint8_t reason, Qty units, Seq seq,
                  CommandKind command) {
  Event e;
  e.seq = seq;
  e.kind = kind;
  e.command = command;
  e.reason = reason;
  e.side = Side::Buy;
  e.instrument = s.legs[0].instrument;
  e.order_id = s.order_id;
  e.owner = s.owner;
  e.price = s.limit_total;
  e.qty = units;
  return e;
}

bool touches(const SwarmOrder& s, InstrumentId id) noexcept {
  for (std::uint8_t i = 0; i < s.leg_count; ++i)
    if (s.legs[i].instrument == id) return true;
  return false;
}

}  // namespace

RejectReason Engine::check_swarm(const SwarmOrder& s) const noexcept {
  if (s.owner == 0) return RejectReason::UnknownCommandOwner;
  if (s.leg_count == 0 || s.leg_count > kMaxSwarmLegs) return RejectReason::InvalidLegs;
  if (static_cast<std::uint8_t>(s.placement) >= static_cast<std::uint8_t>(Placement::kCount))
    return RejectReason::InvalidPlacement;
  if (s.tif != TimeInForce::Ioc && s.tif != TimeInForce::Gtc)
    return RejectReason::InvalidTimeInForce;
  const OrderBook* first = nullptr;
  for (std::uint8_t i = 0; i < s.leg_count; ++i) {
    const OrderBook* book = book_of(s.legs[i].instrument);
    if (book == nullptr) return RejectReason::UnknownInstrument;
    for (std::uint8_t j = 0; j < i; ++j)
      if (s.legs[j].instrument == s.legs[i].instrument) return RejectReason::InvalidLegs;
    if (book->halted()) return RejectReason::InstrumentHalted;
    if (!book->trading_at(now_ns_)) return RejectReason::WindowNotTrading;
    if (collecting(*book)) return RejectReason::UnsupportedInAuction;
    const InstrumentSpec& spec = book->spec();
    if (const RejectReason r = check_qty(spec, s.legs[i].qty); r != RejectReason::None) return r;
    if (first == nullptr) first = book;
    if (s.placement == Placement::SamePool && spec.pool != first->spec().pool)
      return RejectReason::LegsNotSamePool;
  }
  if (s.limit_total <= 0) return RejectReason::InvalidPrice;
  if (swarm_units(s) < 0) return RejectReason::InvalidQuantity;
  if (index_.find(s.order_id) != kNil || swarms_.find(s.order_id) != SwarmBook::kNotFound)
    return RejectReason::DuplicateOrderId;
  if (s.tif == TimeInForce::Gtc && swarms_.full()) return RejectReason::OrderCapacityExhausted;
  return RejectReason::None;
}

bool Engine::leg_cost(const SwarmOrder& s, std::uint8_t leg, bool one_host, HostId host,
                      bool record, Price* cost) noexcept {
  const OrderBook& book = *book_of(s.legs[leg].instrument);
  const BookSide& asks = book.side(Side::Sell);
  Qty need = s.legs[leg].qty;
  Price sum = 0;
  for (std::int64_t lvl = asks.best(); lvl != LevelBitmap::kNone && need > 0;
       lvl = asks.next_worse(lvl)) {
    const Price price = book.price_of(lvl);
    for (std::uint32_t o = asks.level(static_cast<std::uint32_t>(lvl)).head; o != kNil && need > 0;
         o = arena_[o].next) {
      const Order& m = arena_[o];
      if (m.owner == s.owner || (one_host && m.host != host)) continue;
      const Qty take = std::min(need, m.qty);
      Price c;
      if (!checked_mul(price, take, &c) || !checked_add(sum, c, &sum)) return false;
      if (record) plan_.push_back(SwarmPick{o, take});
      need -= take;
    }
  }
  *cost = sum;
  return need == 0;
}

bool Engine::plan_legs(const SwarmOrder& s, bool one_host, HostId host, bool record,
                       Price* total) noexcept {
  plan_.clear();
  Price sum = 0;
  for (std::uint8_t i = 0; i < s.leg_count; ++i) {
    Price cost;
    if (!leg_cost(s, i, one_host, host, record, &cost) || !checked_add(sum, cost, &sum))
      return false;
  }
  *total = sum;
  return sum <= s.limit_total;
}

bool Engine::pick_host(const SwarmOrder& s, HostId* host) noexcept {
  tally_.clear();
  const auto by_host = [](const HostTally& t, HostId h) { return t.host < h; };
  // Pruning, so a deep first leg is not read to its end: a host whose first ask on leg 0 is at
  // price p pays at least p x qty there plus, on every other leg, the cheapest cost from any
  // host. Hosts for which that bound exceeds `bound` (the limit, or a total some host already
  // achieves) cannot win and are never collected. Exact: no possible winner is skipped.
  Price others = 0;  // sum of the other legs' any-host cheapest costs
  for (std::uint8_t i = 1; i < s.leg_count; ++i) {
    Price c;
    if (!leg_cost(s, i, false, 0, false, &c)) return false;  // no host can fill this leg
    if (!checked_add(others, c, &others)) return false;      // beyond any limit
  }
  Price bound = s.limit_total;
  {
    const OrderBook& book = *book_of(s.legs[0].instrument);
    const BookSide& asks = book.side(Side::Sell);
    HostId first = 0;
    bool found = false;
    for (std::int64_t lvl = asks.best(); lvl != LevelBitmap::kNone && !found;
         lvl = asks.next_worse(lvl))
      for (std::uint32_t o = asks.level(static_cast<std::uint32_t>(lvl)).head; o != kNil && !found;
           o = arena_[o].next)
        if (arena_[o].owner != s.owner) {
          first = arena_[o].host;
          found = true;
        }
    if (!found) return false;
    Price t;  // the host of the best ask is a likely winner: its total tightens the bound
    if (plan_legs(s, true, first, /*record=*/false, &t)) bound = t;
  }
  {  // Candidates: hosts with an ask on the first leg that can still win.
    const OrderBook& book = *book_of(s.legs[0].instrument);
    const BookSide& asks = book.side(Side::Sell);
    for (std::int64_t lvl = asks.best(); lvl != LevelBitmap::kNone; lvl = asks.next_worse(lvl)) {
      Price floor;
      if (!checked_mul(book.price_of(lvl), s.legs[0].qty, &floor) ||
          !checked_add(floor, others, &floor) || floor > bound)
        break;
      for (std::uint32_t o = asks.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;
           o = arena_[o].next) {
        const Order& m = arena_[o];
        if (m.owner == s.owner) continue;
        auto it = std::lower_bound(tally_.begin(), tally_.end(), m.host, by_host);
        if (it == tally_.end() || it->host != m.host)
          tally_.insert(it, HostTally{m.host, 0, 0, 0, false});
      }
    }
  }
  std::size_t open = tally_.size();  // hosts that can still fill every leg
  for (std::uint8_t i = 0; i < s.leg_count && open > 0; ++i) {
    for (HostTally& t : tally_)
      t.leg_filled = 0;
    const Qty want = s.legs[i].qty;
    const OrderBook& book = *book_of(s.legs[i].instrument);
    const BookSide& asks = book.side(Side::Sell);
    std::size_t filling = open;  // open hosts still short on this leg
    for (std::int64_t lvl = asks.best(); lvl != LevelBitmap::kNone && filling > 0;
         lvl = asks.next_worse(lvl)) {
      const Price price = book.price_of(lvl);
      for (std::uint32_t o = asks.level(static_cast<std::uint32_t>(lvl)).head;
           o != kNil && filling > 0; o = arena_[o].next) {
        const Order& m = arena_[o];
        if (m.owner == s.owner) continue;
        auto it = std::lower_bound(tally_.begin(), tally_.end(), m.host, by_host);
        if (it == tally_.end() || it->host != m.host || it->legs_full != i) continue;
        const Qty take = std::min(want - it->leg_filled, m.qty);
        Price cost;
        if (!checked_mul(price, take, &cost) || !checked_add(it->total, cost, &it->total))
          it->overflow = true;
        it->leg_filled += take;
        if (it->leg_filled == want) {
          it->legs_full = static_cast<std::uint8_t>(i + 1);
          --filling;
        }
      }
    }
    open -= filling;
  }
  const HostTally* best = nullptr;
  for (const HostTally& t : tally_)
    if (t.legs_full == s.leg_count && !t.overflow && (best == nullptr || t.total < best->total))
      best = &t;
  if (best == nullptr || best->total > s.limit_total) return false;
  *host = best->host;
  return true;
}

bool Engine::plan_swarm(const SwarmOrder& s) noexcept {
  Price total = 0;
  if (s.placement != Placement::SameHost) return plan_legs(s, false, 0, true, &total);
  HostId host = 0;
  return pick_host(s, &host) && plan_legs(s, true, host, true, &total);
}

void Engine::execute_swarm(const SwarmOrder& s, Qty units, Seq seq, EventBuffer& out) noexcept {
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    const SwarmPick pick = plan_[i];
    Order& m = arena_[pick.order];
    OrderBook& book = books_[m.book];
    const std::uint32_t lvl = m.level;
    units -= pick.qty;
    Event f{};
    f.seq = seq;
    f.kind = EventKind::Fill;
    f.command = current_command_;
    f.side = Side::Buy;
    f.instrument = book.spec().id;
    f.order_id = s.order_id;
    f.maker_order_id = m.id;
    f.owner = s.owner;
    f.maker_owner = m.owner;
    f.host = m.host;
    f.price = book.price_of(lvl);
    f.qty = pick.qty;
    f.leaves_qty = units;
    f.maker_leaves_qty = m.qty - pick.qty + hidden_of(m);
    const Lease lease = lease_of(book);
    f.lease_start_ns = lease.from_ns;
    f.lease_end_ns = lease.to_ns;
    charge(book, f);
    credit_buyer(book, s.owner, m.host, pick.qty);
    sell_supply(book, m, f, out);
    if (pick.qty == m.qty) {
      slice_done(book, pick.order, seq);  // an iceberg shows its next slice at the back
    } else {
      orders_hash_ -= hash_of(book, m);
      m.qty -= pick.qty;
      book.side(Side::Sell).level(lvl).total -= pick.qty;
      orders_hash_ += hash_of(book, m);
    }
    // One level event per touched level, after its last pick (picks run level by level).
    const bool level_done = i + 1 == plan_.size() ||
                            arena_[plan_[i + 1].order].book != book.index() ||
                            arena_[plan_[i + 1].order].level != lvl;
    if (level_done) emit_level(book, Side::Sell, lvl, seq, out);
  }
  plan_.clear();
}

void Engine::on_swarm_order(const Command& cmd, EventBuffer& out) {
  const SwarmOrder& s = cmd.swarm;
  if (const RejectReason r = check_swarm(s); r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  const Qty units = swarm_units(s);
  Event acc = swarm_event(s, EventKind::Accepted, 0, units, cmd.seq, current_command_);
  acc.leaves_qty = units;
  out.push(acc);
  if (plan_swarm(s) && plan_fits_supply()) return execute_swarm(s, units, cmd.seq, out);
  if (s.tif == TimeInForce::Ioc) {
    out.push(swarm_event(s, EventKind::Cancelled,
                         static_cast<std::uint8_t>(CancelReason::SwarmUnfillable), units, cmd.seq,
                         current_command_));
    return;
  }
  swarms_.insert(RestingSwarm{s, units, cmd.seq});
}

void Engine::reevaluate_swarms(InstrumentId instrument, Seq seq, EventBuffer& out) noexcept {
  for (std::uint32_t i = 0; i < swarms_.size();) {
    const RestingSwarm& r = swarms_[i];
    if (!touches(r.order, instrument) || any_leg_blocked(r.order) || !plan_swarm(r.order) ||
        !plan_fits_supply()) {
      ++i;
      continue;
    }
    const RestingSwarm filled = r;
    swarms_.erase(i);  // same position now holds the next in priority
    execute_swarm(filled.order, filled.units, seq, out);
  }
}

bool Engine::any_leg_blocked(const SwarmOrder& s) const noexcept {
  for (std::uint8_t l = 0; l < s.leg_count; ++l)
    if (const OrderBook* b = book_of(s.legs[l].instrument);
        b->halted() || !b->trading_at(now_ns_) || collecting(*b))
      return true;
  return false;
}

bool Engine::cancel_swarm(const Command& cmd, EventBuffer& out) {
  const std::uint32_t i = swarms_.find(cmd.cancel.order_id);
  if (i == SwarmBook::kNotFound || swarms_[i].order.owner != cmd.cancel.owner ||
      swarms_[i].order.legs[0].instrument != cmd.cancel.instrument)
    return false;
  const RestingSwarm r = swarms_[i];
  Event acc = echo(cmd, EventKind::Accepted);
  out.push(acc);
  out.push(swarm_event(r.order, EventKind::Cancelled,
                       static_cast<std::uint8_t>(CancelReason::Requested), r.units, cmd.seq,
                       current_command_));
  swarms_.erase(i);
  return true;
}

void Engine::cancel_swarms_of(OwnerId owner, InstrumentId instrument, CancelReason why, Seq seq,
                              EventBuffer& out) {
  for (std::uint32_t i = 0; i < swarms_.size();) {
    const RestingSwarm& r = swarms_[i];
    if ((owner != 0 && r.order.owner != owner) ||
        (instrument != kAllInstruments && !touches(r.order, instrument))) {
      ++i;
      continue;
    }
    out.push(swarm_event(r.order, EventKind::Cancelled, static_cast<std::uint8_t>(why), r.units,
                         seq, current_command_));
    swarms_.erase(i);
  }
}

}  // namespace swarmex::engine
