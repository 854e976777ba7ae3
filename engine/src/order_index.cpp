#include "swarmex/engine/order_index.hpp"

#include <bit>

namespace swarmex::engine {

OrderIndex::OrderIndex(std::uint32_t pool_capacity, const OrderPool& pool)
    : slots_(std::bit_ceil(static_cast<std::uint64_t>(pool_capacity) * 2), Slot{kNil, 0}),
      mask_(static_cast<std::uint32_t>(slots_.size() - 1)),
      pool_(pool) {}

void OrderIndex::erase(OrderId id) noexcept {
  const std::uint32_t fp = fingerprint(id);
  std::uint32_t i = fp & mask_;
  while (!(slots_[i].fp == fp && slots_[i].order != kNil && pool_[slots_[i].order].id == id)) {
    if (slots_[i].order == kNil) return;  // not present
    i = (i + 1) & mask_;
  }
  // Backward-shift: pull later members of the probe run into the hole when their home allows.
  for (std::uint32_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    const Slot s = slots_[j];
    if (s.order == kNil) break;
    const std::uint32_t home = s.fp & mask_;
    // Move s into hole i unless its home lies cyclically in (i, j].
    const bool home_in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!home_in_range) {
      slots_[i] = s;
      i = j;
    }
  }
  slots_[i] = Slot{kNil, 0};
}

}  // namespace swarmex::engine
