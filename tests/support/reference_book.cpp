#include "reference_book.hpp"

#include <algorithm>
#include <stdexcept>

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::testing {

using namespace swarmex::engine;

ReferenceBook::ReferenceBook(std::uint32_t order_capacity) : capacity_(order_capacity) {}

void ReferenceBook::add_instrument(const InstrumentSpec& spec) {
  if (!validate(spec).empty() || find_book(spec.id) != nullptr)
    throw std::invalid_argument("reference: bad instrument");
  Book b;
  b.spec = spec;
  // Every MIG profile of a host draws on one GPU: those books share the resource "mig".
  b.gpu = spec.resource.starts_with("mig.");
  const std::string resource = b.gpu ? std::string("mig") : spec.resource;
  b.resource = std::find(resources_.begin(), resources_.end(), resource) - resources_.begin();
  if (b.resource == resources_.size()) resources_.push_back(resource);
  books_.push_back(std::move(b));
}

ReferenceBook::Book* ReferenceBook::find_book(InstrumentId id) {
  for (Book& b : books_)
    if (b.spec.id == id) return &b;
  return nullptr;
}

bool ReferenceBook::find_order(OrderId id, Located* where) {
  auto it = where_.find(id);
  if (it == where_.end()) return false;
  *where = it->second;
  return true;
}

std::vector<Price> ReferenceBook::prices_best_first(const Book& b, Side side) {
  std::vector<Price> prices;
  for (const auto& [price, fifo] : b.levels[static_cast<int>(side)])
    prices.push_back(price);
  if (side == Side::Buy) std::reverse(prices.begin(), prices.end());
  return prices;
}

bool ReferenceBook::crosses(Side resting, Price level, Price limit) {
  return resting == Side::Sell ? level <= limit : level >= limit;
}

std::uint64_t ReferenceBook::state_hash() const {
  std::uint64_t orders = holdings_hash() + supply_hash();
  // The calendar counts once there are products.
  std::uint64_t halted =
      products_.empty() ? 0 : mix64(0x43414c ^ static_cast<std::uint64_t>(calendar_ns_));
  for (const Book& b : books_) {
    if (b.halted) halted += halted_hash(b.spec.id);
    for (int s = 0; s < 2; ++s)
      for (const auto& [price, fifo] : b.levels[s])
        for (const Order& o : fifo)
          orders += order_hash(OrderHashFields{o.id, b.spec.id, o.side, o.price, o.qty, o.owner,
                                               o.host, o.priority_seq, o.flags});
  }
  return combine_state_hash(orders, halted, last_seq_);
}

Event ReferenceBook::echo(const Command& cmd, EventKind kind, RejectReason why) const {
  Event e;
  e.seq = cmd.seq;
  e.kind = kind;
  e.command = cmd.kind;
  e.reason = static_cast<std::uint8_t>(why);
  if (cmd.kind == CommandKind::NewOrder) {
    e.order_id = cmd.new_order.order_id;
    e.instrument = cmd.new_order.instrument;
    e.owner = cmd.new_order.owner;
    e.host = cmd.new_order.host;
    e.side = cmd.new_order.side;
    e.price = cmd.new_order.price;
    e.qty = cmd.new_order.qty;
  } else if (cmd.kind == CommandKind::CancelOrder) {
    e.order_id = cmd.cancel.order_id;
    e.owner = cmd.cancel.owner;
    e.instrument = cmd.cancel.instrument;
  } else if (cmd.kind == CommandKind::ModifyOrder) {
    e.order_id = cmd.modify.order_id;
    e.owner = cmd.modify.owner;
    e.instrument = cmd.modify.instrument;
    e.price = cmd.modify.new_price;
    e.qty = cmd.modify.new_qty;
  } else if (cmd.kind == CommandKind::MassCancel) {
    e.owner = cmd.mass_cancel.owner;
    e.instrument = cmd.mass_cancel.instrument;
  } else if (cmd.kind == CommandKind::Halt || cmd.kind == CommandKind::Resume) {
    e.instrument = cmd.control.instrument;
  } else if (cmd.kind == CommandKind::SetSupply) {
    e.owner = cmd.supply.owner;
    e.host = cmd.supply.host;
    e.instrument = cmd.supply.instrument;
    e.side = Side::Sell;
    e.qty = cmd.supply.capacity;
  } else if (cmd.kind == CommandKind::Resell) {  // first leg, the price, all legs' positive units
    const Resell& r = cmd.resell;
    e.order_id = r.order_id;
    e.instrument = r.legs[0].instrument;
    e.owner = r.owner;
    e.host = r.host;
    e.side = Side::Sell;
    e.price = r.price;
    __int128 units = 0;
    for (std::size_t i = 0; i < r.leg_count && i < kMaxSwarmLegs; ++i)
      if (r.legs[i].qty > 0) units += r.legs[i].qty;
    e.qty = units > INT64_MAX ? 0 : static_cast<Qty>(units);
  }
  return e;
}

Event ReferenceBook::cancelled(const Book& b, const Order& o, CancelReason why) const {
  Event e;
  e.seq = seq_;
  e.kind = EventKind::Cancelled;
  e.command = kind_;
  e.reason = static_cast<std::uint8_t>(why);
  e.side = o.side;
  e.instrument = b.spec.id;
  e.order_id = o.id;
  e.owner = o.owner;
  e.host = o.host;
  e.price = o.price;
  e.qty = o.qty;
  return e;
}

void ReferenceBook::emit_level(const Book& b, Side side, Price price, EventBuffer& out) {
  Event e;
  e.seq = seq_;
  e.kind = EventKind::BookLevel;
  e.command = kind_;
  e.side = side;
  e.instrument = b.spec.id;
  e.price = price;
  const auto& levels = b.levels[static_cast<int>(side)];
  if (auto it = levels.find(price); it != levels.end()) {
    for (const Order& o : it->second)
      e.qty += o.qty;
    e.leaves_qty = static_cast<Qty>(it->second.size());
  }
  out.push(e);
}

void ReferenceBook::apply(const Command& cmd, EventBuffer& out) {
  if (cmd.seq <= last_seq_) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::StaleSequence));
    return;
  }
  last_seq_ = cmd.seq;
  seq_ = cmd.seq;
  kind_ = cmd.kind;
  now_ns_ = cmd.time_ns;
  dispatch(cmd, out);
  // Groups this command sold from, re-sized or gave a large ask: trimmed in the same step.
  for (std::size_t i = 0; i < touched_.size(); ++i)
    fit(*touched_[i], out);
  touched_.clear();
}

