// Command dispatch, validation, cancel / modify / mass cancel / halt, and inspection.
// Matching itself lives in matching.cpp.
#include "swarmex/engine/engine.hpp"

#include <algorithm>
#include <stdexcept>

#include "event_builders.hpp"
#include "swarmex/engine/checked_math.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

// Accepted / Rejected echo the command's own fields; nothing else is known for a reject.
Event echo(const Command& cmd, EventKind kind, std::uint8_t reason) noexcept {
  Event e;
  e.seq = cmd.seq;
  e.kind = kind;
  e.command = cmd.kind;
  e.reason = reason;
  switch (cmd.kind) {
    case CommandKind::NewOrder: {
      const NewOrder& o = cmd.new_order;
      e.order_id = o.order_id;
      e.instrument = o.instrument;
      e.owner = o.owner;
      e.host = o.host;
      e.side = o.side;
      e.price = o.price;
      e.qty = o.qty;
      e.agent = o.agent != 0 ? kByAgent : 0;
      break;
    }
    case CommandKind::CancelOrder:
      e.order_id = cmd.cancel.order_id;
      e.owner = cmd.cancel.owner;
      e.instrument = cmd.cancel.instrument;
      break;
    case CommandKind::ModifyOrder:
      e.order_id = cmd.modify.order_id;
      e.owner = cmd.modify.owner;
      e.instrument = cmd.modify.instrument;
      e.price = cmd.modify.new_price;
      e.qty = cmd.modify.new_qty;
      break;
    case CommandKind::MassCancel:
      e.owner = cmd.mass_cancel.owner;
      e.instrument = cmd.mass_cancel.instrument;
      break;
    case CommandKind::Halt:
    case CommandKind::Resume:
      e.instrument = cmd.control.instrument;
      break;
    case CommandKind::SetSupply:
      e.owner = cmd.supply.owner;
      e.host = cmd.supply.host;
      e.instrument = cmd.supply.instrument;
      e.side = Side::Sell;
      e.qty = cmd.supply.capacity;
      break;
    case CommandKind::SetParams:  // order_id: the request's id, so the gateway can answer it
      e.order_id = cmd.params.request_id;
      e.owner = cmd.params.owner;
      e.instrument = cmd.params.instrument;
      break;
    case CommandKind::CreateInstrument:
      e.order_id = cmd.create.request_id;
      e.owner = cmd.create.owner;
      e.instrument = cmd.create.id;
      break;
    case CommandKind::SetFees:  // order_id: the request's id
      e.order_id = cmd.fees.request_id;
      e.owner = cmd.fees.owner;
      e.instrument = cmd.fees.instrument;
      e.price = cmd.fees.fees.maker_bps;
      e.qty = cmd.fees.fees.taker_bps;
      break;
    case CommandKind::EndDay:  // order_id: the request's id
      e.order_id = cmd.end_day.request_id;
      e.owner = cmd.end_day.owner;
      e.instrument = cmd.end_day.instrument;
      break;
    case CommandKind::SetTradingMode:  // order_id: the request's id; qty the mode
      e.order_id = cmd.trading_mode.request_id;
      e.owner = cmd.trading_mode.owner;
      e.instrument = cmd.trading_mode.instrument;
      e.qty = static_cast<Qty>(cmd.trading_mode.mode);
      e.leaves_qty = cmd.trading_mode.interval_ns;
      break;
    case CommandKind::SetBreaker:  // order_id: the request's id; qty 1 on, 0 off
      e.order_id = cmd.breaker.request_id;
      e.owner = cmd.breaker.owner;
      e.instrument = cmd.breaker.instrument;
      e.qty = cmd.breaker.on ? 1 : 0;
      e.price = cmd.breaker.max_move_bps;
      break;
    case CommandKind::SetPricing:  // order_id: the request's id
      e.order_id = cmd.pricing.request_id;
      e.owner = cmd.pricing.owner;
      e.instrument = cmd.pricing.instrument;
      break;
    case CommandKind::Autopilot:  // order_id: the request's id; qty 1 for on, 0 for off
      e.order_id = cmd.autopilot.request_id;
      e.owner = cmd.autopilot.owner;
      e.instrument = cmd.autopilot.instrument;
      e.side = Side::Buy;
      e.price = cmd.autopilot.max_price;
      e.qty = cmd.autopilot.on ? 1 : 0;
      break;
    case CommandKind::Resell: {  // the request: first leg, the ask price, all legs' units
      const Resell& r = cmd.resell;
      e.order_id = r.order_id;
      e.instrument = r.legs[0].instrument;
      e.owner = r.owner;
      e.host = r.host;
      e.side = Side::Sell;
      e.price = r.price;
      e.agent = r.agent != 0 ? kByAgent : 0;
      for (std::uint8_t i = 0; i < r.leg_count && i < kMaxSwarmLegs; ++i)
        if (r.legs[i].qty > 0 && !checked_add(e.qty, r.legs[i].qty, &e.qty)) {
          e.qty = 0;  // the sum overflows: 0, not the legs after the overflow
          break;
        }
      break;
    }
    case CommandKind::SwarmOrder:  // the bundle: first leg, limit on the total, all units
      e.order_id = cmd.swarm.order_id;
      e.instrument = cmd.swarm.legs[0].instrument;
      e.owner = cmd.swarm.owner;
      e.price = cmd.swarm.limit_total;
      e.qty = std::max<Qty>(swarm_units(cmd.swarm), 0);  // 0 when the sum overflows
      break;
    default:
      break;
  }
  return e;
}

