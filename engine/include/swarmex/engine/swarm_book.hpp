// Resting (GTC) swarm orders of one engine, kept in priority order: higher limit per unit of the
// whole bundle first, then earlier arrival. Fixed capacity, no allocation after construction.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/swarm_order.hpp"

namespace swarmex::engine {

struct RestingSwarm {
  SwarmOrder order;
  Qty units;  // sum of leg quantities
  Seq priority_seq;
};

// Sum of leg quantities, or -1 when it overflows.
Qty swarm_units(const SwarmOrder& s) noexcept;

// The state-hash contribution of one resting swarm order.
std::uint64_t swarm_hash(const RestingSwarm& r) noexcept;

class SwarmBook {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;

  explicit SwarmBook(std::uint32_t capacity);

  [[nodiscard]] bool full() const noexcept { return entries_.size() >= capacity_; }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::uint32_t size() const noexcept {
    return static_cast<std::uint32_t>(entries_.size());
  }
  [[nodiscard]] const RestingSwarm& operator[](std::uint32_t i) const noexcept {
    return entries_[i];
  }

  // Inserts at its priority position; the caller checked full().
  void insert(const RestingSwarm& r);
  void erase(std::uint32_t i);
  [[nodiscard]] std::uint32_t find(OrderId id) const noexcept;
  // Wrapping sum of swarm_hash over the entries, maintained incrementally.
  [[nodiscard]] std::uint64_t hash() const noexcept { return hash_; }

  // True when `a` has priority over `b`.
  static bool before(const RestingSwarm& a, const RestingSwarm& b) noexcept;

 private:
  std::uint32_t capacity_;
  std::vector<RestingSwarm> entries_;
  std::uint64_t hash_ = 0;
};

}  // namespace swarmex::engine
