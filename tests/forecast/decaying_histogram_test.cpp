// The VPA histogram against figures computed by hand: bucket edges, percentiles answered with the
// end of a bucket, the weight of a sample doubling every half-life, removal, renormalisation.
#include "swarmex/forecast/decaying_histogram.hpp"

#include <gtest/gtest.h>

namespace swarmex::forecast {
namespace {

// First bucket 1, ratio 2: buckets start at 0, 1, 3, 7, 15, 31, 63, 127.
constexpr ExponentialBuckets kDoubling{100.0, 1.0, 2.0, 1e-4};
constexpr int64_t kHour_s = 3600;

TEST(ExponentialBucketsTest, EdgesGrowByTheRatio) {
  EXPECT_EQ(kDoubling.count(), 8);  // ceil(log2(100 + 1)) + 1
  EXPECT_DOUBLE_EQ(kDoubling.start(0), 0);
  EXPECT_DOUBLE_EQ(kDoubling.start(1), 1);
  EXPECT_DOUBLE_EQ(kDoubling.start(2), 3);
  EXPECT_DOUBLE_EQ(kDoubling.start(3), 7);
  EXPECT_DOUBLE_EQ(kDoubling.start(7), 127);
  EXPECT_EQ(kDoubling.find(0.5), 0);
  EXPECT_EQ(kDoubling.find(1.0), 1);
  EXPECT_EQ(kDoubling.find(2.9), 1);
  EXPECT_EQ(kDoubling.find(3.0), 2);
  EXPECT_EQ(kDoubling.find(1e6), 7);  // the last bucket has no end
}

TEST(ExponentialBucketsTest, VpaCpuLayoutFromOneHundredthOfACore) {
  const ExponentialBuckets cpu{1000.0, 0.01, 1.05, 1e-4};
  // 0.5 core: floor(log(0.5 * 0.05 / 0.01 + 1) / log(1.05)) = floor(25.68) = 25.
  EXPECT_EQ(cpu.find(0.5), 25);
  EXPECT_NEAR(cpu.start(26), 0.511134, 1e-6);  // 0.01 * (1.05^26 - 1) / 0.05
  EXPECT_EQ(cpu.count(), 176);
}

TEST(DecayingHistogramTest, PercentileIsTheEndOfItsBucket) {
  DecayingHistogram h(kDoubling, kHour_s);
  EXPECT_TRUE(h.empty());
  EXPECT_DOUBLE_EQ(h.percentile(0.5), 0);
  h.add(1.5, 1, 0);  // bucket [1, 3)
  h.add(5.0, 1, 0);  // bucket [3, 7)
  EXPECT_DOUBLE_EQ(h.percentile(0.5), 3);
  EXPECT_DOUBLE_EQ(h.percentile(0.9), 7);
  h.add(1000, 1, 0);  // the last bucket answers with its start
  EXPECT_DOUBLE_EQ(h.percentile(1.0), 127);
}

TEST(DecayingHistogramTest, ASampleOneHalfLifeNewerWeighsTwice) {
  DecayingHistogram h(kDoubling, kHour_s);
  h.add(1.5, 1, 0);
  h.add(5.0, 1, kHour_s);  // weight 2: the median moves to the newer sample's bucket
  EXPECT_DOUBLE_EQ(h.total_weight(), 3);
  EXPECT_DOUBLE_EQ(h.percentile(0.5), 7);
  EXPECT_DOUBLE_EQ(h.percentile(0.3), 3);  // 0.9 of 3 is reached by the older sample
}

TEST(DecayingHistogramTest, SubtractRemovesAPeakAndEmptiesItsBucket) {
  DecayingHistogram h(kDoubling, kHour_s);
  h.add(1.5, 1, 0);
  h.add(5.0, 1, 0);
  h.subtract(5.0, 1, 0);
  EXPECT_DOUBLE_EQ(h.percentile(1.0), 3);
  h.subtract(1.5, 5, 0);  // never below zero
  EXPECT_TRUE(h.empty());
}

TEST(DecayingHistogramTest, RenormalisingKeepsTheRelativeWeights) {
  DecayingHistogram h(kDoubling, kHour_s);
  const int64_t far_s = 250 * kHour_s;  // past 2^100: the reference moves
  h.add(1.5, 1, far_s);
  h.add(5.0, 1, far_s + kHour_s);
  EXPECT_DOUBLE_EQ(h.percentile(0.5), 7);
  EXPECT_DOUBLE_EQ(h.percentile(0.3), 3);
  EXPECT_LT(h.total_weight(), 1e30);
  h.add(1.5, 1, 2 * far_s);  // moves again; the older samples now weigh nothing
  EXPECT_DOUBLE_EQ(h.percentile(1.0), 3);
}

}  // namespace
}  // namespace swarmex::forecast
