// Trading modes (docs/auctions.md): SetTradingMode, orders arriving while a book collects a batch
// (or sits halted by its breaker), the clock that clears due batches before a command, and the
// per-instrument state in snapshots and the state hash. The clearing itself is in
// auction_clearing.cpp, the breaker in circuit_breaker.cpp.
#include <algorithm>
#include <stdexcept>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

AuctionState& Engine::auction_state(const OrderBook& book) {
  auto [it, fresh] = auctions_.try_emplace(book.spec().id);
  if (auction_by_book_.size() < books_.size()) auction_by_book_.resize(books_.size(), nullptr);
  auction_by_book_[book.index()] = &it->second;
  return it->second;
}

void Engine::on_set_trading_mode(const Command& cmd, EventBuffer& out) {
  const SetTradingMode& c = cmd.trading_mode;
  OrderBook* book = book_of(c.instrument);
  const bool batch = c.mode == TradingMode::Batch;
  RejectReason r = RejectReason::None;
  if (c.owner == 0)
    r = RejectReason::UnknownCommandOwner;
  else if (book == nullptr)
    r = RejectReason::UnknownInstrument;
  else if (batch ? c.interval_ns <= 0 || c.interval_ns > kMaxBatchIntervalNs
                 : c.mode != TradingMode::Continuous)
    r = RejectReason::InvalidTradingMode;
  if (r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  AuctionState& a = auction_state(*book);
  const bool was_batch = a.mode == TradingMode::Batch;
  a.mode = c.mode;
  a.interval_ns = batch ? c.interval_ns : 0;
  a.batch_end_ns = batch ? next_batch_end_ns(now_ns_, c.interval_ns) : 0;
  // Back to continuous: what the batch collected clears now, so continuous trading starts from
  // an uncrossed book (a breaker halt keeps it until its own resumption auction).
  if (was_batch && !batch && !a.breaker_halted && !book->halted() && book->trading_at(now_ns_))
    auction(*book, a, cmd.seq, out);
  schedule_auctions();
  if (!a.collecting() && !swarms_.empty()) reevaluate_swarms(c.instrument, cmd.seq, out);
}

void Engine::on_collected_order(const Command& cmd, OrderBook& book, EventBuffer& out) {
  const NewOrder& o = cmd.new_order;
  const auto refuse = [&](RejectReason why) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
  };
  // A batch cannot promise all-or-none or a minimum at once: refused rather than changed.
  if (o.tif == TimeInForce::Fok || o.min_qty > 0) return refuse(RejectReason::UnsupportedInAuction);
  if (arena_.full()) return refuse(RejectReason::OrderCapacityExhausted);  // IOC rests too
  const bool market = o.type == OrderType::Market;
  // A market order without a protection price bids the band's top or offers its bottom.
  const Price price = !market || o.price != 0 ? o.price
                      : o.side == Side::Buy   ? book.spec().band_max
                                              : book.spec().band_min;
  const std::int64_t limit_level = book.level_of(price);
  const BookSide& opp = book.side(opposite(o.side));
  if (o.post_only && !opp.empty() && opp.crosses(opp.best(), limit_level))
    return refuse(RejectReason::WouldCrossPostOnly);
  if (o.agent != 0) {
    if (const RejectReason a = admit_agent_order(o, book, now_ns_); a != RejectReason::None)
      return refuse(a);
    taker_agent_ = kByAgent;
  }
  Event acc{.seq = cmd.seq,
            .kind = EventKind::Accepted,
            .command = cmd.kind,
            .side = o.side,
            .instrument = o.instrument,
            .order_id = o.order_id,
            .owner = o.owner,
            .host = o.host,
            .agent = taker_agent_,
            .price = o.price,
            .qty = o.qty,
            .leaves_qty = o.qty};
  out.push(acc);
  Taker t{o.order_id, o.owner, o.host, o.side, o.stp, o.qty, limit_level, false, false};
  if (collect_stp(book, t, cmd.seq, out)) {
    Event c = acc;
    c.kind = EventKind::Cancelled;
    c.reason = static_cast<std::uint8_t>(CancelReason::SelfTrade);
    c.leaves_qty = 0;
    out.push(c);
    return;
  }
  const auto flags = static_cast<std::uint8_t>(
      static_cast<std::uint8_t>(o.stp) | (o.post_only ? Order::kPostOnly : 0) |
      (taker_agent_ != 0 ? Order::kAgent : 0) | (o.tif != TimeInForce::Gtc ? Order::kBatchIoc : 0));
  rest(book, t, price, flags, cmd.seq, out);
}

