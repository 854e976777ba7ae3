#include "swarmex/engine/order_book.hpp"

#include <algorithm>
#include <utility>

#include "swarmex/engine/calendar.hpp"

namespace swarmex::engine {

BookSide::BookSide(Side side, std::uint32_t levels) : side_(side), levels_(levels), bits_(levels) {}

void BookSide::link_tail(OrderArena& arena, std::uint32_t idx, std::uint32_t lvl) noexcept {
  Order& o = arena[idx];
  Level& l = levels_[lvl];
  o.level = lvl;
  o.next = kNil;
  o.prev = l.tail;
  if (l.tail != kNil) {
    arena[l.tail].next = idx;
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

void BookSide::unlink(OrderArena& arena, std::uint32_t idx) noexcept {
  const Order& o = arena[idx];
  Level& l = levels_[o.level];
  if (o.prev != kNil)
    arena[o.prev].next = o.next;
  else
    l.head = o.next;
  if (o.next != kNil)
    arena[o.next].prev = o.prev;
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

void BookSide::reindex(OrderArena& arena, std::uint32_t levels, std::int64_t shift) {
  std::vector<Level> moved(levels);
  LevelBitmap bits(levels);
  for (std::int64_t lvl = bits_.find_at_or_above(0); lvl != LevelBitmap::kNone;
       lvl = bits_.find_at_or_above(lvl + 1)) {
    const auto to = static_cast<std::uint32_t>(lvl + shift);
    moved[to] = levels_[static_cast<std::uint32_t>(lvl)];
    bits.set(to);
    for (std::uint32_t o = moved[to].head; o != kNil; o = arena[o].next)
      arena[o].level = to;
  }
  levels_ = std::move(moved);
  bits_ = std::move(bits);
  if (best_ != LevelBitmap::kNone) best_ += shift;
}

OrderBook::OrderBook(InstrumentSpec spec, std::uint16_t index)
    : spec_(std::move(spec)),
      index_(index),
      levels_(static_cast<std::uint32_t>((spec_.band_max - spec_.band_min) / spec_.tick + 1)),
      base_price_(spec_.band_min),
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

bool OrderBook::levels_for(Price band_min, Price band_max, Price* base,
                           std::int64_t* levels) const noexcept {
  if (in_array(band_min) && in_array(band_max)) {  // narrowing, or within the array: no move
    *base = base_price_;
    *levels = levels_;
    return true;
  }
  Price low = band_min;
  Price high = band_max;
  for (const BookSide* s : {&bids_, &asks_}) {
    if (s->empty()) continue;
    low = std::min(low, price_of(s->lowest()));
    high = std::max(high, price_of(s->highest()));
  }
  *base = low;
  *levels = (high - low) / spec_.tick + 1;
  return *levels <= kMaxBandLevels;
}

void OrderBook::set_levels(Price base, std::uint32_t levels, OrderArena& arena) {
  if (base == base_price_ && levels == levels_) return;
  const std::int64_t shift = (base_price_ - base) / spec_.tick;
  bids_.reindex(arena, levels, shift);
  asks_.reindex(arena, levels, shift);
  base_price_ = base;
  levels_ = levels;
}

void OrderBook::set_params(const BookParams& p, OrderArena& arena) {
  Price base = base_price_;
  std::int64_t levels = levels_;
  if (levels_for(p.band_min, p.band_max, &base, &levels))
    set_levels(base, static_cast<std::uint32_t>(levels), arena);
  spec_.band_min = p.band_min;
  spec_.band_max = p.band_max;
  spec_.min_qty = p.min_qty;
  spec_.max_qty = p.max_qty;
  spec_.market_protection_ticks = p.market_protection_ticks;
}

}  // namespace swarmex::engine