namespace {

void reject(const Command& cmd, RejectReason why, EventBuffer& out) {
  out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
}

}  // namespace

Engine::Engine(EngineConfig config)
    : arena_(config.order_capacity),
      index_(config.order_capacity, arena_),
      swarms_(config.swarm_capacity) {
  plan_.reserve(1024);
  tally_.reserve(256);
}

void Engine::add_instrument(const InstrumentSpec& spec) {
  if (const std::string err = validate(spec); !err.empty())
    throw std::invalid_argument("instrument " + spec.symbol + ": " + err);
  if (spec.id > kMaxInstrumentId) throw std::invalid_argument("instrument id too large");
  if (has_instrument(spec.id)) throw std::invalid_argument("duplicate instrument id");
  if (books_.size() >= kNoBook) throw std::invalid_argument("too many instruments in one engine");
  if (book_by_id_.size() <= spec.id) book_by_id_.resize(spec.id + 1, kNoBook);
  book_by_id_[spec.id] = static_cast<std::uint16_t>(books_.size());
  books_.emplace_back(spec, static_cast<std::uint16_t>(books_.size()));
  // Every MIG profile of a host draws on one GPU group: its resource is "mig" for supply.
  const MigProfile* profile = find_mig_profile(spec.resource);
  const std::string group_resource = profile != nullptr ? std::string("mig") : spec.resource;
  std::uint16_t resource = resource_id(group_resource);
  if (resource == 0xFFFF) {
    resource = static_cast<std::uint16_t>(resource_names_.size());
    resource_names_.push_back(group_resource);
  }
  book_resource_.push_back(resource);
  book_profile_.push_back(profile);
  const auto pool_it = std::find(pool_names_.begin(), pool_names_.end(), spec.pool);
  book_pool_.push_back(static_cast<std::uint16_t>(pool_it - pool_names_.begin()));
  if (pool_it == pool_names_.end()) pool_names_.push_back(spec.pool);
}

const InstrumentSpec* Engine::instrument(InstrumentId id) const noexcept {
  const OrderBook* b = book_of(id);
  return b ? &b->spec() : nullptr;
}

std::vector<InstrumentId> Engine::instruments() const {
  std::vector<InstrumentId> ids;
  for (const OrderBook& b : books_)
    ids.push_back(b.spec().id);
  return ids;
}

void Engine::apply(const Command& cmd, EventBuffer& out) {
  if (cmd.seq <= last_seq_) return reject(cmd, RejectReason::StaleSequence, out);
  last_seq_ = cmd.seq;
  current_command_ = cmd.kind;
  taker_agent_ = 0;
  now_ns_ = cmd.time_ns;
  latest_time_ns_ = std::max(latest_time_ns_, cmd.time_ns);
  if (terms_.due(cmd.time_ns)) [[unlikely]]
    expire_due(cmd.seq, cmd.time_ns);  // GTD orders due go first (order_expiry.cpp)
  // A batch due at this time clears before the command, in the command's step.
  if (cmd.time_ns >= next_auction_ns_) [[unlikely]]
    run_due_auctions(cmd.seq, out);
  const std::size_t at = out.size();
  dispatch(cmd, out);
  if (!expiry_events_.empty()) [[unlikely]]
    put_expiry_events(at, out);  // right after the command's outcome
  if (pricing_.empty()) {
    if (!touched_.empty()) fit_touched(cmd.seq, out);
    return;
  }
  for (const SupplyGroup* g : touched_)  // their pools' utilisation may have moved
    repricing_.push_back(PoolKey{g->pool, g->resource});
  if (!touched_.empty()) fit_touched(cmd.seq, out);
  reprice_after(cmd.seq, cmd.kind == CommandKind::Roll, out);
}

