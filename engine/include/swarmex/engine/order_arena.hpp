// Resting orders live in one preallocated arena, addressed by 32-bit index, linked intrusively into
// their price level's FIFO. 48 bytes per order; nothing is allocated after construction.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/huge_page_allocator.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

inline constexpr std::uint32_t kNil = 0xFFFFFFFFu;
// Order::prev of a free slot: no resting order links to it.
inline constexpr std::uint32_t kFreeSlot = 0xFFFFFFFEu;

struct SnapshotCapture;

struct Order {
  OrderId id;
  Qty qty;           // remaining (leaves) quantity
  Seq priority_seq;  // sequence at which it took its place in the level FIFO
  OwnerId owner;
  HostId host;
  std::uint32_t next;  // level FIFO links (arena indices), or free-list link
  std::uint32_t prev;
  std::uint32_t level;  // index of its price level in the book's band
  std::uint16_t book;   // index of its book in the engine
  Side side;
  std::uint8_t flags;  // bits 0-1: StpMode, 2: post-only, 3: resale, 4: agent, 5: pegged, 6: terms

  static constexpr std::uint8_t kPostOnly = 0x4;
  static constexpr std::uint8_t kResale = 0x8;   // offers held window capacity (Resell)
  static constexpr std::uint8_t kAgent = 0x10;   // placed by the agent for its owner (a grant)
  static constexpr std::uint8_t kPegged = 0x20;  // a host ask priced by its pool's curve
  // GTD, Day (spot) or iceberg: the engine's OrderTermsTable has its expiry, day flag or
  // display and hidden quantity (qty is then the shown slice).
  static constexpr std::uint8_t kTerms = 0x40;
  // An IOC or market order resting in a batch: cancelled after the auction it joins.
  static constexpr std::uint8_t kBatchIoc = 0x80;
  [[nodiscard]] StpMode stp() const noexcept { return static_cast<StpMode>(flags & 0x3); }
  [[nodiscard]] bool post_only() const noexcept { return (flags & kPostOnly) != 0; }
};
static_assert(sizeof(Order) == 48, "Order layout is part of the memory budget");

class OrderArena {
 public:
  explicit OrderArena(std::uint32_t capacity);

  // Returns kNil when the arena is exhausted.
  std::uint32_t allocate() noexcept {
    const std::uint32_t idx = free_head_;
    if (idx != kNil) {
      if (capture_ != nullptr) [[unlikely]]
        keep(idx);
      free_head_ = orders_[idx].next;
      ++live_;
    }
    return idx;
  }
  void release(std::uint32_t idx) noexcept {
    if (capture_ != nullptr) [[unlikely]]
      keep(idx);
    orders_[idx].next = free_head_;
    orders_[idx].prev = kFreeSlot;
    free_head_ = idx;
    --live_;
  }

  // The write barrier: a non-const access copies the order first while a capture runs.
  Order& operator[](std::uint32_t idx) noexcept {
    if (capture_ != nullptr) [[unlikely]]
      keep(idx);
    return orders_[idx];
  }
  const Order& operator[](std::uint32_t idx) const noexcept { return orders_[idx]; }
  [[nodiscard]] bool resting(std::uint32_t idx) const noexcept {
    return orders_[idx].prev != kFreeSlot;
  }

  // Snapshot capture (snapshot_capture.hpp). begin_capture resets `c` and arms the barrier;
  // capture_step copies up to `max_slots` slots and returns how many it scanned, disarming once
  // the last slot is copied; copy_all copies every slot at once (no barrier: nothing runs).
  void begin_capture(SnapshotCapture& c);
  std::uint32_t capture_step(std::uint32_t max_slots) noexcept;
  void copy_all(SnapshotCapture& c) const;
  void end_capture() noexcept { capture_ = nullptr; }
  [[nodiscard]] bool capturing() const noexcept { return capture_ != nullptr; }
  [[nodiscard]] bool full() const noexcept { return free_head_ == kNil; }
  [[nodiscard]] std::uint32_t live() const noexcept { return live_; }
  [[nodiscard]] std::uint32_t capacity() const noexcept {
    return static_cast<std::uint32_t>(orders_.size());
  }

 private:
  std::vector<Order, HugePageAllocator<Order>> orders_;
  std::uint32_t free_head_ = kNil;
  std::uint32_t live_ = 0;
  SnapshotCapture* capture_ = nullptr;

  void keep(std::uint32_t idx) noexcept;  // copies slot `idx` unless copied since begin_capture
};

}  // namespace swarmex::engine
