// Pool pricing in the engine: operators' policies (SetPricing), hosts' pegged asks priced by
// their pool's curve over its utilisation, repriced in the same sequenced step in which the
// utilisation moves, and incentives announced while a pool stays under its target. Utilisation
// is read from the supply groups, so it is exactly what matching sells against.
#include <algorithm>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {
namespace {

// Passes of repricing per command: a repriced ask that trades moves utilisation again; the
// moves after these few wait for the next command.
constexpr int kRepricePasses = 3;

}  // namespace

std::uint64_t Engine::peg_hash(OrderId id, Price base) noexcept {
  return mix64(0x5045'4747ull ^ id * 0x9E3779B97F4A7C15ull ^
               static_cast<std::uint64_t>(base) * 0xC2B2AE3D27D4EB4Full);
}

std::uint64_t Engine::pricing_hash() const noexcept {
  std::uint64_t h = pegged_hash_;
  for (const auto& [key, p] : pricing_) {
    if (!p.has_policy) continue;  // only pegged asks: counted in pegged_hash_
    const std::uint64_t k = static_cast<std::uint64_t>(key.pool) << 16 | key.resource;
    h += mix64(mix64(k ^ policy_hash(p.policy)) ^
               static_cast<std::uint64_t>(p.below_since_ns) * 0x165667B19E3779F9ull ^
               static_cast<std::uint64_t>(p.incentive_until_ns) * 0xD6E8FEB86659FD93ull);
  }
  return h;
}

Qty Engine::sold_in(const SupplyGroup& g, std::int64_t from_ns, std::int64_t to_ns) const noexcept {
  if (!g.gpu) return g.peak(from_ns, to_ns);
  Qty slices = 0;  // a GPU group's use is the memory slices its instances take
  for (const MigPlacement& p : g.placements())
    if (p.from_ns < to_ns && from_ns < p.to_ns) slices += kH100Profiles[p.profile].size_slices;
  return slices;
}

std::uint32_t Engine::pool_utilisation(PoolKey key, std::int64_t from_ns,
                                       std::int64_t to_ns) const noexcept {
  Qty capacity = 0;
  Qty sold = 0;
  for (const auto& [k, g] : supply_) {
    if (k.resource != key.resource || g.pool != key.pool) continue;
    capacity += g.gpu ? g.capacity * kMigSlices : g.capacity;
    sold += sold_in(g, from_ns, to_ns);
  }
  return utilisation_ppm(sold, capacity);
}

std::uint32_t Engine::utilisation_at(PoolKey key, std::int64_t time_ns) const noexcept {
  return pool_utilisation(key, time_ns, time_ns + 1);
}

std::uint32_t Engine::utilisation_of(const OrderBook& book) const noexcept {
  const Lease lease = lease_of(book);
  return pool_utilisation(key_of(book), lease.from_ns, lease.to_ns);
}

Price Engine::peg_price(const OrderBook& book, Price base) const noexcept {
  const auto it = pricing_.find(key_of(book));
  const std::uint32_t f = it == pricing_.end() ? kPpm : multiplier_for(book, it->second);
  const InstrumentSpec& s = book.spec();
  return pegged_price(base, f, s.tick, s.band_min, s.band_max);
}

void Engine::on_pegged_order(const Command& cmd, EventBuffer& out) {
  const NewOrder& o = cmd.new_order;
  const OrderBook* book = book_of(o.instrument);
  RejectReason why = RejectReason::None;
  if (o.owner == 0)
    why = RejectReason::UnknownCommandOwner;
  else if (book == nullptr)
    why = RejectReason::UnknownInstrument;
  else if (o.side != Side::Sell || o.host == 0 || o.agent != 0 || o.type != OrderType::Limit)
    why = RejectReason::PeggedNotHostAsk;
  else if (o.price <= 0)
    why = RejectReason::InvalidPrice;
  else if (o.display_qty != 0)  // a pegged ask moves whole: it shows all it offers
    why = RejectReason::InvalidDisplayQty;
  else if (pegged_count_ >= kMaxPeggedAsks && rests(o.tif))
    why = RejectReason::OrderCapacityExhausted;
  if (why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
    return;
  }
  Command priced = cmd;  // an ordinary limit ask at the price the curve gives its base now
  priced.new_order.pegged = false;
  priced.new_order.price = peg_price(*book, o.price);
  const std::size_t first = out.size();
  on_new_order(priced, out);
  if (out[first].kind != EventKind::Accepted) return;
  const std::uint32_t idx = index_.find(o.order_id);
  if (idx == kNil) return;  // traded in full, or an IOC remainder went
  Order& m = arena_[idx];
  orders_hash_ -= hash_of(*book, m);
  m.flags |= Order::kPegged;
  orders_hash_ += hash_of(*book, m);
  pricing_[key_of(*book)].pegged.emplace(o.order_id, o.price);
  peg_cache_[key_of(*book)].stale = true;  // perhaps on a book its pool's pegs were not on
  pegged_hash_ += peg_hash(o.order_id, o.price);
  ++pegged_count_;
}