void Engine::dispatch(const Command& cmd, EventBuffer& out) {
  switch (cmd.kind) {
    case CommandKind::NewOrder:
      return on_new_order(cmd, out);
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
    case CommandKind::SwarmOrder:
      return on_swarm_order(cmd, out);
    case CommandKind::Roll:
      return on_roll(cmd, out);
    case CommandKind::Resell:
      return on_resell(cmd, out);
    case CommandKind::SetSupply:
      return on_set_supply(cmd, out);
    case CommandKind::SetParams:
      return on_set_params(cmd, out);
    case CommandKind::CreateInstrument:
      return on_create_instrument(cmd, out);
    case CommandKind::Autopilot:
      return on_autopilot(cmd, out);
    case CommandKind::SetPricing:
      return on_set_pricing(cmd, out);
    case CommandKind::SetFees:
      return on_set_fees(cmd, out);
    case CommandKind::EndDay:
      return on_end_day(cmd, out);
    case CommandKind::SetTradingMode:
      return on_set_trading_mode(cmd, out);
    case CommandKind::SetBreaker:
      return on_set_breaker(cmd, out);
    default:
      return reject(cmd, RejectReason::InvalidCommand, out);
  }
}

std::uint64_t Engine::state_hash() const noexcept {
  // The calendar counts only where it matters, so engines without products hash as before.
  const std::uint64_t calendar =
      products_.empty() ? 0 : mix64(0x43414c ^ static_cast<std::uint64_t>(calendar_ns_));
  std::uint64_t supply = 0;
  for (const auto& [key, group] : supply_)
    supply += group.hash(key);
  return combine_state_hash(orders_hash_ + swarms_.hash() + holdings_.hash() + supply +
                                grants_.hash() + pricing_hash() + terms_.hash(),
                            halted_hash_ + calendar + params_hash_ + fees_hash_ + auctions_hash(),
                            last_seq_);
}

RejectReason check_qty(const InstrumentSpec& s, Qty qty) noexcept {
  if (qty <= 0) return RejectReason::InvalidQuantity;
  if (s.lot != 1 && qty % s.lot != 0) return RejectReason::QuantityOffLot;
  if (qty < s.min_qty) return RejectReason::QuantityBelowMin;
  if (qty > s.max_qty) return RejectReason::QuantityAboveMax;
  return RejectReason::None;
}

RejectReason Engine::check_price_qty(const OrderBook& book, Price price, Qty qty,
                                     bool band) const noexcept {
  if (const RejectReason r = check_qty(book.spec(), qty); r != RejectReason::None) return r;
  if (price <= 0) return RejectReason::InvalidPrice;
  if (!book.on_tick(price)) return RejectReason::PriceOffTick;
  if (band && !book.in_band(price)) return RejectReason::PriceOutsideBand;
  Price notional;
  if (!checked_mul(price, qty, &notional)) return RejectReason::NotionalOverflow;
  return RejectReason::None;
}

