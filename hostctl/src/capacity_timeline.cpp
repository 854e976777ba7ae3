#include "swarmex/hostctl/capacity_timeline.hpp"

#include <algorithm>
#include <climits>

namespace swarmex::hostctl {

void CapacityTimeline::clear() noexcept {
  nodes_.clear();
  free_.clear();
  root_ = -1;
}

void CapacityTimeline::add(std::int64_t start_ns, std::int64_t end_ns, std::int64_t qty) {
  if (end_ns <= start_ns || qty == 0) return;
  change(start_ns, qty);
  change(end_ns, -qty);
}

void CapacityTimeline::update(std::int32_t n) noexcept {
  Node& x = nodes_[static_cast<std::size_t>(n)];
  std::int64_t sum = 0, best = INT64_MIN;
  x.min_ns = x.max_ns = x.time_ns;
  if (x.left >= 0) {
    const Node& l = nodes_[static_cast<std::size_t>(x.left)];
    sum = l.sum;
    best = l.best;
    x.min_ns = l.min_ns;
  }
  sum += x.delta;
  best = std::max(best, sum);
  if (x.right >= 0) {
    const Node& r = nodes_[static_cast<std::size_t>(x.right)];
    best = std::max(best, sum + r.best);
    sum += r.sum;
    x.max_ns = r.max_ns;
  }
  x.sum = sum;
  x.best = best;
}

void CapacityTimeline::split(std::int32_t n, std::int64_t time_ns, bool inclusive, std::int32_t& lo,
                             std::int32_t& hi) {
  if (n < 0) {
    lo = hi = -1;
    return;
  }
  Node& x = nodes_[static_cast<std::size_t>(n)];
  const bool goes_low = inclusive ? x.time_ns <= time_ns : x.time_ns < time_ns;
  if (goes_low) {
    split(x.right, time_ns, inclusive, nodes_[static_cast<std::size_t>(n)].right, hi);
    lo = n;
  } else {
    split(x.left, time_ns, inclusive, lo, nodes_[static_cast<std::size_t>(n)].left);
    hi = n;
  }
  update(n);
}

std::int32_t CapacityTimeline::merge(std::int32_t lo, std::int32_t hi) {
  if (lo < 0) return hi;
  if (hi < 0) return lo;
  if (nodes_[static_cast<std::size_t>(lo)].priority >
      nodes_[static_cast<std::size_t>(hi)].priority) {
    const std::int32_t right = merge(nodes_[static_cast<std::size_t>(lo)].right, hi);
    nodes_[static_cast<std::size_t>(lo)].right = right;
    update(lo);
    return lo;
  }
  const std::int32_t left = merge(lo, nodes_[static_cast<std::size_t>(hi)].left);
  nodes_[static_cast<std::size_t>(hi)].left = left;
  update(hi);
  return hi;
}

void CapacityTimeline::change(std::int64_t time_ns, std::int64_t delta) {
  std::int32_t before = -1, at = -1, after = -1;
  split(root_, time_ns, false, before, at);
  split(at, time_ns, true, at, after);
  if (at >= 0) {
    nodes_[static_cast<std::size_t>(at)].delta += delta;
    if (nodes_[static_cast<std::size_t>(at)].delta == 0) {
      free_.push_back(at);  // a point that changes nothing any more
      at = -1;
    } else {
      update(at);
    }
  } else {
    if (free_.empty()) {
      at = static_cast<std::int32_t>(nodes_.size());
      nodes_.emplace_back();
    } else {
      at = free_.back();
      free_.pop_back();
    }
    rng_ ^= rng_ << 13;  // xorshift64: deterministic priorities
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    Node& x = nodes_[static_cast<std::size_t>(at)];
    x = Node{};
    x.time_ns = time_ns;
    x.delta = delta;
    x.priority = static_cast<std::uint32_t>(rng_ >> 32);
    update(at);
  }
  root_ = merge(merge(before, at), after);
}

std::int64_t CapacityTimeline::peak(std::int64_t from_ns, std::int64_t to_ns) const {
  // Held at from_ns: every point up to it.
  std::int64_t held = 0;
  for (std::int32_t n = root_; n >= 0;) {
    const Node& x = nodes_[static_cast<std::size_t>(n)];
    if (x.time_ns <= from_ns) {
      held += (x.left >= 0 ? nodes_[static_cast<std::size_t>(x.left)].sum : 0) + x.delta;
      n = x.right;
    } else {
      n = x.left;
    }
  }
  if (to_ns <= from_ns) return held;
  return std::max(held, best_inside(root_, from_ns, to_ns, 0));
}

std::int64_t CapacityTimeline::best_inside(std::int32_t n, std::int64_t from_ns, std::int64_t to_ns,
                                           std::int64_t before) const {
  if (n < 0) return INT64_MIN;
  const Node& x = nodes_[static_cast<std::size_t>(n)];
  if (x.max_ns <= from_ns || x.min_ns >= to_ns) return INT64_MIN;
  if (x.min_ns > from_ns && x.max_ns < to_ns) return before + x.best;  // all of it inside
  const std::int64_t left_sum = x.left >= 0 ? nodes_[static_cast<std::size_t>(x.left)].sum : 0;
  std::int64_t best = best_inside(x.left, from_ns, to_ns, before);
  const std::int64_t here = before + left_sum + x.delta;
  if (x.time_ns > from_ns && x.time_ns < to_ns) best = std::max(best, here);
  return std::max(best, best_inside(x.right, from_ns, to_ns, here));
}

}  // namespace swarmex::hostctl
