#include "swarmex/common/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace swarmex::common {

namespace {
constexpr unsigned kSubBits = 7;                   // 128 sub-buckets per power of two
constexpr std::uint64_t kLinear = 2u << kSubBits;  // values below this have their own bucket
}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

std::size_t LatencyHistogram::bucket_of(std::uint64_t v) noexcept {
  if (v < kLinear) return static_cast<std::size_t>(v);
  const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(v));  // >= kSubBits + 1
  const unsigned shift = msb - kSubBits;
  const std::size_t bucket = kLinear + (msb - kSubBits - 1) * (1u << kSubBits) +
                             static_cast<std::size_t>((v >> shift) - (1u << kSubBits));
  return std::min(bucket, kBuckets - 1);
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t bucket) noexcept {
  if (bucket < kLinear) return bucket;
  const std::size_t i = bucket - kLinear;
  const unsigned msb = static_cast<unsigned>(i >> kSubBits) + kSubBits + 1;
  const unsigned shift = msb - kSubBits;
  const std::uint64_t sub = (i & ((1u << kSubBits) - 1)) + (1u << kSubBits);
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(std::int64_t value) noexcept {
  const std::int64_t v = std::max<std::int64_t>(value, 0);
  ++counts_[bucket_of(static_cast<std::uint64_t>(v))];
  min_ = count_ == 0 ? v : std::min(min_, v);
  max_ = std::max(max_, v);
  ++count_;
  sum_ += static_cast<long double>(v);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBuckets; ++i)
    counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::int64_t LatencyHistogram::percentile(double percent) const noexcept {
  if (count_ == 0) return 0;
  const double wanted =
      std::ceil(std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(count_));
  const std::uint64_t target = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= target) return std::min(static_cast<std::int64_t>(bucket_upper(i)), max_);
  }
  return max_;
}

}  // namespace swarmex::common