RejectReason Engine::check_new_order(const NewOrder& o, const OrderBook* book) const noexcept {
  if (o.owner == 0) return RejectReason::UnknownCommandOwner;
  if (book == nullptr) return RejectReason::UnknownInstrument;
  if (static_cast<std::uint8_t>(o.side) > 1) return RejectReason::InvalidSide;
  if (static_cast<std::uint8_t>(o.type) > 1) return RejectReason::InvalidOrderType;
  if (static_cast<std::uint8_t>(o.tif) > 4 ||
      (o.tif == TimeInForce::Gtd) != (o.expire_time_ns != 0))
    return RejectReason::InvalidTimeInForce;
  if (static_cast<std::uint8_t>(o.stp) > 3) return RejectReason::InvalidStpMode;
  if (book->halted()) return RejectReason::InstrumentHalted;
  if (!book->trading_at(now_ns_)) return RejectReason::WindowNotTrading;
  const bool market = o.type == OrderType::Market;
  // A market order without a protection price is checked at the worst price of the band.
  const Price checked_price = market && o.price == 0 ? book->spec().band_max : o.price;
  if (const RejectReason r = check_price_qty(*book, checked_price, o.qty); r != RejectReason::None)
    return r;
  if (o.min_qty < 0 || o.min_qty > o.qty ||
      (book->spec().lot != 1 && o.min_qty % book->spec().lot != 0))
    return RejectReason::InvalidMinQuantity;
  if (o.post_only && (market || !rests(o.tif))) return RejectReason::PostOnlyNotLimitGtc;
  if (market && rests(o.tif)) return RejectReason::MarketNotImmediate;
  if (o.tif == TimeInForce::Gtd || o.display_qty != 0)
    if (const RejectReason r = check_order_terms(o, *book); r != RejectReason::None) return r;
  if (index_.find(o.order_id) != kNil) return RejectReason::DuplicateOrderId;
  if (!market && rests(o.tif) && arena_.full()) return RejectReason::OrderCapacityExhausted;
  return RejectReason::None;
}

void Engine::on_cancel(const Command& cmd, EventBuffer& out) {
  const std::uint32_t bucket = index_.find_bucket(cmd.cancel.order_id);
  const std::uint32_t idx = bucket == kNil ? kNil : index_.order_at(bucket);
  if (idx == kNil && cancel_swarm(cmd, out)) return;
  if (idx == kNil || arena_[idx].owner != cmd.cancel.owner ||
      books_[arena_[idx].book].spec().id != cmd.cancel.instrument)
    return reject(cmd, RejectReason::UnknownOrder, out);
  OrderBook& book = books_[arena_[idx].book];
  const Side side = arena_[idx].side;
  const std::uint32_t level = arena_[idx].level;
  out.entry() = Event{.seq = cmd.seq,
                      .kind = EventKind::Accepted,
                      .command = cmd.kind,
                      .side = side,
                      .instrument = cmd.cancel.instrument,
                      .order_id = cmd.cancel.order_id,
                      .owner = cmd.cancel.owner};
  cancel_resting(book, idx, CancelReason::Requested, cmd.seq, out, bucket);
  emit_level(book, side, level, cmd.seq, out);
}

