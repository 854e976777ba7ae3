// Price-time matching: new orders, self-trade prevention, FOK / minimum-quantity checks, resting.
// This is the hot path: no allocation, no clock, iteration only over levels and FIFOs.
#include <algorithm>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

std::uint64_t Engine::hash_of(const OrderBook& book, const Order& o) const noexcept {
  return order_hash(OrderHashFields{o.id, book.spec().id, o.side, book.price_of(o.level), o.qty,
                                    o.owner, o.host, o.priority_seq, o.flags});
}

void Engine::emit_level(const OrderBook& book, Side side, std::uint32_t level, Seq seq,
                        EventBuffer& out) const {
  const Level& l = book.side(side).level(level);
  out.entry() = Event{.seq = seq,
                      .kind = EventKind::BookLevel,
                      .command = current_command_,
                      .side = side,
                      .instrument = book.spec().id,
                      .price = book.price_of(level),
                      .qty = l.total,
                      .leaves_qty = static_cast<Qty>(l.count)};
}

void Engine::remove_order(OrderBook& book, std::uint32_t idx, std::uint32_t index_bucket) noexcept {
  Order& o = arena_[idx];
  if (!supply_.empty()) unindex_ask(book, o);
  if ((o.flags & Order::kPegged) != 0) unpeg(book, o.id);
  if ((o.flags & Order::kTerms) != 0) terms_.erase(o.id);
  orders_hash_ -= hash_of(book, o);
  book.side(o.side).unlink(arena_, idx);
  if (index_bucket == kNil)
    index_.erase(o.id);
  else
    index_.erase_at(index_bucket);
  arena_.release(idx);
}

void Engine::cancel_resting(OrderBook& book, std::uint32_t idx, CancelReason why, Seq seq,
                            EventBuffer& out, std::uint32_t index_bucket) noexcept {
  const Order& o = arena_[idx];
  out.entry() = Event{.seq = seq,
                      .kind = EventKind::Cancelled,
                      .command = current_command_,
                      .reason = static_cast<std::uint8_t>(why),
                      .side = o.side,
                      .instrument = book.spec().id,
                      .order_id = o.id,
                      .owner = o.owner,
                      .host = o.host,
                      .agent = (o.flags & Order::kAgent) != 0 ? kByAgent : std::uint8_t{0},
                      .price = book.price_of(o.level),
                      .qty = o.qty + hidden_of(o)};  // an iceberg's hidden part goes too
  // A resale ask that ends unfilled gives the rest back to its owner's holding.
  if ((o.flags & Order::kResale) != 0)
    holdings_.credit(HoldingKey{book.spec().id, o.owner, o.host}, o.qty);
  remove_order(book, idx, index_bucket);
}

Qty Engine::executable_qty(OrderBook& book, const Taker& t, Qty needed) const noexcept {
  const BookSide& opp = book.side(opposite(t.side));
  Qty sum = 0;
  for (std::int64_t lvl = opp.best(); lvl != LevelBitmap::kNone && opp.crosses(lvl, t.limit_level);
       lvl = opp.next_worse(lvl)) {
    // Icebergs' hidden parts refill behind the whole level: a taker reaches them only after
    // every order there, so only where nothing stops it at this level.
    Qty hidden = 0;
    for (std::uint32_t o = opp.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;
         o = arena_[o].next) {
      const Order& m = arena_[o];
      if (t.stp != StpMode::None && m.owner == t.owner) {
        if (t.stp == StpMode::CancelOldest) continue;  // would be cancelled, matching goes on
        return sum;                                    // matching would stop here
      }
      sum += m.qty;
      if (sum >= needed) return sum;
      hidden += hidden_of(m);
    }
    sum += hidden;
    if (sum >= needed) return sum;
  }
  return sum;
}

