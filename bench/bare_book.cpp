#include "bare_book.hpp"

#include <algorithm>

namespace swarmex::bench {

using engine::Command;
using engine::CommandKind;
using engine::Price;
using engine::Qty;
using engine::Side;

BareBook::BareBook(const std::vector<engine::InstrumentId>& instruments, Price band_max,
                   engine::OrderId max_order_id)
    : nodes_(max_order_id + 1), band_max_(band_max) {
  const engine::InstrumentId max_id =
      instruments.empty() ? 0 : *std::max_element(instruments.begin(), instruments.end());
  book_of_instrument_.assign(max_id + 1, kNoBook);
  books_.resize(instruments.size());
  for (std::size_t i = 0; i < instruments.size(); ++i) {
    book_of_instrument_[instruments[i]] = static_cast<std::uint16_t>(i);
    for (BookSide& s : books_[i].sides)
      s.levels.resize(static_cast<std::size_t>(band_max) + 1);
  }
}

void BareBook::apply(const Command& cmd) noexcept {
  switch (cmd.kind) {
    case CommandKind::NewOrder: {
      const engine::NewOrder& o = cmd.new_order;
      // Bounds only: anything else the engine would reject is simply traded.
      if (o.instrument >= book_of_instrument_.size() || o.order_id >= nodes_.size() ||
          o.price < 1 || o.price > band_max_ || o.qty <= 0 || nodes_[o.order_id].live)
        return;
      const std::uint16_t book = book_of_instrument_[o.instrument];
      if (book == kNoBook) return;
      add(static_cast<std::uint32_t>(o.order_id), book, o.side, o.price, o.qty,
          o.tif == engine::TimeInForce::Gtc);
      return;
    }
    case CommandKind::CancelOrder: {
      if (cmd.cancel.order_id >= nodes_.size()) return;
      const auto id = static_cast<std::uint32_t>(cmd.cancel.order_id);
      Node& n = nodes_[id];
      if (!n.live) return;
      unlink(books_[n.book].sides[n.side], id, static_cast<Side>(n.side));
      return;
    }
    case CommandKind::ModifyOrder: {
      const engine::ModifyOrder& m = cmd.modify;
      if (m.order_id >= nodes_.size() || m.new_price < 1 || m.new_price > band_max_) return;
      const auto id = static_cast<std::uint32_t>(m.order_id);
      Node& n = nodes_[id];
      if (!n.live || m.new_qty <= 0) return;
      if (static_cast<Price>(n.price) == m.new_price && m.new_qty <= n.qty) {
        n.qty = m.new_qty;  // keeps its place
        return;
      }
      const std::uint16_t book = n.book;
      const auto side = static_cast<Side>(n.side);
      unlink(books_[book].sides[n.side], id, side);
      add(id, book, side, m.new_price, m.new_qty, true);
      return;
    }
    default:
      return;
  }
}

void BareBook::add(std::uint32_t id, std::uint16_t book, Side side, Price price, Qty qty,
                   bool rest) noexcept {
  Book& b = books_[book];
  match(b, side, price, qty);
  if (qty == 0 || !rest) return;
  Node& n = nodes_[id];
  n.qty = qty;
  n.price = static_cast<std::uint32_t>(price);
  n.book = book;
  n.side = static_cast<std::uint8_t>(side);
  link(b.sides[n.side], id, side);
}

void BareBook::match(Book& b, Side side, Price limit, Qty& qty) noexcept {
  const Side opp_side = side == Side::Buy ? Side::Sell : Side::Buy;
  BookSide& opp = b.sides[static_cast<int>(opp_side)];
  while (qty > 0 && opp.best >= 0 && (side == Side::Buy ? opp.best <= limit : opp.best >= limit)) {
    Level& l = opp.levels[static_cast<std::size_t>(opp.best)];
    while (qty > 0 && l.head != kNil) {
      Node& m = nodes_[l.head];
      const Qty q = std::min(qty, m.qty);
      qty -= q;
      m.qty -= q;
      ++fills_;
      if (m.qty == 0) unlink(opp, l.head, opp_side);  // may move opp.best
    }
  }
}

void BareBook::link(BookSide& s, std::uint32_t id, Side side) noexcept {
  Node& n = nodes_[id];
  Level& l = s.levels[n.price];
  n.live = true;
  n.next = kNil;
  n.prev = l.tail;
  if (l.tail != kNil)
    nodes_[l.tail].next = id;
  else
    l.head = id;
  l.tail = id;
  ++s.orders;
  ++resting_;
  const auto p = static_cast<std::int64_t>(n.price);
  if (s.best < 0 || (side == Side::Buy ? p > s.best : p < s.best)) s.best = p;
}

void BareBook::unlink(BookSide& s, std::uint32_t id, Side side) noexcept {
  Node& n = nodes_[id];
  Level& l = s.levels[n.price];
  if (n.prev != kNil)
    nodes_[n.prev].next = n.next;
  else
    l.head = n.next;
  if (n.next != kNil)
    nodes_[n.next].prev = n.prev;
  else
    l.tail = n.prev;
  n.live = false;
  --s.orders;
  --resting_;
  if (l.head == kNil && static_cast<std::int64_t>(n.price) == s.best) advance_best(s, side);
}

void BareBook::advance_best(BookSide& s, Side side) const noexcept {
  if (s.orders == 0) {
    s.best = -1;
    return;
  }
  const std::int64_t step = side == Side::Buy ? -1 : 1;
  do {
    s.best += step;  // some level further out is occupied, so this stays in bounds
  } while (s.levels[static_cast<std::size_t>(s.best)].head == kNil);
}

}  // namespace swarmex::bench
