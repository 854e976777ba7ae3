// How much of one resource a host has committed at every instant: a step function over wall-clock
// time, changed by adding or taking back a quantity over [start_ns, end_ns), and asked for its
// peak over any interval, both in O(log n) for n distinct start and end times. So checking a
// burst of fills against capacity never rescans the book (a sweep over every allocation per fill
// made a 1,000-fill burst take hundreds of milliseconds).
#pragma once

#include <cstdint>
#include <vector>

namespace swarmex::hostctl {

// A treap of change points (time, delta), each node knowing its subtree's sum of deltas, the
// highest running sum inside it, and its time range; a point whose delta comes back to 0 goes.
class CapacityTimeline {
 public:
  // Adds `qty` (negative: takes back) at every instant of [start_ns, end_ns); nothing when empty.
  void add(std::int64_t start_ns, std::int64_t end_ns, std::int64_t qty);
  // The most held at any instant of [from_ns, to_ns); what is held at from_ns when to_ns <=
  // from_ns.
  [[nodiscard]] std::int64_t peak(std::int64_t from_ns, std::int64_t to_ns) const;
  // Change points held (at most two per interval still added).
  [[nodiscard]] std::size_t nodes() const noexcept { return nodes_.size() - free_.size(); }
  void clear() noexcept;

 private:
  struct Node {
    std::int64_t time_ns = 0;
    std::int64_t delta = 0;
    std::int64_t sum = 0;   // of the subtree's deltas
    std::int64_t best = 0;  // highest running sum of the subtree, from its first point on
    std::int64_t min_ns = 0, max_ns = 0;
    std::uint32_t priority = 0;
    std::int32_t left = -1, right = -1;
  };
  void change(std::int64_t time_ns, std::int64_t delta);
  void update(std::int32_t n) noexcept;
  // Splits `n` into the points before `time_ns` (or up to it, when `inclusive`) and the rest.
  void split(std::int32_t n, std::int64_t time_ns, bool inclusive, std::int32_t& lo,
             std::int32_t& hi);
  std::int32_t merge(std::int32_t lo, std::int32_t hi);
  // Highest running sum at the points of `n` strictly inside (from, to); `before` is what the
  // points left of the subtree add up to. INT64_MIN when none is inside.
  [[nodiscard]] std::int64_t best_inside(std::int32_t n, std::int64_t from_ns, std::int64_t to_ns,
                                         std::int64_t before) const;

  std::vector<Node> nodes_;
  std::vector<std::int32_t> free_;
  std::int32_t root_ = -1;
  std::uint64_t rng_ = 0x9E3779B97F4A7C15ull;  // fixed seed: the same inputs, the same tree
};

}  // namespace swarmex::hostctl