bool Engine::match(OrderBook& book, Taker& t, Seq seq, EventBuffer& out) noexcept {
  // A book with a trading mode or breaker: collecting a batch trades nothing; a breaker checks
  // every trade (batch_auction.cpp, circuit_breaker.cpp).
  AuctionState* auction = auction_by_book_.empty() ? nullptr : auction_of(book);
  if (auction != nullptr && auction->collecting()) [[unlikely]]
    return collect_stp(book, t, seq, out);
  const Side opp_side = opposite(t.side);
  BookSide& opp = book.side(opp_side);
  while (t.leaves > 0 && !t.exhausted && !t.tripped && !opp.empty() &&
         opp.crosses(opp.best(), t.limit_level)) {
    const auto lvl = static_cast<std::uint32_t>(opp.best());
    Level& level = opp.level(lvl);
    const Price price = book.price_of(lvl);
    bool stopped = false;
    bool touched = false;
    for (std::uint32_t o = level.head; o != kNil && t.leaves > 0 && !t.exhausted;) {
      Order& m = arena_[o];
      const std::uint32_t next = m.next;
      if (t.stp != StpMode::None && m.owner == t.owner) {
        if (t.stp != StpMode::CancelNewest) {
          cancel_resting(book, o, CancelReason::SelfTrade, seq, out);
          touched = true;
        }
        if (t.stp != StpMode::CancelOldest) {
          stopped = true;
          break;
        }
        o = next;
        continue;
      }
      if (auction != nullptr && breaches(*auction, price)) [[unlikely]] {
        trip(book, *auction, price, t, seq, out);  // halts instead of trading
        t.tripped = true;
        break;
      }
      Qty q = std::min(t.leaves, m.qty);
      const Lease lease = lease_of(book);
      const SupplyGroup* placed_in = nullptr;  // a GPU group: where this fill's instances sit
      std::size_t placed_from = 0;
      if (!supply_.empty()) {  // a host sells each unit once per instant (supply.cpp)
        const bool taker_sells = t.side == Side::Sell;
        const bool resale = taker_sells ? t.resale : (m.flags & Order::kResale) != 0;
        if (SupplyGroup* g = seller_group(book, taker_sells ? t.host : m.host, resale)) {
          const Qty room = room_in(book, *g, lease);
          if (room <= 0 && taker_sells) {
            t.exhausted = true;
            break;
          }
          if (room <= 0) {
            cancel_resting(book, o, CancelReason::SupplyExhausted, seq, out);
            touched = true;
            o = next;
            continue;
          }
          q = std::min(q, room);
          if (g->gpu) {
            placed_in = g;
            placed_from = g->placements().size();
          }
          sell_in(book, *g, lease, q);
          touch(g);
        }
      }
      t.leaves -= q;
      const Qty hidden = hidden_of(m);  // the maker's fill report tells its owner the whole rest
      const HostId seller = t.side == Side::Sell ? t.host : m.host;
      Event fill{.seq = seq,
                 .kind = EventKind::Fill,
                 .command = current_command_,
                 .side = t.side,
                 .instrument = book.spec().id,
                 .order_id = t.id,
                 .maker_order_id = m.id,
                 .owner = t.owner,
                 .maker_owner = m.owner,
                 .host = seller,
                 .agent = static_cast<std::uint8_t>(
                     taker_agent_ | ((m.flags & Order::kAgent) != 0 ? kMakerByAgent : 0)),
                 .price = price,
                 .qty = q,
                 .leaves_qty = t.leaves,
                 .maker_leaves_qty = m.qty - q + hidden,
                 .lease_start_ns = lease.from_ns,
                 .lease_end_ns = lease.to_ns};
      charge(book, fill);
      if (placed_in == nullptr)
        out.entry() = fill;
      else
        emit_instances(book, fill, *placed_in, placed_from, out);
      credit_buyer(book, t.side == Side::Buy ? t.owner : m.owner, seller, q);
      if (auction != nullptr) note_trade(*auction, price);
      touched = true;
      if (q == m.qty) {
        slice_done(book, o, seq);  // an iceberg's next slice goes to the back: met again below
      } else {
        orders_hash_ -= hash_of(book, m);
        m.qty -= q;
        level.total -= q;
        orders_hash_ += hash_of(book, m);
      }
      o = next;
    }
    if (touched) emit_level(book, opp_side, lvl, seq, out);
    if (stopped) return true;
  }
  return false;
}

std::uint32_t Engine::rest(OrderBook& book, const Taker& t, Price price, std::uint8_t flags,
                           Seq seq, EventBuffer& out) noexcept {
  const std::uint32_t idx = arena_.allocate();  // capacity was checked before acceptance
  Order& o = arena_[idx];
  o.id = t.id;
  o.qty = t.leaves;
  o.priority_seq = seq;
  o.owner = t.owner;
  o.host = t.host;
  o.book = book.index();
  o.side = t.side;
  o.flags = flags;
  const std::uint32_t level = book.level_of(price);
  book.side(t.side).link_tail(arena_, idx, level);
  index_.insert(t.id, idx);
  orders_hash_ += hash_of(book, o);
  emit_level(book, t.side, level, seq, out);
  if (!supply_.empty() && t.side == Side::Sell && !t.resale)
    index_ask(book, o);  // and trimmed to its room after the command when it may not fit
  return idx;
}