void Engine::on_modify(const Command& cmd, EventBuffer& out) {
  const ModifyOrder& m = cmd.modify;
  const std::uint32_t idx = index_.find(m.order_id);
  if (idx == kNil || arena_[idx].owner != m.owner ||
      books_[arena_[idx].book].spec().id != m.instrument)
    return reject(cmd, RejectReason::UnknownOrder, out);
  Order& o = arena_[idx];
  OrderBook& book = books_[o.book];
  if (book.halted()) return reject(cmd, RejectReason::InstrumentHalted, out);
  if (!book.trading_at(now_ns_)) return reject(cmd, RejectReason::WindowNotTrading, out);
  // A pegged ask's price is a new base: it rests where the curve puts that base now.
  const bool pegged = (o.flags & Order::kPegged) != 0;
  if (pegged && m.new_price <= 0) return reject(cmd, RejectReason::InvalidPrice, out);
  const Price price = pegged ? peg_price(book, m.new_price) : m.new_price;
  // An order resting outside a narrowed band may keep its price (quantity changes only).
  const bool new_price = price != book.price_of(o.level);
  if (const RejectReason r = check_price_qty(book, price, m.new_qty, new_price);
      r != RejectReason::None)
    return reject(cmd, r, out);
  const std::uint32_t new_level = book.level_of(price);
  BookSide& own = book.side(o.side);
  const BookSide& opp = book.side(opposite(o.side));
  if (o.post_only() && !opp.empty() && opp.crosses(opp.best(), new_level))
    return reject(cmd, RejectReason::WouldCrossPostOnly, out);
  // A resale ask offers held capacity: more of it must still be held, less gives it back.
  const bool resale = (o.flags & Order::kResale) != 0;
  const HoldingKey held{m.instrument, o.owner, o.host};
  if (resale && m.new_qty > o.qty && holdings_.free(held) < m.new_qty - o.qty)
    return reject(cmd, RejectReason::InsufficientHolding, out);
  if (resale && m.new_qty > o.qty) holdings_.debit(held, m.new_qty - o.qty);
  if (resale && m.new_qty < o.qty) holdings_.credit(held, o.qty - m.new_qty);

  if (pegged) {
    PoolPricing& pp = pricing_[key_of(book)];
    pegged_hash_ -= peg_hash(o.id, pp.pegged[o.id]);
    pp.pegged[o.id] = m.new_price;
    pegged_hash_ += peg_hash(o.id, m.new_price);
  }
  Event acc = echo(cmd, EventKind::Accepted);
  acc.price = price;
  acc.side = o.side;
  acc.agent = (o.flags & Order::kAgent) != 0 ? kByAgent : 0;
  taker_agent_ = acc.agent;
  out.push(acc);
  Event mod = acc;
  mod.kind = EventKind::Modified;
  mod.host = o.host;
  mod.leaves_qty = m.new_qty;
  out.push(mod);
  // A host ask's place among its supply group's asks follows its quantity (in again below).
  const bool grouped = !supply_.empty() && o.side == Side::Sell && !resale;
  if (grouped) unindex_ask(book, o);

  const std::uint32_t old_level = o.level;
  const Qty hidden = hidden_of(o);
  if (hidden != 0 && new_level == old_level && m.new_qty <= o.qty + hidden) {
    shrink_iceberg(book, o, m.new_qty, cmd.seq,
                   out);  // an iceberg's total down: keeps time priority
    if (grouped) index_ask(book, o);
    return;
  }
  if (new_level == old_level && m.new_qty <= o.qty) {  // keeps time priority
    if (m.new_qty != o.qty) {
      orders_hash_ -= hash_of(book, o);
      own.level(old_level).total -= o.qty - m.new_qty;
      o.qty = m.new_qty;
      orders_hash_ += hash_of(book, o);
      emit_level(book, o.side, old_level, cmd.seq, out);
    }
    if (grouped) index_ask(book, o);
    return;
  }
  orders_hash_ -= hash_of(book, o);
  own.unlink(arena_, idx);
  // An ask resting with more quantity or a new price is new supply for resting swarm orders.
  const bool more_supply = o.side == Side::Sell && !swarms_.empty();
  if (new_level == old_level) {  // quantity up: back of the queue, cannot cross
    set_remaining(o, m.new_qty);
    o.priority_seq = cmd.seq;
    own.link_tail(arena_, idx, new_level);
    orders_hash_ += hash_of(book, o);
    if (grouped) index_ask(book, o);
    emit_level(book, o.side, new_level, cmd.seq, out);
    if (more_supply) reevaluate_swarms(m.instrument, cmd.seq, out);
    return;
  }
  // Price change: leave the old level, trade as an incoming order, rest what is left.
  emit_level(book, o.side, old_level, cmd.seq, out);
  move_resting(book, idx, new_level, m.new_qty, mod, cmd.seq, out);
}

void Engine::move_resting(OrderBook& book, std::uint32_t idx, std::uint32_t new_level, Qty qty,
                          const Event& mod, Seq seq, EventBuffer& out) {
  Order& o = arena_[idx];
  const bool resale = (o.flags & Order::kResale) != 0;
  const bool grouped = !supply_.empty() && o.side == Side::Sell && !resale;
  Taker t{o.id, o.owner, o.host, o.side, o.stp(), qty, new_level, resale, false};
  const bool stopped = match(book, t, seq, out);
  if (t.leaves > 0 && !stopped) {
    set_remaining(o, t.leaves);
    o.priority_seq = seq;
    book.side(o.side).link_tail(arena_, idx, new_level);
    orders_hash_ += hash_of(book, o);
    if (grouped) index_ask(book, o);
    emit_level(book, o.side, new_level, seq, out);
    if (o.side == Side::Sell && !swarms_.empty()) reevaluate_swarms(book.spec().id, seq, out);
    return;
  }
  if (stopped && t.leaves > 0) {
    Event c = mod;
    c.kind = EventKind::Cancelled;
    c.reason = static_cast<std::uint8_t>(CancelReason::SelfTrade);
    c.qty = t.leaves;
    c.leaves_qty = 0;
    out.push(c);
    if (resale) holdings_.credit(HoldingKey{book.spec().id, o.owner, o.host}, t.leaves);
  }
  if ((o.flags & Order::kPegged) != 0) unpeg(book, o.id);
  if ((o.flags & Order::kTerms) != 0) terms_.erase(o.id);
  index_.erase(o.id);
  arena_.release(idx);
}

