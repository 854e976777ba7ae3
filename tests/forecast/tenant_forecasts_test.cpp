// From usage reports to decisions: 5-second reports become the 5-minute samples the methods were
// measured on, and many tenants' forecasts stay bounded and equal to feeding the method directly.
#include "swarmex/forecast/tenant_forecasts.hpp"

#include <gtest/gtest.h>

#include "swarmex/forecast/methods.hpp"

namespace swarmex::forecast {
namespace {

constexpr int64_t kStep_s = 300;

TEST(StepSamplesTest, CpuIsTheIntervalWeightedMeanAndMemoryThePeak) {
  StepSamples cpu(Resource::cpu), mem(Resource::mem);
  // Step (0, 300]: 50 reports of 5 s at 1 core, then 10 of 5 s at 4 cores -> mean 1.5 cores.
  for (int i = 1; i <= 60; ++i) {
    EXPECT_FALSE(cpu.add(i * 5, i <= 50 ? 1.0 : 4.0, 5));
    EXPECT_FALSE(mem.add(i * 5, i == 7 ? 9e9 : 1e9, 5));
  }
  const auto c = cpu.add(305, 2.0, 5);  // the next step's first report completes the first
  const auto m = mem.add(305, 2e9, 5);
  ASSERT_TRUE(c && m);
  EXPECT_EQ(c->t_s, kStep_s);  // stamped at the step's end
  EXPECT_DOUBLE_EQ(c->value, 1.5);
  EXPECT_DOUBLE_EQ(m->value, 9e9);
}

TEST(StepSamplesTest, ATenantOnTwoHostsUsesWhatBothReportAddedUp) {
  StepSamples cpu(Resource::cpu), mem(Resource::mem);
  // Host 1 reports 1 core every 5 s; host 2 reports 3 cores every 10 s, for half the step only.
  for (int i = 1; i <= 60; ++i) {
    EXPECT_FALSE(cpu.add(i * 5, 1.0, 5, 1));
    EXPECT_FALSE(mem.add(i * 5, 1e9, 5, 1));
    if (i % 2 == 0 && i <= 30) {
      EXPECT_FALSE(cpu.add(i * 5, 3.0, 10, 2));
      EXPECT_FALSE(mem.add(i * 5, i == 10 ? 5e9 : 2e9, 10, 2));
    }
  }
  const auto c = cpu.add(305, 0.0, 5, 1);
  const auto m = mem.add(305, 0.0, 5, 1);
  ASSERT_TRUE(c && m);
  EXPECT_DOUBLE_EQ(c->value, 2.5);  // core-seconds of both over the step: 1 + 3 x half
  EXPECT_DOUBLE_EQ(m->value, 6e9);  // each host's peak, summed
}

TEST(StepSamplesTest, AQuietTenantsStepIsFlushedAndLateReportsAreDropped) {
  StepSamples cpu(Resource::cpu);
  EXPECT_FALSE(cpu.add(100, 2.0, 5));
  EXPECT_FALSE(cpu.flush(299));  // not over yet
  const auto s = cpu.flush(300);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->value, 2.0);
  EXPECT_FALSE(cpu.flush(900));        // nothing open
  EXPECT_FALSE(cpu.add(250, 9.0, 5));  // a closed step: dropped, opens nothing
  EXPECT_FALSE(cpu.flush(900));
  EXPECT_FALSE(cpu.add(650, 3.0, 5));
  EXPECT_FALSE(cpu.add(320, 9.0, 5));  // older than the open step: dropped
  EXPECT_DOUBLE_EQ(cpu.flush(900)->value, 3.0);
}

TEST(TenantForecastsTest, DecidesAsTheChosenMethodFedTheSteps) {
  TenantForecasts forecasts(16);
  auto direct = make_method(chosen_method(Resource::cpu), Resource::cpu);
  StepSamples steps(Resource::cpu);
  const int64_t t0 = 1000 * 86400;
  int compared = 0;
  for (int64_t t = t0 + 5; t <= t0 + 3 * 86400; t += 5) {
    const double cores = (t / 3600) % 24 < 8 ? 0.3 : 1.7 + 0.1 * ((t / 5) % 3);
    forecasts.report("tenant-a", Resource::cpu, t, cores, 5);
    if (const auto s = steps.add(t, cores, 5)) direct->observe(s->t_s, s->value);
    if ((t - t0) % 3600 == 2700) {  // a gate, 15 minutes before the hour
      const WindowQuery q{t, t + 900, 3600};
      if (const auto s = steps.flush(q.gate_s)) direct->observe(s->t_s, s->value);
      const auto d = forecasts.decide("tenant-a", Resource::cpu, q);
      ASSERT_TRUE(d);
      EXPECT_EQ(d->units, direct->decide(q).units) << "at " << t;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 72);
  EXPECT_FALSE(forecasts.decide("tenant-b", Resource::cpu, {t0, t0 + 900, 3600}));
}

TEST(TenantForecastsTest, PastTheBoundTheTenantReportedLeastRecentlyIsForgotten) {
  TenantForecasts forecasts(2);
  forecasts.report("a", Resource::cpu, 10, 1.0, 5);
  forecasts.report("b", Resource::cpu, 10, 1.0, 5);
  forecasts.report("a", Resource::mem, 15, 1e9, 5);  // a is now the more recent
  forecasts.report("c", Resource::cpu, 20, 1.0, 5);
  EXPECT_EQ(forecasts.tenants(), 2u);
  const WindowQuery q{400, 1300, 3600};
  EXPECT_TRUE(forecasts.decide("a", Resource::cpu, q));
  EXPECT_FALSE(forecasts.decide("b", Resource::cpu, q));
  EXPECT_TRUE(forecasts.decide("c", Resource::cpu, q));
}

// A tenant's own target (the grant's) moves the hold; the configured method and step apply.
TEST(TenantForecastsTest, AQueryTargetIsTheTenantsAndTheMethodIsConfigurable) {
  TenantForecasts forecasts(4, 1, {"vpa", 0.9}, {"vpa", 0.9});
  for (int64_t t = 1; t <= 100; ++t)  // 0.1 to 2 cores, evenly
    forecasts.report("a", Resource::cpu, 1000 + t, 0.1 * static_cast<double>(1 + t % 20), 1);
  const auto own = forecasts.decide("a", Resource::cpu, {1101, 1110, 10});
  const auto low = forecasts.decide("a", Resource::cpu, {1101, 1110, 10, 0.5});
  const auto high = forecasts.decide("a", Resource::cpu, {1101, 1110, 10, 0.99});
  ASSERT_TRUE(own && low && high);
  EXPECT_LT(low->hold, 1.5) << "about the median, plus VPA's 15%";
  EXPECT_LT(low->hold, own->hold);
  EXPECT_LT(own->hold, high->hold);
  EXPECT_GT(high->hold, 2.0);
  EXPECT_THROW(TenantForecasts(4, 1, {"magic", 0}), std::invalid_argument);
}

}  // namespace
}  // namespace swarmex::forecast