void Engine::on_new_order(const Command& cmd, EventBuffer& out) {
  if (cmd.new_order.pegged) [[unlikely]]
    return on_pegged_order(cmd, out);
  const NewOrder& o = cmd.new_order;
  OrderBook* book = book_of(o.instrument);
  const RejectReason r = check_new_order(o, book);
  if (r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  AuctionState* auction = auction_by_book_.empty() ? nullptr : auction_of(*book);
  if (auction != nullptr && auction->collecting()) [[unlikely]]
    return on_collected_order(cmd, *book, out);
  const BookSide& opp = book->side(opposite(o.side));
  const bool market = o.type == OrderType::Market;
  std::int64_t limit_level;
  if (!market || o.price != 0) {
    limit_level = book->level_of(o.price);
  } else if (opp.empty()) {
    limit_level = o.side == Side::Buy ? -1 : book->levels();  // crosses nothing
  } else {  // protection ticks through the best opposite price, never past the band
    const std::int64_t prot = book->spec().market_protection_ticks;
    limit_level =
        o.side == Side::Buy
            ? std::min<std::int64_t>(opp.best() + prot, book->level_of(book->spec().band_max))
            : std::max<std::int64_t>(opp.best() - prot, book->level_of(book->spec().band_min));
  }
  if (o.post_only && !opp.empty() && opp.crosses(opp.best(), limit_level)) {
    out.push(echo(cmd, EventKind::Rejected,
                  static_cast<std::uint8_t>(RejectReason::WouldCrossPostOnly)));
    return;
  }

  if (o.agent != 0) {  // the agent's order for its owner: within the owner's grant
    if (const RejectReason a = admit_agent_order(o, *book, cmd.time_ns); a != RejectReason::None) {
      out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(a)));
      return;
    }
    taker_agent_ = kByAgent;
  }

  // The echo of the order; with another kind, reason and quantity, its own cancel if needed.
  const auto about_order = [&](EventKind kind, std::uint8_t reason, Qty qty, Qty leaves) {
    return Event{.seq = cmd.seq,
                 .kind = kind,
                 .command = cmd.kind,
                 .reason = reason,
                 .side = o.side,
                 .instrument = o.instrument,
                 .order_id = o.order_id,
                 .owner = o.owner,
                 .host = o.host,
                 .agent = taker_agent_,
                 .price = o.price,
                 .qty = qty,
                 .leaves_qty = leaves};
  };
  out.entry() = about_order(EventKind::Accepted, 0, o.qty, o.qty);
  const auto cancel_taker = [&](CancelReason why, Qty qty) {
    out.entry() = about_order(EventKind::Cancelled, static_cast<std::uint8_t>(why), qty, 0);
  };

  Taker t{o.order_id, o.owner, o.host, o.side, o.stp, o.qty, limit_level, false, false};
  const Qty needed = o.tif == TimeInForce::Fok ? o.qty : o.min_qty;
  if (needed > 0) {
    Taker probe = t;  // a breaker stops matching where the next trade would breach it
    if (auction != nullptr && auction->max_move_bps != 0) [[unlikely]]
      probe.limit_level = breaker_limit(*book, *auction, o.side, t.limit_level);
    if (executable_qty(*book, probe, needed) < needed)
      return cancel_taker(
          o.tif == TimeInForce::Fok ? CancelReason::FokUnfillable : CancelReason::MinQtyNotMet,
          o.qty);
  }
  const bool stopped = match(*book, t, cmd.seq, out);
  if (t.leaves == 0) return;
  if (stopped) return cancel_taker(CancelReason::SelfTrade, t.leaves);
  // The breaker halted the book: an immediate order's remainder ends, a GTC one rests.
  if (t.tripped && (market || o.tif != TimeInForce::Gtc))
    return cancel_taker(CancelReason::IocRemainder, t.leaves);
  if (market)
    return cancel_taker(opp.empty() ? CancelReason::NoLiquidity : CancelReason::MarketProtection,
                        t.leaves);
  if (!rests(o.tif)) return cancel_taker(CancelReason::IocRemainder, t.leaves);
  const std::uint8_t flags = static_cast<std::uint8_t>(static_cast<std::uint8_t>(o.stp) |
                                                       (o.post_only ? Order::kPostOnly : 0) |
                                                       (taker_agent_ != 0 ? Order::kAgent : 0));
  if (o.tif == TimeInForce::Gtc && o.display_qty == 0) [[likely]]
    rest(*book, t, o.price, flags, cmd.seq, out);
  else
    rest_new(*book, t, o, flags, cmd.seq, out);
  // New supply: resting swarm orders with a leg here may now fill.
  if (o.side == Side::Sell && !swarms_.empty()) reevaluate_swarms(o.instrument, cmd.seq, out);
}

}  // namespace swarmex::engine