void ReferenceBook::dispatch(const Command& cmd, EventBuffer& out) {
  switch (cmd.kind) {
    case CommandKind::NewOrder:
      return on_new(cmd, out);
    case CommandKind::CancelOrder:
      return on_cancel(cmd, out);
    case CommandKind::ModifyOrder:
      return on_modify(cmd, out);
    case CommandKind::MassCancel:
      return on_mass_cancel(cmd, out);
    case CommandKind::Halt:
      return on_halt(cmd, true, out);
    case CommandKind::Resume:
      return on_halt(cmd, false, out);
    case CommandKind::Roll:
      return on_roll(cmd, out);
    case CommandKind::Resell:
      return on_resell(cmd, out);
    case CommandKind::SetSupply:
      return on_set_supply(cmd, out);
    default:
      out.push(echo(cmd, EventKind::Rejected, RejectReason::InvalidCommand));
  }
}

RejectReason ReferenceBook::check_price_qty(const Book& b, Price price, Qty qty) const {
  const InstrumentSpec& s = b.spec;
  if (qty <= 0) return RejectReason::InvalidQuantity;
  if (qty % s.lot != 0) return RejectReason::QuantityOffLot;
  if (qty < s.min_qty) return RejectReason::QuantityBelowMin;
  if (qty > s.max_qty) return RejectReason::QuantityAboveMax;
  if (price <= 0) return RejectReason::InvalidPrice;
  if (price % s.tick != 0) return RejectReason::PriceOffTick;
  if (price < s.band_min || price > s.band_max) return RejectReason::PriceOutsideBand;
  // Naive overflow check in 128-bit arithmetic.
  const __int128 notional = static_cast<__int128>(price) * qty;
  if (notional > INT64_MAX || notional < INT64_MIN) return RejectReason::NotionalOverflow;
  return RejectReason::None;
}

