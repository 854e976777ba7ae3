// Latency histogram with log-linear buckets (as HdrHistogram): exact below 256, then 128
// sub-buckets per power of two, so any recorded value is reported within 0.8%. Fixed size
// (7424 counters), no allocation after construction, mergeable across threads.
#pragma once

#include <cstdint>
#include <vector>

namespace swarmex::common {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(std::int64_t value) noexcept;  // negative values count as 0
  void merge(const LatencyHistogram& other) noexcept;

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] std::int64_t min() const noexcept { return count_ ? min_ : 0; }
  [[nodiscard]] std::int64_t max() const noexcept { return max_; }
  [[nodiscard]] double mean() const noexcept;
  // The smallest bucket bound at or above `percent`% of the samples (0 < percent <= 100),
  // capped at the exact maximum; 0 when empty.
  [[nodiscard]] std::int64_t percentile(double percent) const noexcept;

  // Bucket arithmetic, public for tests.
  static std::size_t bucket_of(std::uint64_t value) noexcept;
  static std::uint64_t bucket_upper(std::size_t bucket) noexcept;  // largest value in it
  static constexpr std::size_t kBuckets = 256 + 55 * 128;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace swarmex::common
