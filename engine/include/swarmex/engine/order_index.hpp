// Open-addressing map from order id to pool index: linear probing, backward-shift deletion (no
// tombstones), 8-byte slots holding the pool index and the id's 32-bit hash.
// Sized at construction to at least twice the pool, so the load factor stays <= 0.5.
//
// The hash keeps runs of ids together: ids that differ only in their low kRunBits bits land in
// consecutive slots of one 4 KiB page, and each run of 512 ids starts at a hashed place. The
// exchange numbers orders in sequence, so a new order probes the slot next to the previous
// order's (the same cache line 7 times in 8) instead of a random line of a table many times the
// cache; ids spread like any hash between runs, and a stride of 512 or more hashes fully.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/cache_prefetch.hpp"
#include "swarmex/engine/huge_page_allocator.hpp"
#include "swarmex/engine/order_pool.hpp"

namespace swarmex::engine {

class OrderIndex {
 public:
  OrderIndex(std::uint32_t pool_capacity, const OrderPool& pool);

  // Pool index of the order, or kNil.
  [[nodiscard]] std::uint32_t find(OrderId id) const noexcept {
    const std::uint32_t fp = fingerprint(id);
    for (std::uint32_t i = fp & mask_;; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.order == kNil) return kNil;
      if (s.fp == fp && pool_[s.order].id == id) return s.order;
    }
  }
  // The id must not be present.
  void insert(OrderId id, std::uint32_t order) noexcept {
    const std::uint32_t fp = fingerprint(id);
    std::uint32_t i = fp & mask_;
    while (slots_[i].order != kNil)
      i = (i + 1) & mask_;
    slots_[i] = Slot{order, fp};
  }
  void erase(OrderId id) noexcept;
  // Cache warming (apply_batch): the id's first slot; then the order it names, when the first
  // slot already holds the id's fingerprint (a miss or a longer probe just prefetches nothing).
  void prefetch_slot(OrderId id) const noexcept { prefetch_line(&slots_[fingerprint(id) & mask_]); }
  void prefetch_order(OrderId id) const noexcept {
    if (const std::uint32_t o = peek(id); o != kNil) prefetch_line(&pool_[o]);
  }
  // The order in the id's first slot when its fingerprint matches, else kNil: a guess for cache
  // warming (never for matching, which probes on and compares ids).
  [[nodiscard]] std::uint32_t peek(OrderId id) const noexcept {
    const std::uint32_t fp = fingerprint(id);
    const Slot s = slots_[fp & mask_];
    return s.fp == fp && s.order < pool_.capacity() ? s.order : kNil;
  }

  [[nodiscard]] std::size_t bytes() const noexcept { return slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t order;
    std::uint32_t fp;
  };
  static constexpr unsigned kRunBits = 9;
  // Also the slot's home (its low bits), which backward-shift deletion reads back.
  static std::uint32_t fingerprint(OrderId id) noexcept {
    const auto run = static_cast<std::uint32_t>(((id >> kRunBits) * 0x9E3779B97F4A7C15ull) >> 32);
    return run + static_cast<std::uint32_t>(id);
  }

  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::uint32_t mask_;
  const OrderPool& pool_;
};

}  // namespace swarmex::engine