void Engine::on_mass_cancel(const Command& cmd, EventBuffer& out) {
  const MassCancel& mc = cmd.mass_cancel;
  if (mc.owner == 0) return reject(cmd, RejectReason::UnknownCommandOwner, out);
  if (mc.instrument != kAllInstruments && book_of(mc.instrument) == nullptr)
    return reject(cmd, RejectReason::UnknownInstrument, out);
  out.push(echo(cmd, EventKind::Accepted));
  for (OrderBook& book : books_) {
    if (mc.instrument != kAllInstruments && book.spec().id != mc.instrument) continue;
    for (const Side s : {Side::Buy, Side::Sell}) {
      BookSide& side = book.side(s);
      for (std::int64_t lvl = side.best(); lvl != LevelBitmap::kNone;) {
        const std::int64_t next_level = side.next_worse(lvl);
        bool touched = false;
        for (std::uint32_t o = side.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;) {
          const std::uint32_t next = arena_[o].next;
          if (arena_[o].owner == mc.owner) {
            cancel_resting(book, o, CancelReason::MassCancel, cmd.seq, out);
            touched = true;
          }
          o = next;
        }
        if (touched) emit_level(book, s, static_cast<std::uint32_t>(lvl), cmd.seq, out);
        lvl = next_level;
      }
    }
  }
  if (!swarms_.empty())
    cancel_swarms_of(mc.owner, mc.instrument, CancelReason::MassCancel, cmd.seq, out);
}

void Engine::on_halt(const Command& cmd, bool halt, EventBuffer& out) {
  OrderBook* book = book_of(cmd.control.instrument);
  if (book == nullptr) return reject(cmd, RejectReason::UnknownInstrument, out);
  out.push(echo(cmd, EventKind::Accepted));
  if (book->halted() == halt) return;
  book->set_halted(halt);
  if (halt) {
    halted_hash_ += halted_hash(book->spec().id);
  } else {
    halted_hash_ -= halted_hash(book->spec().id);
    if (!swarms_.empty()) reevaluate_swarms(book->spec().id, cmd.seq, out);
  }
}

OrderView Engine::view_of(std::uint32_t idx) const noexcept {
  const Order& o = arena_[idx];
  const OrderBook& b = books_[o.book];
  return OrderView{o.id,  b.spec().id,    o.owner,     o.host, o.side, b.price_of(o.level),
                   o.qty, o.priority_seq, hidden_of(o)};
}

std::optional<OrderView> Engine::order(OrderId id) const noexcept {
  const std::uint32_t idx = index_.find(id);
  if (idx == kNil) return std::nullopt;
  return view_of(idx);
}

void Engine::depth(InstrumentId id, Side s, std::size_t max_levels,
                   std::vector<LevelView>& out) const {
  out.clear();
  const OrderBook* book = book_of(id);
  if (book == nullptr) return;
  const BookSide& side = book->side(s);
  for (std::int64_t lvl = side.best(); lvl != LevelBitmap::kNone && out.size() < max_levels;
       lvl = side.next_worse(lvl)) {
    const Level& l = side.level(static_cast<std::uint32_t>(lvl));
    out.push_back(LevelView{book->price_of(lvl), l.total, l.count});
  }
}

void Engine::orders(InstrumentId id, Side s, std::vector<OrderView>& out) const {
  out.clear();
  const OrderBook* book = book_of(id);
  if (book == nullptr) return;
  const BookSide& side = book->side(s);
  for (std::int64_t lvl = side.best(); lvl != LevelBitmap::kNone; lvl = side.next_worse(lvl))
    for (std::uint32_t o = side.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;
         o = arena_[o].next)
      out.push_back(view_of(o));
}

std::size_t Engine::bytes_per_order() const noexcept {
  return sizeof(Order) + index_.bytes() / arena_.capacity();
}

std::size_t Engine::bytes_total() const noexcept {
  std::size_t books = 0;
  for (const OrderBook& b : books_)
    books += b.bytes();
  return static_cast<std::size_t>(arena_.capacity()) * sizeof(Order) + index_.bytes() + books;
}

}  // namespace swarmex::engine
