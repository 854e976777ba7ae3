// A histogram with one writer thread, for what swarmexd measures on its busy threads: the writer
// loads and stores relaxed atomics (no locked instruction, no mutex), and the metrics refresh on
// another thread reads them and adds what changed to the registry's prometheus::Histogram.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <prometheus/histogram.h>

namespace swarmex::gateway {

// Latency buckets of every swarmexd histogram (their upper bounds, ns): 1 µs to 10 s in 1-2-5
// steps, wide enough for a VM's wake-up and an fdatasync on a slow disk.
inline constexpr std::int64_t kLatencyBoundsNs[] = {
    1'000,         2'000,         5'000,         10'000,        20'000,      50'000,
    100'000,       200'000,       500'000,       1'000'000,     2'000'000,   5'000'000,
    10'000'000,    20'000'000,    50'000'000,    100'000'000,   200'000'000, 500'000'000,
    1'000'000'000, 2'000'000'000, 5'000'000'000, 10'000'000'000};

// The same bounds as Prometheus has them (seconds).
inline prometheus::Histogram::BucketBoundaries latency_bounds_seconds() {
  prometheus::Histogram::BucketBoundaries b;
  for (const std::int64_t ns : kLatencyBoundsNs)
    b.push_back(static_cast<double>(ns) / 1e9);
  return b;
}

// The bucket of `value` among `bounds` (le: the first bound at or above it); bounds.size() is +Inf.
inline std::size_t bucket_of(std::span<const std::int64_t> bounds, std::int64_t value) noexcept {
  return static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) -
                                  bounds.begin());
}

class OwnedHistogram {
 public:
  explicit OwnedHistogram(std::span<const std::int64_t> bounds = kLatencyBoundsNs)
      : bounds_(bounds), counts_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i)
      counts_[i].store(0, std::memory_order_relaxed);
  }

  // The writer thread only.
  void observe(std::int64_t value) noexcept {
    value = std::max<std::int64_t>(value, 0);
    bump(counts_[bucket_of(bounds_, value)], 1);
    sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
  }

  // Any thread: what was observed since `seen` (per bucket, then the sum), added to `to` with
  // the sum scaled by `scale` (ns to seconds); `seen` becomes the current counts.
  void feed(prometheus::Histogram& to, std::vector<std::uint64_t>& seen, std::int64_t& seen_sum,
            double scale) const {
    seen.resize(bounds_.size() + 1, 0);
    std::vector<double> delta(bounds_.size() + 1, 0.0);
    bool any = false;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      const std::uint64_t now = counts_[i].load(std::memory_order_relaxed);
      delta[i] = static_cast<double>(now - seen[i]);
      any = any || now != seen[i];
      seen[i] = now;
    }
    const std::int64_t sum = sum_.load(std::memory_order_relaxed);
    if (any) to.ObserveMultiple(delta, static_cast<double>(sum - seen_sum) * scale);
    seen_sum = sum;
  }

 private:
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t n) noexcept {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::span<const std::int64_t> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<std::int64_t> sum_{0};
};

}  // namespace swarmex::gateway
