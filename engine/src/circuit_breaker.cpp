// Circuit breakers (docs/auctions.md): an operator's maximum move from a reference price within
// a window. The reference is the price of the first trade of the window (a window opens at a
// trade when none is open, and lasts window_ns) or of the latest auction. A continuous trade that
// would move further is not executed: the instrument halts (orders rest, nothing matches) until
// the cool-off has passed, and then resumes through one batch auction (batch_auction.cpp).
#include <algorithm>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {
namespace {

bool window_open(const AuctionState& a, std::int64_t now_ns) noexcept {
  return a.reference != 0 && now_ns - a.reference_ns < a.window_ns;
}

}  // namespace

void Engine::on_set_breaker(const Command& cmd, EventBuffer& out) {
  const SetBreaker& c = cmd.breaker;
  OrderBook* book = book_of(c.instrument);
  RejectReason r = RejectReason::None;
  if (c.owner == 0)
    r = RejectReason::UnknownCommandOwner;
  else if (book == nullptr)
    r = RejectReason::UnknownInstrument;
  else if (c.on && (c.max_move_bps <= 0 || c.max_move_bps > kMaxBreakerBps || c.window_ns <= 0 ||
                    c.window_ns > kMaxBatchIntervalNs || c.cooloff_ns < 0 ||
                    c.cooloff_ns > kMaxBatchIntervalNs))
    r = RejectReason::InvalidBreaker;
  if (r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  AuctionState& a = auction_state(*book);
  a.max_move_bps = c.on ? c.max_move_bps : 0;
  a.window_ns = c.on ? c.window_ns : 0;
  a.cooloff_ns = c.on ? c.cooloff_ns : 0;
  a.reference = 0;  // the next trade opens a window under the new rule
  a.reference_ns = 0;
}

bool Engine::breaches(const AuctionState& a, Price price) const noexcept {
  if (a.max_move_bps == 0 || !window_open(a, now_ns_)) return false;
  const __int128 move = price > a.reference ? price - a.reference : a.reference - price;
  return move * 10'000 > static_cast<__int128>(a.max_move_bps) * a.reference;
}

void Engine::note_trade(AuctionState& a, Price price) const noexcept {
  a.last_price = price;
  if (a.max_move_bps != 0 && !window_open(a, now_ns_)) {
    a.reference = price;
    a.reference_ns = now_ns_;
  }
}

void Engine::trip(OrderBook& book, AuctionState& a, Price price, const Taker& t, Seq seq,
                  EventBuffer& out) {
  a.breaker_halted = true;
  a.resume_ns = now_ns_ + a.cooloff_ns;
  next_auction_ns_ = std::min(next_auction_ns_, a.resume_ns);
  out.entry() = Event{.seq = seq,
                      .kind = EventKind::InstrumentState,
                      .command = current_command_,
                      .reason = static_cast<std::uint8_t>(StateCause::Breaker),
                      .side = t.side,
                      .instrument = book.spec().id,
                      .order_id = t.id,
                      .owner = t.owner,
                      .price = a.reference,
                      .qty = 1,
                      .leaves_qty = price,
                      .lease_end_ns = a.resume_ns};
}

std::int64_t Engine::breaker_limit(const OrderBook& book, const AuctionState& a, Side side,
                                   std::int64_t limit_level) const noexcept {
  Price reference = a.reference;
  if (!window_open(a, now_ns_)) {  // the first trade, at the best opposite level, opens one
    const BookSide& opp = book.side(opposite(side));
    if (opp.empty()) return limit_level;
    reference = book.price_of(opp.best());
  }
  // |p - reference| x 10,000 <= max_move_bps x reference, in whole prices.
  const __int128 span = static_cast<__int128>(a.max_move_bps) * reference / 10'000;
  const __int128 tick = book.spec().tick;
  const __int128 base = book.base_price();
  const auto clamp_level = [&](__int128 l) {
    return static_cast<std::int64_t>(std::clamp<__int128>(l, -1, book.levels()));
  };
  if (side == Side::Buy) {  // highest level at or below reference + span
    const __int128 off = reference + span - base;
    const __int128 l = off >= 0 ? off / tick : -((-off + tick - 1) / tick);
    return std::min(limit_level, clamp_level(l));
  }
  const __int128 off = reference - span - base;  // lowest level at or above reference - span
  const __int128 l = off >= 0 ? (off + tick - 1) / tick : -(-off / tick);
  return std::max(limit_level, clamp_level(l));
}

}  // namespace swarmex::engine
