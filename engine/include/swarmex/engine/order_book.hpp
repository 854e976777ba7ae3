// One instrument's book: per side, price levels as a contiguous array over the price band, a
// bitmap to find the best level, and an intrusive FIFO of arena orders per level.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "swarmex/engine/fees.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/level_bitmap.hpp"
#include "swarmex/engine/order_arena.hpp"

namespace swarmex::engine {

struct Level {
  std::uint32_t head = kNil;
  std::uint32_t tail = kNil;
  std::uint32_t count = 0;
  Qty total = 0;
};

class BookSide {
 public:
  BookSide(Side side, std::uint32_t levels);

  [[nodiscard]] std::int64_t best() const noexcept { return best_; }
  [[nodiscard]] bool empty() const noexcept { return best_ == LevelBitmap::kNone; }
  Level& level(std::uint32_t i) noexcept { return levels_[i]; }
  [[nodiscard]] const Level& level(std::uint32_t i) const noexcept { return levels_[i]; }

  // Does a resting level on this side trade against an incoming limit at `limit_level`?
  [[nodiscard]] bool crosses(std::int64_t level, std::int64_t limit_level) const noexcept {
    return side_ == Side::Sell ? level <= limit_level : level >= limit_level;
  }

  void link_tail(OrderArena& arena, std::uint32_t idx, std::uint32_t level) noexcept;
  // Removes the order from its level FIFO and its remaining qty from the level total.
  void unlink(OrderArena& arena, std::uint32_t idx) noexcept;
  // Call when a level became empty through unlink: clears its bit and finds the new best.
  void level_emptied(std::uint32_t level) noexcept;

  // Next occupied level strictly worse than `level` in priority order, or kNone.
  [[nodiscard]] std::int64_t next_worse(std::int64_t level) const noexcept {
    return side_ == Side::Buy ? bits_.find_at_or_below(level - 1)
                              : bits_.find_at_or_above(level + 1);
  }

  [[nodiscard]] std::size_t bytes() const noexcept {
    return levels_.size() * sizeof(Level) + bits_.bytes();
  }

  // Admin path (allocates): a new array of `levels` levels where old level i becomes i + shift,
  // every resting order's level index following. Every occupied level must land inside.
  void reindex(OrderArena& arena, std::uint32_t levels, std::int64_t shift);
  // Lowest and highest occupied level, or kNone.
  [[nodiscard]] std::int64_t lowest() const noexcept { return bits_.find_at_or_above(0); }
  [[nodiscard]] std::int64_t highest() const noexcept {
    return bits_.find_at_or_below(static_cast<std::int64_t>(levels_.size()) - 1);
  }

 private:
  Side side_;
  std::vector<Level> levels_;
  LevelBitmap bits_;
  std::int64_t best_ = LevelBitmap::kNone;
};

class OrderBook {
 public:
  OrderBook(InstrumentSpec spec, std::uint16_t index);

  [[nodiscard]] const InstrumentSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] std::uint16_t index() const noexcept { return index_; }
  BookSide& side(Side s) noexcept { return s == Side::Buy ? bids_ : asks_; }
  [[nodiscard]] const BookSide& side(Side s) const noexcept {
    return s == Side::Buy ? bids_ : asks_;
  }
  // The level array: `levels()` levels from price base_price() (the band when the book was
  // made; SetParams may widen it, never moves resting orders when narrowing the band).
  [[nodiscard]] std::uint32_t levels() const noexcept { return levels_; }
  [[nodiscard]] Price base_price() const noexcept { return base_price_; }
  [[nodiscard]] Price top_price() const noexcept {
    return base_price_ + (levels_ - 1) * spec_.tick;
  }

  [[nodiscard]] bool halted() const noexcept { return halted_; }
  void set_halted(bool h) noexcept { halted_ = h; }
  // Maker and taker fees charged on its fills (SetFees; none until set).
  [[nodiscard]] const FeeSchedule& fees() const noexcept { return fees_; }
  void set_fees(const FeeSchedule& f) noexcept { fees_ = f; }

  // Scheduled products: the product this book is a book of (kNoProduct for spot instruments),
  // the window it lists (kNoWindow: none, and spec().window.start_ns 0) and the time its
  // trading stops (gate closure).
  static constexpr std::uint16_t kNoProduct = 0xFFFF;
  [[nodiscard]] std::uint16_t product() const noexcept { return product_; }
  [[nodiscard]] std::int64_t window() const noexcept { return window_; }
  [[nodiscard]] std::int64_t trading_until_ns() const noexcept { return trading_until_ns_; }
  // Does it trade at `time_ns`? Always for spot; for a book, a listed window before its gate.
  [[nodiscard]] bool trading_at(std::int64_t time_ns) const noexcept {
    return time_ns < trading_until_ns_;
  }
  void set_product(std::uint16_t product) noexcept;
  void list_window(std::int64_t window, std::int64_t start_ns, std::int64_t until_ns) noexcept;

  // Price must be on tick and inside the level array (the band always is).
  [[nodiscard]] std::uint32_t level_of(Price p) const noexcept {
    const Price off = p - base_price_;
    return static_cast<std::uint32_t>(spec_.tick == 1 ? off : off / spec_.tick);
  }
  [[nodiscard]] Price price_of(std::int64_t level) const noexcept {
    return base_price_ + level * spec_.tick;
  }
  [[nodiscard]] bool in_array(Price p) const noexcept {
    return p >= base_price_ && p <= top_price();
  }
  [[nodiscard]] bool on_tick(Price p) const noexcept {
    return spec_.tick == 1 || p % spec_.tick == 0;
  }
  [[nodiscard]] bool in_band(Price p) const noexcept {
    return p >= spec_.band_min && p <= spec_.band_max;
  }

  [[nodiscard]] std::size_t bytes() const noexcept { return bids_.bytes() + asks_.bytes(); }

  // Admin path (allocates). The band and quantity limits of `p` (already checked)
  // become the book's; the level array grows to cover the new band when it does not (resting
  // orders keep their prices; outside a narrowed band they stay where they are).
  void set_params(const BookParams& p, OrderArena& arena);
  // The level array covering [base, base + (levels - 1) * tick], resting orders moved along.
  void set_levels(Price base, std::uint32_t levels, OrderArena& arena);
  // The array set_params would need for `band_min`..`band_max`: its base and level count (the
  // current array when it covers the band, else the band plus every resting order's price).
  // Returns false when that needs more than kMaxBandLevels levels.
  [[nodiscard]] bool levels_for(Price band_min, Price band_max, Price* base,
                                std::int64_t* levels) const noexcept;
  // Set once an admin command (SetParams) has given this book its parameters: they count in the
  // state hash and the snapshot from then on.
  [[nodiscard]] bool admin_params() const noexcept { return admin_params_; }
  void set_admin_params(bool v) noexcept { admin_params_ = v; }

 private:
  InstrumentSpec spec_;
  std::uint16_t index_;
  std::uint32_t levels_;
  Price base_price_;
  bool admin_params_ = false;
  bool halted_ = false;
  FeeSchedule fees_;
  std::uint16_t product_ = kNoProduct;
  std::int64_t window_ = 0;
  std::int64_t trading_until_ns_ = std::numeric_limits<std::int64_t>::max();
  BookSide bids_;
  BookSide asks_;
};

}  // namespace swarmex::engine
