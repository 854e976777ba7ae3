#include "swarmex/engine/order_arena.hpp"

#include <algorithm>
#include <stdexcept>

#include "swarmex/engine/snapshot_capture.hpp"

namespace swarmex::engine {

OrderArena::OrderArena(std::uint32_t capacity) : orders_(capacity) {
  if (capacity == 0 || capacity >= kFreeSlot) throw std::invalid_argument("order arena capacity");
  // Free list in ascending index order, so allocation order is deterministic.
  for (std::uint32_t i = 0; i < capacity; ++i) {
    orders_[i].next = i + 1 < capacity ? i + 1 : kNil;
    orders_[i].prev = kFreeSlot;
  }
  free_head_ = 0;
}

void OrderArena::begin_capture(SnapshotCapture& c) {
  c.orders.clear();
  c.orders.reserve(live_);  // every live slot is copied once: the barrier never reallocates
  c.done.assign((orders_.size() + 63) / 64, 0);
  c.cursor = 0;
  c.capacity = capacity();
  c.steps = 0;
  c.kept = 0;
  c.max_step_slots = 0;
  capture_ = &c;
}

void OrderArena::keep(std::uint32_t idx) noexcept {
  SnapshotCapture& c = *capture_;
  if (idx < c.cursor) return;
  std::uint64_t& word = c.done[idx / 64];
  const std::uint64_t bit = std::uint64_t{1} << (idx % 64);
  if ((word & bit) != 0) return;
  word |= bit;
  if (!resting(idx)) return;  // free at the snapshot's sequence: nothing to copy
  c.orders.push_back(CapturedOrder{idx, orders_[idx]});
  ++c.kept;
}

std::uint32_t OrderArena::capture_step(std::uint32_t max_slots) noexcept {
  if (capture_ == nullptr) return 0;
  SnapshotCapture& c = *capture_;
  const std::uint32_t end =
      c.cursor + std::min<std::uint32_t>(max_slots < 1 ? 1 : max_slots, c.capacity - c.cursor);
  const std::uint32_t scanned = end - c.cursor;
  for (std::uint32_t i = c.cursor; i < end; ++i) {
    // Copied ahead by the barrier, or free: nothing to copy.
    if ((c.done[i / 64] >> (i % 64) & 1) != 0 || !resting(i)) continue;
    c.orders.push_back(CapturedOrder{i, orders_[i]});
  }
  c.cursor = end;
  ++c.steps;
  c.max_step_slots = std::max(c.max_step_slots, scanned);
  if (c.complete()) capture_ = nullptr;
  return scanned;
}

void OrderArena::copy_all(SnapshotCapture& c) const {
  c.orders.clear();
  c.orders.reserve(live_);
  c.done.clear();
  c.capacity = capacity();
  for (std::uint32_t i = 0; i < c.capacity; ++i)
    if (resting(i)) c.orders.push_back(CapturedOrder{i, orders_[i]});
  c.cursor = c.capacity;
  c.steps = 1;
  c.kept = 0;
  c.max_step_slots = c.capacity;
}

}  // namespace swarmex::engine