RejectReason ReferenceBook::check_new(const NewOrder& o, Book* b) {
  if (o.owner == 0) return RejectReason::UnknownCommandOwner;
  if (b == nullptr) return RejectReason::UnknownInstrument;
  if (static_cast<int>(o.side) > 1) return RejectReason::InvalidSide;
  if (static_cast<int>(o.type) > 1) return RejectReason::InvalidOrderType;
  if (static_cast<int>(o.tif) > 2) return RejectReason::InvalidTimeInForce;
  if (static_cast<int>(o.stp) > 3) return RejectReason::InvalidStpMode;
  if (b->halted) return RejectReason::InstrumentHalted;
  if (!trading(*b)) return RejectReason::WindowNotTrading;
  const bool market = o.type == OrderType::Market;
  const Price price = market && o.price == 0 ? b->spec.band_max : o.price;
  if (const RejectReason r = check_price_qty(*b, price, o.qty); r != RejectReason::None) return r;
  if (o.min_qty < 0 || o.min_qty > o.qty || o.min_qty % b->spec.lot != 0)
    return RejectReason::InvalidMinQuantity;
  if (o.post_only && (market || o.tif != TimeInForce::Gtc))
    return RejectReason::PostOnlyNotLimitGtc;
  if (market && o.tif == TimeInForce::Gtc) return RejectReason::MarketNotImmediate;
  Located where;
  if (find_order(o.order_id, &where)) return RejectReason::DuplicateOrderId;
  if (!market && o.tif == TimeInForce::Gtc && live_ >= capacity_)
    return RejectReason::OrderCapacityExhausted;
  return RejectReason::None;
}

bool ReferenceBook::match(Book& b, Taker& t, EventBuffer& out) {
  const Side opp = opposite(t.side);
  auto& levels = b.levels[static_cast<int>(opp)];
  // The best opposite level while it crosses (a maker cut short by its host's supply is still
  // there, and is withdrawn on the next pass).
  while (t.leaves > 0 && !t.exhausted && !levels.empty()) {
    const Price price = opp == Side::Buy ? levels.rbegin()->first : levels.begin()->first;
    if (!crosses(opp, price, t.limit)) break;
    Fifo& fifo = levels[price];
    bool touched = false;
    bool stopped = false;
    for (auto it = fifo.begin(); it != fifo.end() && t.leaves > 0 && !t.exhausted;) {
      if (t.stp != StpMode::None && it->owner == t.owner) {
        if (t.stp != StpMode::CancelNewest) {
          out.push(cancelled(b, *it, CancelReason::SelfTrade));
          const auto next = std::next(it);
          remove(b, fifo, it, true);
          it = next;
          touched = true;
        } else {
          ++it;
        }
        if (t.stp != StpMode::CancelOldest) {
          stopped = true;
          break;
        }
        continue;
      }
      Qty q = std::min(t.leaves, it->qty);
      // A host sells each unit once per instant: its group caps the fill (resale sells holdings).
      const bool taker_sells = t.side == Side::Sell;
      const HostId seller = taker_sells ? t.host : it->host;
      const bool resale = taker_sells ? t.resale : (it->flags & kResaleFlag) != 0;
      if (Group* g = resale ? nullptr : group_of(b, seller)) {
        fold(*g, now_ns_);
        const Lease lease = lease_of(b);
        const Qty left = room(*g, lease);
        if (left <= 0 && taker_sells) {
          t.exhausted = true;
          break;
        }
        if (left <= 0) {
          out.push(cancelled(b, *it, CancelReason::SupplyExhausted));
          const auto next = std::next(it);
          remove(b, fifo, it, true);
          it = next;
          touched = true;
          continue;
        }
        q = std::min(q, left);
        g->sales.push_back(Sale{lease.from_ns, lease.to_ns, q});
        touch(g);
      }
      t.leaves -= q;
      it->qty -= q;
      Event f;
      f.seq = seq_;
      f.kind = EventKind::Fill;
      f.command = kind_;
      f.side = t.side;
      f.instrument = b.spec.id;
      f.order_id = t.id;
      f.maker_order_id = it->id;
      f.owner = t.owner;
      f.maker_owner = it->owner;
      f.host = seller;
      f.price = price;
      f.qty = q;
      f.leaves_qty = t.leaves;
      f.maker_leaves_qty = it->qty;
      const Lease lease_of_fill = lease_of(b);  // spot: from the match; a window book: its window
      f.lease_start_ns = lease_of_fill.from_ns;
      f.lease_end_ns = lease_of_fill.to_ns;
      out.push(f);
      if (b.product >= 0) credit(b.spec.id, taker_sells ? it->owner : t.owner, seller, q);
      touched = true;
      if (it->qty == 0) {
        const auto next = std::next(it);
        remove(b, fifo, it, false);
        it = next;
      } else {
        ++it;
      }
    }
    if (touched) emit_level(b, opp, price, out);
    if (fifo.empty()) levels.erase(price);
    if (stopped) return true;
  }
  return false;
}

