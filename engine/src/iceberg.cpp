// Icebergs: a resting order that shows only a slice (its display quantity) on the book. Order::qty
// is the shown slice, so level totals, market data and what one pass of a taker can trade count
// only shown quantity; the hidden remainder lives in the OrderTermsTable. When a slice trades
// away, the next one, min(display, hidden), is shown at the back of the same level with a new
// priority: a taker still matching goes on through the orders behind it and then meets the new
// slice, within the same command (docs/order-types.md).
#include <algorithm>

#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

void Engine::slice_done(OrderBook& book, std::uint32_t idx, Seq seq) noexcept {
  Order& m = arena_[idx];
  const OrderTerms* t = (m.flags & Order::kTerms) != 0 ? terms_.find(m.id) : nullptr;
  if (t == nullptr || t->hidden == 0) return remove_order(book, idx);
  const Qty next = std::min(t->display, t->hidden);
  const Qty hidden = t->hidden - next;
  BookSide& side = book.side(m.side);
  const std::uint32_t level = m.level;
  orders_hash_ -= hash_of(book, m);
  side.unlink(arena_, idx);
  m.qty = next;
  m.priority_seq = seq;
  side.link_tail(arena_, idx, level);
  terms_.set_hidden(m.id, hidden);
  orders_hash_ += hash_of(book, m);
}

void Engine::set_remaining(Order& o, Qty qty) {
  const OrderTerms* t = (o.flags & Order::kTerms) != 0 ? terms_.find(o.id) : nullptr;
  if (t == nullptr || t->display == 0) {
    o.qty = qty;
    return;
  }
  o.qty = std::min(t->display, qty);
  terms_.set_hidden(o.id, qty - o.qty);
}

void Engine::shrink_iceberg(OrderBook& book, Order& o, Qty qty, Seq seq, EventBuffer& out) {
  const Qty shown = std::min(o.qty, qty);  // the hidden part goes first
  const Qty before = o.qty;
  orders_hash_ -= hash_of(book, o);
  book.side(o.side).level(o.level).total -= o.qty - shown;
  o.qty = shown;
  terms_.set_hidden(o.id, qty - shown);
  orders_hash_ += hash_of(book, o);
  if (shown != before) emit_level(book, o.side, o.level, seq, out);
}

}  // namespace swarmex::engine
