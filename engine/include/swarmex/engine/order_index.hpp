// Open-addressing map from order id to arena index: linear probing, backward-shift deletion (no
// tombstones), 8-byte buckets holding the arena index and a key word (the id's home bucket in the
// low bits, a tag of hash bits above it). Exactly two buckets per arena order (load factor <= 0.5):
// with the 48-byte order that is 64 bytes per resting order at any capacity, which is why the table
// size is not a power of two.
//
// Homes keep runs of ids together: ids that differ only in their low kRunBits bits take
// consecutive home buckets, from a hashed base per run of 512 ids. The exchange numbers orders in
// sequence, so a new order probes the bucket next to the previous order's (the same cache line 7
// times in 8) instead of a random line of a table many times the cache; ids spread like any hash
// between runs, and a stride of 512 or more hashes fully. Backward-shift deletion reads each
// bucket's home from its key word (a mask), so freeing a bucket costs no hashing.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/cache_prefetch.hpp"
#include "swarmex/engine/huge_page_allocator.hpp"
#include "swarmex/engine/order_arena.hpp"

namespace swarmex::engine {

class OrderIndex {
 public:
  // Throws std::length_error when 2 x arena_capacity buckets do not fit 32-bit bucket numbers.
  OrderIndex(std::uint32_t arena_capacity, const OrderArena& arena);

  // The bucket that holds the id, or kNil; order_at() reads it and erase_at() frees it, so a
  // cancel probes once.
  [[nodiscard]] std::uint32_t find_bucket(OrderId id) const noexcept {
    const std::uint32_t k = key(id);
    for (std::uint32_t i = home(k);; i = next(i)) {
      const Bucket s = buckets_[i];
      if (s.order == kNil) return kNil;
      if (s.key == k && arena_[s.order].id == id) return i;
    }
  }
  [[nodiscard]] std::uint32_t order_at(std::uint32_t bucket) const noexcept {
    return buckets_[bucket].order;
  }
  // Pool index of the order, or kNil.
  [[nodiscard]] std::uint32_t find(OrderId id) const noexcept {
    const std::uint32_t bucket = find_bucket(id);
    return bucket == kNil ? kNil : buckets_[bucket].order;
  }
  // The id must not be present.
  void insert(OrderId id, std::uint32_t order) noexcept {
    const std::uint32_t k = key(id);
    std::uint32_t i = home(k);
    while (buckets_[i].order != kNil)
      i = next(i);
    buckets_[i] = Bucket{order, k};
  }
  void erase(OrderId id) noexcept {
    if (const std::uint32_t bucket = find_bucket(id); bucket != kNil) erase_at(bucket);
  }
  // The bucket must hold an order (a find_bucket() result with nothing inserted or erased since).
  void erase_at(std::uint32_t bucket) noexcept;
  // Cache warming (apply_batch): the id's first bucket.
  void prefetch_bucket(OrderId id) const noexcept { prefetch_line(&buckets_[home(key(id))]); }

  [[nodiscard]] std::size_t bytes() const noexcept { return buckets_.size() * sizeof(Bucket); }

 private:
  struct Bucket {
    std::uint32_t order;
    std::uint32_t key;
  };
  static constexpr unsigned kRunBits = 9;
  // Home bucket in the low bits; the run's hash bits above them filter buckets of other runs that
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

  std::vector<Bucket, HugePageAllocator<Bucket>> buckets_;
  std::uint32_t size_;
  std::uint32_t run_mask_;   // offset within a run: 511, less in a table under 512 buckets
  unsigned home_bits_;       // bits a home bucket takes in a key
  std::uint32_t home_mask_;  // those bits
  const OrderArena& arena_;
};

}  // namespace swarmex::engine