void ReferenceBook::rest(Book& b, const Taker& t, std::uint8_t flags, EventBuffer& out) {
  Fifo& fifo = b.levels[static_cast<int>(t.side)][t.limit];
  fifo.push_back(Order{t.id, t.owner, t.host, t.side, t.limit, t.leaves, seq_, flags});
  where_[t.id] = Located{&b, t.side, t.limit, std::prev(fifo.end())};
  ++live_;
  emit_level(b, t.side, t.limit, out);
  note_ask(b, fifo.back());
}

void ReferenceBook::remove(Book& b, Fifo& fifo, Fifo::iterator it, bool give_back) {
  if (give_back && (it->flags & kResaleFlag) != 0) credit(b.spec.id, it->owner, it->host, it->qty);
  where_.erase(it->id);
  fifo.erase(it);
  --live_;
}

void ReferenceBook::on_new(const Command& cmd, EventBuffer& out) {
  const NewOrder& o = cmd.new_order;
  Book* b = find_book(o.instrument);
  if (const RejectReason r = check_new(o, b); r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, r));
    return;
  }
  const Side opp = opposite(o.side);
  const std::vector<Price> opp_prices = prices_best_first(*b, opp);
  const InstrumentSpec& s = b->spec;
  Price limit = o.price;
  if (o.type == OrderType::Market && o.price == 0) {
    const Price prot = s.market_protection_ticks * s.tick;
    if (opp_prices.empty())
      limit = o.side == Side::Buy ? s.band_min - s.tick : s.band_max + s.tick;
    else if (o.side == Side::Buy)
      limit = std::min(opp_prices.front() + prot, s.band_max);
    else
      limit = std::max(opp_prices.front() - prot, s.band_min);
  }
  if (o.post_only && !opp_prices.empty() && crosses(opp, opp_prices.front(), limit)) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::WouldCrossPostOnly));
    return;
  }
  Event ev = echo(cmd, EventKind::Accepted);
  ev.leaves_qty = o.qty;
  out.push(ev);
  auto cancel_taker = [&](CancelReason why, Qty qty) {
    ev.kind = EventKind::Cancelled;
    ev.reason = static_cast<std::uint8_t>(why);
    ev.qty = qty;
    ev.leaves_qty = 0;
    out.push(ev);
  };

  Taker t{o.order_id, o.owner, o.host, o.side, o.stp, o.qty, limit};
  const Qty needed = o.tif == TimeInForce::Fok ? o.qty : o.min_qty;
  if (needed > 0) {
    // What would trade: walk the opposite side in priority order under the STP rule.
    Qty available = 0;
    bool blocked = false;
    for (const Price p : opp_prices) {
      if (blocked || !crosses(opp, p, limit)) break;
      for (const Order& m : b->levels[static_cast<int>(opp)][p]) {
        if (t.stp != StpMode::None && m.owner == t.owner) {
          if (t.stp == StpMode::CancelOldest) continue;
          blocked = true;
          break;
        }
        available += m.qty;
      }
    }
    if (available < needed)
      return cancel_taker(
          o.tif == TimeInForce::Fok ? CancelReason::FokUnfillable : CancelReason::MinQtyNotMet,
          o.qty);
  }
  const bool stopped = match(*b, t, out);
  if (t.leaves == 0) return;
  if (stopped) return cancel_taker(CancelReason::SelfTrade, t.leaves);
  if (o.type == OrderType::Market)
    return cancel_taker(b->levels[static_cast<int>(opp)].empty() ? CancelReason::NoLiquidity
                                                                 : CancelReason::MarketProtection,
                        t.leaves);
  if (o.tif != TimeInForce::Gtc) return cancel_taker(CancelReason::IocRemainder, t.leaves);
  rest(*b, t, static_cast<std::uint8_t>(static_cast<int>(o.stp) | (o.post_only ? 4 : 0)), out);
}

void ReferenceBook::on_cancel(const Command& cmd, EventBuffer& out) {
  Located w;
  if (!find_order(cmd.cancel.order_id, &w) || w.it->owner != cmd.cancel.owner ||
      w.book->spec.id != cmd.cancel.instrument) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::UnknownOrder));
    return;
  }
  Event acc = echo(cmd, EventKind::Accepted);
  acc.side = w.side;
  out.push(acc);
  out.push(cancelled(*w.book, *w.it, CancelReason::Requested));
  auto& levels = w.book->levels[static_cast<int>(w.side)];
  remove(*w.book, levels[w.price], w.it, true);
  emit_level(*w.book, w.side, w.price, out);
  if (levels[w.price].empty()) levels.erase(w.price);
}

