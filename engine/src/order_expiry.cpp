// GTD and Day orders. A GTD order's expiry is sequenced: before each command the engine cancels
// every resting GTD order whose time is at or before the command's, earliest first (ties by order
// id), so an expiry is exact to the sequencer's clock and replays identically; the gateway sends
// a Roll once an expiry is due when no other command comes. A Day order on a spot instrument
// rests until the operator's EndDay; on a window book it rests until gate closure, like any order
// there (it is stored as a plain order).
#include <algorithm>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

RejectReason Engine::check_order_terms(const NewOrder& o, const OrderBook& book) const noexcept {
  if (o.tif == TimeInForce::Gtd && o.expire_time_ns <= now_ns_)
    return RejectReason::ExpireTimeInPast;
  if (o.display_qty == 0) return RejectReason::None;
  // An iceberg: a resting limit order that shows a slice on lot, smaller than the order.
  const Qty lot = book.spec().lot;
  if (o.type != OrderType::Limit || !rests(o.tif) || o.display_qty < 0 || o.display_qty >= o.qty ||
      (lot != 1 && o.display_qty % lot != 0))
    return RejectReason::InvalidDisplayQty;
  return RejectReason::None;
}

void Engine::rest_new(OrderBook& book, const Taker& t, const NewOrder& o, std::uint8_t flags,
                      Seq seq, EventBuffer& out) {
  OrderTerms terms;
  terms.expire_ns = o.tif == TimeInForce::Gtd ? o.expire_time_ns : 0;
  terms.day = o.tif == TimeInForce::Day && book.product() == OrderBook::kNoProduct;
  terms.display = o.display_qty;
  if (terms == OrderTerms{}) {  // a Day order on a window book: gate closure ends it
    rest(book, t, o.price, flags, seq, out);
    return;
  }
  Taker shown = t;
  if (o.display_qty != 0 && t.leaves > o.display_qty) {
    shown.leaves = o.display_qty;
    terms.hidden = t.leaves - o.display_qty;
  }
  terms_.add(o.order_id, terms);  // first: indexing a host's ask reads its whole quantity
  rest(book, shown, o.price, static_cast<std::uint8_t>(flags | Order::kTerms), seq, out);
}

void Engine::expire_due(Seq seq, std::int64_t time_ns) {
  while (terms_.due(time_ns)) {
    const OrderId id = terms_.expiries().begin()->second;
    const std::uint32_t idx = index_.find(id);
    if (idx == kNil) {  // never: the table holds resting orders only
      terms_.erase(id);
      continue;
    }
    OrderBook& book = books_[arena_[idx].book];
    const Side side = arena_[idx].side;
    const std::uint32_t level = arena_[idx].level;
    cancel_resting(book, idx, CancelReason::Expired, seq, expiry_events_);
    emit_level(book, side, level, seq, expiry_events_);
  }
}

void Engine::put_expiry_events(std::size_t at, EventBuffer& out) {
  // Expiry takes effect before the command; its events follow the command's outcome (every
  // command's first event is its Accepted / Rejected).
  const std::size_t n = expiry_events_.size();
  for (std::size_t i = 0; i < n; ++i)
    out.emplace();
  const std::span<Event> all = out.mutable_events();
  const auto after_outcome = all.begin() + static_cast<std::ptrdiff_t>(at + 1);
  std::move_backward(after_outcome, all.end() - static_cast<std::ptrdiff_t>(n), all.end());
  std::copy(expiry_events_.begin(), expiry_events_.end(), after_outcome);
  expiry_events_.clear();
}

void Engine::on_end_day(const Command& cmd, EventBuffer& out) {
  const EndDay& d = cmd.end_day;
  RejectReason why = RejectReason::None;
  if (d.owner == 0)
    why = RejectReason::UnknownCommandOwner;
  else if (d.instrument != kAllInstruments && book_of(d.instrument) == nullptr)
    why = RejectReason::UnknownInstrument;
  if (why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  if (terms_.empty()) return;
  for (OrderBook& book : books_) {
    if (book.product() != OrderBook::kNoProduct) continue;  // window books end at gate closure
    if (d.instrument != kAllInstruments && book.spec().id != d.instrument) continue;
    for (const Side s : {Side::Buy, Side::Sell}) {  // price-time order, like a mass cancel
      BookSide& side = book.side(s);
      for (std::int64_t lvl = side.best(); lvl != LevelBitmap::kNone;) {
        const std::int64_t next_level = side.next_worse(lvl);
        bool touched = false;
        for (std::uint32_t o = side.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;) {
          const std::uint32_t next = arena_[o].next;
          const OrderTerms* t =
              (arena_[o].flags & Order::kTerms) != 0 ? terms_.find(arena_[o].id) : nullptr;
          if (t != nullptr && t->day) {
            cancel_resting(book, o, CancelReason::DayEnd, cmd.seq, out);
            touched = true;
          }
          o = next;
        }
        if (touched) emit_level(book, s, static_cast<std::uint32_t>(lvl), cmd.seq, out);
        lvl = next_level;
      }
    }
  }
}

}  // namespace swarmex::engine
