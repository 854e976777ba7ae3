#include "swarmex/engine/order_index.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace swarmex::engine {

namespace {
std::uint32_t table_size(std::uint32_t arena_capacity) {
  const std::uint64_t buckets = std::max<std::uint64_t>(std::uint64_t{arena_capacity} * 2, 2);
  if (buckets > 0xFFFF'FFFEull)  // bucket numbers and kNil must stay distinct
    throw std::length_error("order index: arena capacity above 2^31 - 1");
  return static_cast<std::uint32_t>(buckets);
}
}  // namespace

OrderIndex::OrderIndex(std::uint32_t arena_capacity, const OrderArena& arena)
    : buckets_(table_size(arena_capacity), Bucket{kNil, 0}),
      size_(static_cast<std::uint32_t>(buckets_.size())),
      run_mask_(std::min<std::uint32_t>((1u << kRunBits) - 1, std::bit_floor(size_) - 1)),
      home_bits_(static_cast<unsigned>(std::bit_width(size_ - 1))),
      home_mask_(static_cast<std::uint32_t>((std::uint64_t{1} << home_bits_) - 1)),
      arena_(arena) {}

void OrderIndex::erase_at(std::uint32_t i) noexcept {
  // Backward-shift: pull later members of the probe run into the hole when their home allows.
  for (std::uint32_t j = next(i);; j = next(j)) {
    const Bucket s = buckets_[j];
    if (s.order == kNil) break;
    const std::uint32_t h = home(s.key);
    // Move s into hole i unless its home lies cyclically in (i, j].
    const bool home_in_range = i <= j ? (h > i && h <= j) : (h > i || h <= j);
    if (!home_in_range) {
      buckets_[i] = s;
      i = j;
    }
  }
  buckets_[i] = Bucket{kNil, 0};
}

}  // namespace swarmex::engine
