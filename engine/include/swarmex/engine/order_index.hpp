// Open-addressing map from order id to pool index: linear probing, backward-shift deletion (no
// tombstones), 8-byte slots holding the pool index and a key word (the id's home slot in the low
// bits, a tag of hash bits above it).
// Exactly two slots per pool order (load factor <= 0.5): with the 48-byte order that is 64 bytes
// per resting order at any capacity, which is why the table size is not a power of two.
//
// Homes keep runs of ids together: ids that differ only in their low kRunBits bits take
// consecutive home slots, from a hashed base per run of 512 ids. The exchange numbers orders in
// sequence, so a new order probes the slot next to the previous order's (the same cache line 7
// times in 8) instead of a random line of a table many times the cache; ids spread like any hash
// between runs, and a stride of 512 or more hashes fully. Backward-shift deletion reads each
// slot's home from its key word (a mask), so freeing a slot costs no hashing.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/cache_prefetch.hpp"
#include "swarmex/engine/huge_page_allocator.hpp"
#include "swarmex/engine/order_pool.hpp"

namespace swarmex::engine {

class OrderIndex {
 public:
  // Throws std::length_error when 2 x pool_capacity slots do not fit 32-bit slot numbers.
  OrderIndex(std::uint32_t pool_capacity, const OrderPool& pool);

  // The slot that holds the id, or kNil; order_at() reads it and erase_at() frees it, so a
  // cancel probes once.
  [[nodiscard]] std::uint32_t find_slot(OrderId id) const noexcept {
    const std::uint32_t k = key(id);
    for (std::uint32_t i = home(k);; i = next(i)) {
      const Slot s = slots_[i];
      if (s.order == kNil) return kNil;
      if (s.key == k && pool_[s.order].id == id) return i;
    }
  }
  [[nodiscard]] std::uint32_t order_at(std::uint32_t slot) const noexcept {
    return slots_[slot].order;
  }
  // Pool index of the order, or kNil.
  [[nodiscard]] std::uint32_t find(OrderId id) const noexcept {
    const std::uint32_t slot = find_slot(id);
    return slot == kNil ? kNil : slots_[slot].order;
  }
  // The id must not be present.
  void insert(OrderId id, std::uint32_t order) noexcept {
    const std::uint32_t k = key(id);
    std::uint32_t i = home(k);
    while (slots_[i].order != kNil)
      i = next(i);
    slots_[i] = Slot{order, k};
  }
  void erase(OrderId id) noexcept {
    if (const std::uint32_t slot = find_slot(id); slot != kNil) erase_at(slot);
  }
  // The slot must hold an order (a find_slot() result with nothing inserted or erased since).
  void erase_at(std::uint32_t slot) noexcept;
  // Cache warming (apply_batch): the id's first slot.
  void prefetch_slot(OrderId id) const noexcept { prefetch_line(&slots_[home(key(id))]); }

  [[nodiscard]] std::size_t bytes() const noexcept { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t order;
    std::uint32_t key;
  };
  static constexpr unsigned kRunBits = 9;
  // Home slot in the low bits; the run's hash bits above them filter slots of other runs that
  // share the home before the order itself is read. Equal ids always give equal keys.
  [[nodiscard]] std::uint32_t key(OrderId id) const noexcept {
    const std::uint64_t run_hash = ((id >> kRunBits) * 0x9E3779B97F4A7C15ull) >> 32;
    std::uint64_t h = ((run_hash * size_) >> 32) + (id & run_mask_);
    if (h >= size_) h -= size_;  // base < size_ and the offset < size_: one wrap at most
    return static_cast<std::uint32_t>(run_hash << home_bits_ | h);
  }
  [[nodiscard]] std::uint32_t home(std::uint32_t key) const noexcept { return key & home_mask_; }
  [[nodiscard]] std::uint32_t next(std::uint32_t i) const noexcept {
    return i + 1 == size_ ? 0 : i + 1;
  }

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::uint32_t size_;
  std::uint32_t run_mask_;   // offset within a run: 511, less in a table under 512 slots
  unsigned home_bits_;       // bits a home slot takes in a key
  std::uint32_t home_mask_;  // those bits
  const OrderPool& pool_;
};

}  // namespace swarmex::engine