bool Engine::collect_stp(OrderBook& book, Taker& t, Seq seq, EventBuffer& out) {
  if (t.stp == StpMode::None) return false;
  const Side opp_side = opposite(t.side);
  BookSide& opp = book.side(opp_side);
  for (std::int64_t lvl = opp.best(); lvl != LevelBitmap::kNone && opp.crosses(lvl, t.limit_level);
       lvl = opp.next_worse(lvl)) {
    bool touched = false;
    for (std::uint32_t o = opp.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;) {
      const std::uint32_t next = arena_[o].next;
      if (arena_[o].owner == t.owner) {
        if (t.stp != StpMode::CancelNewest) {
          cancel_resting(book, o, CancelReason::SelfTrade, seq, out);
          touched = true;
        }
        if (t.stp != StpMode::CancelOldest) {
          if (touched) emit_level(book, opp_side, static_cast<std::uint32_t>(lvl), seq, out);
          return true;
        }
      }
      o = next;
    }
    if (touched) emit_level(book, opp_side, static_cast<std::uint32_t>(lvl), seq, out);
  }
  return false;
}

void Engine::run_due_auctions(Seq seq, EventBuffer& out) {
  for (auto& [id, a] : auctions_) {
    const bool resume = a.breaker_halted && now_ns_ >= a.resume_ns;
    const bool batch_due = a.mode == TradingMode::Batch && now_ns_ >= a.batch_end_ns;
    if (!resume && !batch_due) continue;
    OrderBook& book = *book_of(id);
    // Nothing trades while an operator halts it (a resumption waits for Resume) or while its
    // breaker halts it; a batch that ends meanwhile rolls over.
    const bool blocked = book.halted() || !book.trading_at(now_ns_);
    if (blocked || (a.breaker_halted && !resume)) {
      if (batch_due) a.batch_end_ns = next_batch_end_ns(now_ns_, a.interval_ns);
      continue;
    }
    auction(book, a, seq, out);
    if (resume) {
      a.breaker_halted = false;
      out.entry() = Event{.seq = seq,
                          .kind = EventKind::InstrumentState,
                          .command = current_command_,
                          .reason = static_cast<std::uint8_t>(StateCause::Breaker),
                          .instrument = id,
                          .price = a.reference,
                          .qty = 0,
                          .lease_end_ns = a.resume_ns};
    }
    if (a.mode == TradingMode::Batch) a.batch_end_ns = next_batch_end_ns(now_ns_, a.interval_ns);
    if (!a.collecting() && !swarms_.empty()) reevaluate_swarms(id, seq, out);
  }
  schedule_auctions();
}

void Engine::schedule_auctions() noexcept {
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const auto& [id, a] : auctions_) {
    if (a.mode == TradingMode::Batch) next = std::min(next, a.batch_end_ns);
    if (a.breaker_halted) next = std::min(next, a.resume_ns);
  }
  next_auction_ns_ = next;
}

std::uint64_t Engine::auctions_hash() const noexcept {
  std::uint64_t sum = 0;  // 0 without any: engines that never used them hash as before
  for (const auto& [id, a] : auctions_) {
    std::uint64_t h = mix64(0x4155'4354'494fULL ^ (static_cast<std::uint64_t>(id) << 20));
    for (const std::int64_t v :
         {static_cast<std::int64_t>(a.mode), a.interval_ns, a.batch_end_ns,
          static_cast<std::int64_t>(a.max_move_bps), a.window_ns, a.cooloff_ns, a.reference,
          a.reference_ns, static_cast<std::int64_t>(a.breaker_halted), a.resume_ns, a.last_price})
      h = mix64(h ^ static_cast<std::uint64_t>(v) * 0x9E3779B97F4A7C15ULL);
    sum += h;
  }
  return sum;
}

void Engine::snapshot_auctions(EngineSnapshot& out) const {
  out.auctions.clear();
  for (const auto& [id, a] : auctions_)
    out.auctions.push_back(SnapshotAuction{id, a});
}

void Engine::restore_auctions(const EngineSnapshot& snap) {
  for (const SnapshotAuction& sa : snap.auctions) {
    const OrderBook* book = book_of(sa.instrument);
    const AuctionState& a = sa.state;
    const bool batch = a.mode == TradingMode::Batch;
    if (book == nullptr || (!batch && a.mode != TradingMode::Continuous) ||
        (batch && (a.interval_ns <= 0 || a.interval_ns > kMaxBatchIntervalNs)) ||
        a.max_move_bps < 0 || a.max_move_bps > kMaxBreakerBps ||
        (a.max_move_bps != 0 && (a.window_ns <= 0 || a.window_ns > kMaxBatchIntervalNs)))
      throw std::runtime_error("snapshot trading mode of instrument " +
                               std::to_string(sa.instrument) + " is inconsistent");
    auction_state(*book) = a;
  }
  schedule_auctions();
}

}  // namespace swarmex::engine
