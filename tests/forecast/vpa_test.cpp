// The VPA recommender's target against hand-computed histograms: cpu from every usage sample,
// memory from one peak per 24 h interval, both at p90 plus 15%, with VPA's minimums.
#include "swarmex/forecast/vpa.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace swarmex::forecast {
namespace {

constexpr int64_t kDay_s = 24 * 3600;
constexpr double kGiB = 1024.0 * 1024 * 1024;

TEST(VpaTest, CpuTargetIsTheNinetiethPercentileBucketEndPlusFifteenPercent) {
  VpaMethod vpa(Resource::cpu, {});
  // 19 samples at 0.5 core and one at 2 cores: p90 reaches the 0.5-core bucket [0.4877, 0.5111).
  for (int i = 0; i < 19; ++i)
    vpa.observe(10 * kDay_s + i, 0.5);
  vpa.observe(10 * kDay_s + 19, 2.0);
  const double bucket_end = 0.01 * (std::pow(1.05, 26) - 1) / 0.05;
  EXPECT_NEAR(vpa.target(), bucket_end * 1.15, 1e-9);  // 0.5878 cores
  const Decision d = vpa.decide({});
  EXPECT_EQ(d.units, 6);  // 0.5878 cores in whole VRUs
  EXPECT_NEAR(d.p90, bucket_end, 1e-9);
  EXPECT_GT(d.p99, 2.0);  // the 2-core sample's bucket end
}

TEST(VpaTest, CpuHasVpasMinimumAndDropsOutOfOrderSamples) {
  VpaMethod vpa(Resource::cpu, {});
  vpa.observe(100, 0.001);
  vpa.observe(100, 50.0);  // same instant: dropped
  vpa.observe(99, 50.0);   // older: dropped
  EXPECT_DOUBLE_EQ(vpa.target(), 0.025);
  EXPECT_EQ(vpa.decide({}).units, 1);
}

TEST(VpaTest, MemoryKeepsOnePeakPerIntervalWeightedAtItsEnd) {
  VpaMethod vpa(Resource::mem, {});
  const int64_t t0 = 10 * kDay_s;
  // Day 1 peaks at 1 GiB, day 2 at 2 GiB, day 3 at 4 GiB; each day also has lower samples, and
  // the peak arrives after them, so each earlier peak of the day is replaced.
  const double peaks[] = {1 * kGiB, 2 * kGiB, 4 * kGiB};
  for (int day = 0; day < 3; ++day) {
    const int64_t from = t0 + day * kDay_s;
    vpa.observe(from, 0.25 * peaks[day]);
    vpa.observe(from + 3600, 0.5 * peaks[day]);
    vpa.observe(from + 7200, peaks[day]);
    vpa.observe(from + 10800, 0.1 * peaks[day]);
  }
  // Three peaks weighing 1, 2 and 4 (one half-life apart): total 7 relative to the first.
  const DecayingHistogram& h = vpa.histogram();
  const ExponentialBuckets& b = h.buckets();
  auto end_of = [&](double v) { return b.start(b.find(v) + 1); };
  EXPECT_NEAR(h.total_weight() / std::exp2(11), 7, 1e-9);  // the first peak sits at day 11
  EXPECT_DOUBLE_EQ(h.percentile(0.1), end_of(1 * kGiB));   // 0.7 of 7: the 1 GiB peak
  EXPECT_DOUBLE_EQ(h.percentile(0.3), end_of(2 * kGiB));   // 2.1: the 2 GiB peak
  EXPECT_DOUBLE_EQ(h.percentile(0.9), end_of(4 * kGiB));   // 6.3: the 4 GiB peak
  EXPECT_DOUBLE_EQ(vpa.target(), end_of(4 * kGiB) * 1.15);
  // 4 GiB's bucket end x 1.15 is just over 4.6 GiB: 19 shards of 256 MiB.
  EXPECT_EQ(vpa.decide({}).units,
            static_cast<int64_t>(std::ceil(end_of(4 * kGiB) * 1.15 / (256.0 * 1024 * 1024))));
}

TEST(VpaTest, MemoryHasVpasMinimum) {
  VpaMethod vpa(Resource::mem, {});
  vpa.observe(100, 1024);
  EXPECT_DOUBLE_EQ(vpa.target(), 250.0 * 1024 * 1024);
  EXPECT_EQ(vpa.decide({}).units, 1);
}

}  // namespace
}  // namespace swarmex::forecast
