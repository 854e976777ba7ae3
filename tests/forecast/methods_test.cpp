// Units, seasonal naive and the conformal method: what each holds for a window, that a method is
// deterministic, and that the conformal margin holds a series near its own shortfall target.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "swarmex/forecast/conformal.hpp"
#include "swarmex/forecast/methods.hpp"
#include "swarmex/forecast/seasonal.hpp"

namespace swarmex::forecast {
namespace {

constexpr int64_t kHour_s = 3600;
constexpr int64_t kDay_s = 24 * kHour_s;
constexpr int64_t kStep_s = 300;
constexpr double kShard = 256.0 * 1024 * 1024;

TEST(UnitsTest, WholeUnitsCoverTheValue) {
  EXPECT_EQ(whole_units(Resource::cpu, 0.3, true), 3);
  EXPECT_EQ(whole_units(Resource::cpu, 0.31, true), 4);
  EXPECT_EQ(whole_units(Resource::cpu, 0.0, true), 1);  // a tenant that used anything
  EXPECT_EQ(whole_units(Resource::cpu, 0.0, false), 0);
  EXPECT_EQ(whole_units(Resource::mem, kShard, true), 1);
  EXPECT_EQ(whole_units(Resource::mem, kShard + 1, true), 2);
}

TEST(SeasonalNaiveTest, HoldsTheLargerOfYesterdaysAndLastWeeksWindow) {
  SeasonalNaive naive(Resource::cpu, 0);
  const int64_t t0 = 100 * kDay_s;
  for (int64_t t = t0; t < t0 + 8 * kDay_s; t += kStep_s) {
    const int64_t hour = (t - t0) % kDay_s / kHour_s;
    double cores = 0.2;
    if (hour == 10) cores = t < t0 + kDay_s ? 3.0 : 1.0;  // hour 10 peaked on the first day
    naive.observe(t, cores);
  }
  // Day 8, hour 10: a week ago 3 cores, yesterday 1 core.
  const int64_t start = t0 + 7 * kDay_s + 10 * kHour_s;
  const Decision d = naive.decide({start - 900, start, kHour_s});
  EXPECT_DOUBLE_EQ(d.p90, 3.0);
  EXPECT_EQ(d.units, 30);
  EXPECT_EQ(naive.decide({start + kHour_s - 900, start + kHour_s, kHour_s}).units, 2);
}

// A day-shaped series: 1 core by night, 4 by day, with noise.
double usage(std::mt19937_64& rng, int64_t t) {
  const int64_t hour = t % kDay_s / kHour_s;
  std::uniform_real_distribution<double> noise(0.8, 1.2);
  return (hour >= 8 && hour < 18 ? 4.0 : 1.0) * noise(rng);
}

struct Outcome {
  int64_t samples = 0, short_samples = 0, units = 0;
};

Outcome run_days(Method& method, uint64_t seed, int days, int scored_from_day) {
  std::mt19937_64 rng(seed);
  Outcome out;
  const int64_t t0 = 1000 * kDay_s;
  int64_t held = 0;
  for (int64_t t = t0; t < t0 + days * kDay_s; t += kStep_s) {
    if ((t - t0) % kHour_s == kHour_s - 900) {  // the next window's gate
      const int64_t start = t + 900;
      held = method.decide({t, start, kHour_s}).units;
      if (start >= t0 + scored_from_day * kDay_s) out.units += held;
    }
    const double cores = usage(rng, t);
    if (t >= t0 + scored_from_day * kDay_s && t >= t0 + kHour_s) {
      ++out.samples;
      if (cores > 0.1 * static_cast<double>(held)) ++out.short_samples;
    }
    method.observe(t, cores);
  }
  return out;
}

TEST(ConformalTest, HoldsASeriesNearItsOwnShortfallTarget) {
  // Whole VRUs round the hold up, so the shortfall lands at or somewhat under the target.
  int64_t previous_units = 0;
  for (double target : {0.9, 0.98}) {
    ConformalConfig config;
    config.target_shortfall = 1 - target;
    ConformalMethod method(Resource::cpu, config);
    const Outcome out = run_days(method, 7, 14, 7);
    const double shortfall =
        static_cast<double>(out.short_samples) / static_cast<double>(out.samples);
    SCOPED_TRACE(testing::Message() << "target " << target << " shortfall " << shortfall);
    EXPECT_LE(shortfall, 1.5 * (1 - target));
    EXPECT_GE(shortfall, (1 - target) / 6);
    EXPECT_GT(out.units, previous_units);  // a higher target costs more
    previous_units = out.units;
  }
}

TEST(ConformalTest, FollowsTheDayInsteadOfHoldingThePeakAllDay) {
  ConformalMethod conformal(Resource::cpu, {});
  auto vpa = make_method({"vpa", 0.99}, Resource::cpu);
  const Outcome c = run_days(conformal, 11, 14, 7);
  const Outcome v = run_days(*vpa, 11, 14, 7);
  // VPA holds the day's level through the night; the seasonal base does not.
  EXPECT_LT(static_cast<double>(c.units), 0.8 * static_cast<double>(v.units));
}

TEST(MethodsTest, SameSamplesGiveTheSameDecisions) {
  for (auto name : method_names()) {
    auto a = make_method({std::string(name), 0}, Resource::cpu);
    auto b = make_method({std::string(name), 0}, Resource::cpu);
    const Outcome x = run_days(*a, 3, 9, 1);
    const Outcome y = run_days(*b, 3, 9, 1);
    EXPECT_EQ(x.units, y.units) << name;
    EXPECT_EQ(x.short_samples, y.short_samples) << name;
  }
}

TEST(MethodsTest, UnknownNamesAndTargetsAreRefused) {
  EXPECT_THROW(make_method({"prophet", 0.9}, Resource::cpu), std::invalid_argument);
  EXPECT_THROW(make_method({"vpa", 1.5}, Resource::cpu), std::invalid_argument);
  EXPECT_THROW(make_method({"seasonal", -1}, Resource::mem), std::invalid_argument);
}

}  // namespace
}  // namespace swarmex::forecast
