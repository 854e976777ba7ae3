#include "swarmex/engine/order_book.hpp"

#include "swarmex/engine/calendar.hpp"

#include <utility>

namespace swarmex::engine {

BookSide::BookSide(Side side, std::uint32_t levels) : side_(side), levels_(levels), bits_(levels) {}

void BookSide::link_tail(OrderPool& pool, std::uint32_t idx, std::uint32_t lvl) noexcept {
  Order& o = pool[idx];
  Level& l = levels_[lvl];
  o.level = lvl;
  o.next = kNil;
  o.prev = l.tail;
  if (l.tail != kNil) {
    pool[l.tail].next = idx;
  } else {
    l.head = idx;
    bits_.set(lvl);
    const auto level = static_cast<std::int64_t>(lvl);
    if (best_ == LevelBitmap::kNone || (side_ == Side::Buy ? level > best_ : level < best_))
      best_ = level;
  }
  l.tail = idx;
  ++l.count;
  l.total += o.qty;
}

void BookSide::unlink(OrderPool& pool, std::uint32_t idx) noexcept {
  const Order& o = pool[idx];
  Level& l = levels_[o.level];
  if (o.prev != kNil)
    pool[o.prev].next = o.next;
  else
    l.head = o.next;
  if (o.next != kNil)
    pool[o.next].prev = o.prev;
  else
    l.tail = o.prev;
  --l.count;
  l.total -= o.qty;
  if (l.count == 0) level_emptied(o.level);
}

void BookSide::level_emptied(std::uint32_t lvl) noexcept {
  bits_.clear(lvl);
  if (best_ == static_cast<std::int64_t>(lvl)) best_ = next_worse(lvl);
}

OrderBook::OrderBook(InstrumentSpec spec, std::uint16_t index)
    : spec_(std::move(spec)),
      index_(index),
      levels_(static_cast<std::uint32_t>((spec_.band_max - spec_.band_min) / spec_.tick + 1)),
      bids_(Side::Buy, levels_),
      asks_(Side::Sell, levels_) {}

void OrderBook::set_product(std::uint16_t product) noexcept {
  product_ = product;
  window_ = kNoWindow;
  trading_until_ns_ = std::numeric_limits<std::int64_t>::min();
  spec_.window.spot = false;
}

void OrderBook::list_window(std::int64_t window, std::int64_t start_ns,
                            std::int64_t until_ns) noexcept {
  window_ = window;
  spec_.window.start_ns = start_ns;
  trading_until_ns_ = window == kNoWindow ? std::numeric_limits<std::int64_t>::min() : until_ns;
}

}  // namespace swarmex::engine