void ReferenceBook::on_modify(const Command& cmd, EventBuffer& out) {
  const ModifyOrder& m = cmd.modify;
  Located w;
  if (!find_order(m.order_id, &w) || w.it->owner != m.owner || w.book->spec.id != m.instrument) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::UnknownOrder));
    return;
  }
  Book& b = *w.book;
  if (b.halted) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::InstrumentHalted));
    return;
  }
  if (!trading(b)) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::WindowNotTrading));
    return;
  }
  if (const RejectReason r = check_price_qty(b, m.new_price, m.new_qty); r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, r));
    return;
  }
  const Side opp = opposite(w.side);
  const std::vector<Price> opp_prices = prices_best_first(b, opp);
  if ((w.it->flags & 4) && !opp_prices.empty() && crosses(opp, opp_prices.front(), m.new_price)) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::WouldCrossPostOnly));
    return;
  }
  // A resale ask offers held capacity: growing it needs more held, shrinking gives some back.
  const bool resale = (w.it->flags & kResaleFlag) != 0;
  const Qty more = m.new_qty - w.it->qty;
  if (resale && more > 0 && held(b.spec.id, w.it->owner, w.it->host) < more) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::InsufficientHolding));
    return;
  }
  if (resale && more != 0) credit(b.spec.id, w.it->owner, w.it->host, -more);
  Event acc = echo(cmd, EventKind::Accepted);
  acc.side = w.side;
  out.push(acc);
  Event mod = acc;
  mod.kind = EventKind::Modified;
  mod.host = w.it->host;
  mod.leaves_qty = m.new_qty;
  out.push(mod);

  auto& own = b.levels[static_cast<int>(w.side)];
  Order order = *w.it;
  if (m.new_price == w.price && m.new_qty <= order.qty) {  // keeps priority
    if (m.new_qty != order.qty) {
      w.it->qty = m.new_qty;
      emit_level(b, w.side, w.price, out);
    }
    return note_ask(b, *w.it);
  }
  where_.erase(w.it->id);
  own[w.price].erase(w.it);
  if (m.new_price == w.price) {  // quantity up: to the back
    order.qty = m.new_qty;
    order.priority_seq = seq_;
    own[w.price].push_back(order);
    where_[order.id] = Located{&b, w.side, w.price, std::prev(own[w.price].end())};
    note_ask(b, order);
    return emit_level(b, w.side, w.price, out);
  }
  --live_;
  emit_level(b, w.side, w.price, out);
  if (own[w.price].empty()) own.erase(w.price);
  Taker t{order.id,  order.owner, order.host, order.side, static_cast<StpMode>(order.flags & 3),
          m.new_qty, m.new_price, resale};
  const bool stopped = match(b, t, out);
  if (t.leaves > 0 && !stopped) return rest(b, t, order.flags, out);
  if (stopped && t.leaves > 0) {
    Event c = mod;
    c.kind = EventKind::Cancelled;
    c.reason = static_cast<std::uint8_t>(CancelReason::SelfTrade);
    c.qty = t.leaves;
    c.leaves_qty = 0;
    out.push(c);
    if (resale) credit(b.spec.id, order.owner, order.host, t.leaves);
  }
}

void ReferenceBook::on_mass_cancel(const Command& cmd, EventBuffer& out) {
  const MassCancel& mc = cmd.mass_cancel;
  if (mc.owner == 0) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::UnknownCommandOwner));
    return;
  }
  if (mc.instrument != kAllInstruments && find_book(mc.instrument) == nullptr) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::UnknownInstrument));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  for (Book& b : books_) {
    if (mc.instrument != kAllInstruments && b.spec.id != mc.instrument) continue;
    for (const Side s : {Side::Buy, Side::Sell}) {
      auto& levels = b.levels[static_cast<int>(s)];
      for (const Price p : prices_best_first(b, s)) {
        Fifo& fifo = levels[p];
        bool touched = false;
        for (auto it = fifo.begin(); it != fifo.end();) {
          if (it->owner == mc.owner) {
            out.push(cancelled(b, *it, CancelReason::MassCancel));
            const auto next = std::next(it);
            remove(b, fifo, it, true);
            it = next;
            touched = true;
          } else {
            ++it;
          }
        }
        if (touched) emit_level(b, s, p, out);
        if (fifo.empty()) levels.erase(p);
      }
    }
  }
}

void ReferenceBook::on_halt(const Command& cmd, bool halt, EventBuffer& out) {
  Book* b = find_book(cmd.control.instrument);
  if (b == nullptr) {
    out.push(echo(cmd, EventKind::Rejected, RejectReason::UnknownInstrument));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  b->halted = halt;
}

}  // namespace swarmex::testing
