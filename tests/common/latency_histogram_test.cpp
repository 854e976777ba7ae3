// The load generator's log-linear histogram: exact small values, bounded relative error,
// percentiles, merging.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "swarmex/common/latency_histogram.hpp"

namespace swarmex::common {
namespace {

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < 256; ++v) {
    EXPECT_EQ(LatencyHistogram::bucket_of(v), v);
    EXPECT_EQ(LatencyHistogram::bucket_upper(v), v);
  }
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndTight) {
  // Every bucket starts right after the previous one ends and is at most 1/128 of its values wide.
  std::uint64_t expected_lower = 0;
  for (std::size_t b = 0; b < LatencyHistogram::kBuckets; ++b) {
    const std::uint64_t upper = LatencyHistogram::bucket_upper(b);
    ASSERT_EQ(LatencyHistogram::bucket_of(expected_lower), b);
    ASSERT_EQ(LatencyHistogram::bucket_of(upper), b);
    if (expected_lower >= 256) {
      ASSERT_LE(static_cast<double>(upper - expected_lower + 1),
                static_cast<double>(expected_lower) / 128.0 + 1);
    }
    expected_lower = upper + 1;
  }
  EXPECT_EQ(LatencyHistogram::bucket_of(~std::uint64_t{0}), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogramTest, PercentilesMatchSortedSamplesWithinPrecision) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(10.0, 1.5);  // ~22 us median, long tail
  std::vector<std::int64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<std::int64_t>(dist(rng));
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (const double p : {1.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100 * samples.size())) - 1;
    const double exact = static_cast<double>(samples[rank]);
    const double got = static_cast<double>(h.percentile(p));
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(got, exact * (1 + 1.0 / 128) + 1) << p;
  }
  EXPECT_EQ(h.percentile(100), samples.back());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.count(), samples.size());
}

TEST(LatencyHistogramTest, MergesAndClampsNegatives) {
  LatencyHistogram a, b;
  EXPECT_EQ(a.percentile(50), 0);
  a.record(-5);
  a.record(10);
  b.record(1'000'000);
  b.record(20);
  a.merge(b);
  EXPECT_EQ(a.count(), 4u);
  EXPECT_EQ(a.min(), 0);
  EXPECT_EQ(a.max(), 1'000'000);
  EXPECT_EQ(a.percentile(50), 10);
  EXPECT_EQ(a.percentile(75), 20);
  EXPECT_EQ(a.percentile(100), 1'000'000);
  EXPECT_DOUBLE_EQ(a.mean(), (0 + 10 + 20 + 1'000'000) / 4.0);
}

}  // namespace
}  // namespace swarmex::common