void Engine::unpeg(const OrderBook& book, OrderId id) noexcept {
  const auto it = pricing_.find(key_of(book));
  if (it == pricing_.end()) return;
  const auto peg = it->second.pegged.find(id);
  if (peg == it->second.pegged.end()) return;
  pegged_hash_ -= peg_hash(id, peg->second);
  it->second.pegged.erase(peg);
  --pegged_count_;
  // Repricing holds references to priced pools; those have a policy and stay.
  if (it->second.pegged.empty() && !it->second.has_policy) pricing_.erase(it);
}

void Engine::on_set_pricing(const Command& cmd, EventBuffer& out) {
  const SetPricing& s = cmd.pricing;
  const OrderBook* book = book_of(s.instrument);
  RejectReason why = RejectReason::None;
  if (s.owner == 0)
    why = RejectReason::UnknownCommandOwner;
  else if (book == nullptr)
    why = RejectReason::UnknownInstrument;
  else if (s.policy.points > kMaxCurvePoints)
    why = RejectReason::InvalidCurve;
  for (std::size_t b = 0; why == RejectReason::None && s.policy.points > 0 && b < books_.size();
       ++b)  // every book of the pool and resource must hold the curve inside its band
    if (key_of(books_[b]) == key_of(*book))
      why = check_policy(s.policy, books_[b].spec().band_min, books_[b].spec().band_max);
  if (why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  const PoolKey key = key_of(*book);
  PoolPricing& p = pricing_[key];
  peg_cache_[key].stale = true;
  if (s.policy.points > 0) {
    p.has_policy = true;
    p.policy = s.policy;
    repricing_.push_back(key);
    return;
  }
  // Removed: any incentive ends and the pegged asks go back to their bases.
  p.has_policy = false;
  p.policy = {};
  p.below_since_ns = -1;
  if (p.incentive_until_ns != 0) {
    p.incentive_until_ns = 0;
    emit_incentive(key, p, false, utilisation_at(key, now_ns_), cmd.seq, out);
  }
  reprice_pool(key, cmd.seq, out);
  if (const auto it = pricing_.find(key); it != pricing_.end() && it->second.pegged.empty())
    pricing_.erase(it);
}

void Engine::reprice_after(Seq seq, bool roll, EventBuffer& out) {
  taker_agent_ = 0;  // a repriced ask trades as the host's, whoever sent the command
  if (roll)          // time moved: spot leases and listed windows, and how long pools sat idle
    for (const auto& [key, p] : pricing_)
      if (p.has_policy) repricing_.push_back(key);
  for (int pass = 0; pass < kRepricePasses && !repricing_.empty(); ++pass) {
    std::sort(repricing_.begin(), repricing_.end());
    repricing_.erase(std::unique(repricing_.begin(), repricing_.end()), repricing_.end());
    for (const PoolKey key : repricing_) {
      const auto it = pricing_.find(key);
      if (it == pricing_.end() || !it->second.has_policy) continue;
      reprice_pool(key, seq, out);
      check_incentive(key, it->second, seq, out);
    }
    repricing_.clear();
    for (const SupplyGroup* g : touched_)  // what the repriced asks sold
      repricing_.push_back(PoolKey{g->pool, g->resource});
    if (!touched_.empty()) fit_touched(seq, out);
  }
  repricing_.clear();
}

void Engine::reprice_pool(PoolKey key, Seq seq, EventBuffer& out) {
  const auto it = pricing_.find(key);
  if (it == pricing_.end()) return;
  const PoolPricing& p = it->second;
  // f of every book seen last time, before any move of this pass.
  mult_cache_.clear();
  const PegCache& last = peg_cache_[key];
  bool moved = last.stale;
  for (const auto& [b, was] : last.mults) {
    mult_cache_.emplace_back(b, multiplier_for(books_[b], p));
    moved = moved || mult_cache_.back().second != was;
  }
  if (!moved) return;  // no f moved: no pegged price did
  bool stale = false;
  // Order-id order: moves in this pass do not depend on the order pegs were made in.
  peg_scratch_.assign(p.pegged.begin(), p.pegged.end());
  for (const auto& [id, base] : peg_scratch_) {
    const std::uint32_t idx = index_.find(id);
    if (idx == kNil) continue;  // an earlier move of this pass traded it away
    Order& o = arena_[idx];
    OrderBook& book = books_[o.book];
    if (book.halted() || !book.trading_at(now_ns_)) {  // no trading there now: look again later
      stale = true;
      continue;
    }
    auto cached = std::find_if(mult_cache_.begin(), mult_cache_.end(),
                               [&](const auto& c) { return c.first == o.book; });
    if (cached == mult_cache_.end()) {
      mult_cache_.emplace_back(o.book, multiplier_for(book, p));
      cached = mult_cache_.end() - 1;
    }
    const InstrumentSpec& s = book.spec();
    const Price to = pegged_price(base, cached->second, s.tick, s.band_min, s.band_max);
    if (to == book.price_of(o.level)) continue;  // unchanged: it keeps its time priority
    const Qty qty = o.qty;
    const Event mod{.seq = seq,
                    .kind = EventKind::Modified,
                    .command = current_command_,
                    .reason = static_cast<std::uint8_t>(CancelReason::Repriced),
                    .side = Side::Sell,
                    .instrument = s.id,
                    .order_id = o.id,
                    .owner = o.owner,
                    .host = o.host,
                    .price = to,
                    .qty = qty,
                    .leaves_qty = qty};
    out.push(mod);
    if (!supply_.empty()) unindex_ask(book, o);
    const std::uint32_t old_level = o.level;
    orders_hash_ -= hash_of(book, o);
    book.side(Side::Sell).unlink(arena_, idx);
    emit_level(book, Side::Sell, old_level, seq, out);
    move_resting(book, idx, book.level_of(to), qty, mod, seq, out);
  }
  PegCache& cache = peg_cache_[key];
  cache.mults = mult_cache_;
  cache.stale = stale;
}

void Engine::check_incentive(PoolKey key, PoolPricing& p, Seq seq, EventBuffer& out) {
  if (p.policy.idle_after_ns <= 0) return;
  const std::uint32_t u = utilisation_at(key, now_ns_);
  if (u >= p.policy.target_ppm) {
    p.below_since_ns = -1;
    if (p.incentive_until_ns != 0) {
      p.incentive_until_ns = 0;
      emit_incentive(key, p, false, u, seq, out);
    }
    return;
  }
  if (p.below_since_ns < 0) p.below_since_ns = now_ns_;
  if (now_ns_ - p.below_since_ns < p.policy.idle_after_ns || p.incentive_until_ns > now_ns_)
    return;  // not idle long enough, or the last announcement still holds
  p.incentive_until_ns = now_ns_ + p.policy.valid_ns;
  emit_incentive(key, p, true, u, seq, out);
}

void Engine::emit_incentive(PoolKey key, const PoolPricing& p, bool active, std::uint32_t u,
                            Seq seq, EventBuffer& out) const {
  InstrumentId instrument = 0;  // a book of the pool and resource: spot first
  for (const OrderBook& b : books_)
    if (key_of(b) == key && (instrument == 0 || b.product() == OrderBook::kNoProduct)) {
      instrument = b.spec().id;
      if (b.product() == OrderBook::kNoProduct) break;
    }
  out.entry() = Event{.seq = seq,
                      .kind = EventKind::Incentive,
                      .command = current_command_,
                      .instrument = instrument,
                      .price = static_cast<Price>(p.policy.cut_ppm),
                      .qty = active ? 1 : 0,
                      .leaves_qty = static_cast<Qty>(u),
                      .lease_start_ns = now_ns_,
                      .lease_end_ns = active ? p.incentive_until_ns : now_ns_};
}

}  // namespace swarmex::engine
