// The workload clock and imported history: a simulation's faster clock reaches the forecasts
// (usage and window queries alike), and a tenant's history from before it joined is read in,
// with malformed rows refused by line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "swarmex/autopilot/config.hpp"
#include "swarmex/autopilot/history_import.hpp"
#include "swarmex/autopilot/planner.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/forecast/methods.hpp"

namespace swarmex::autopilot {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

TEST(WorkloadClockTest, WallTimeMapsOntoTheWorkloadAxis) {
  const TimeAxis wall;  // production: the wall clock itself
  EXPECT_EQ(wall.to_s(1'500'000'000), 1);
  EXPECT_EQ(wall.to_s(-1), -1) << "rounded down";
  EXPECT_EQ(wall.span_s(3600 * kS), 3600);
  const TimeAxis fast{60, 1000 * kS, 604'800};  // a minute of workload per wall second
  EXPECT_EQ(fast.to_s(1000 * kS), 604'800);
  EXPECT_EQ(fast.to_s(1001 * kS + kS / 2), 604'800 + 90);
  EXPECT_EQ(fast.span_s(60 * kS), 3600) << "a one-minute window is a workload hour";
}

TEST(WorkloadClockTest, TheConfigurationReadsTheClockAndTheHistoryFile) {
  const Config c = parse_config(
      "[exchange]\ntoken = \"t\"\n[autopilot]\nhistory_csv = \"/tmp/h.csv\"\n"
      "[workload_clock]\nscale = 60\norigin_wall_ns = 5\norigin_s = 7\n",
      "test.toml");
  EXPECT_EQ(c.history_csv, "/tmp/h.csv");
  EXPECT_DOUBLE_EQ(c.axis.scale, 60);
  EXPECT_EQ(c.axis.origin_wall_ns, 5);
  EXPECT_EQ(c.axis.origin_s, 7);
  EXPECT_THROW(parse_config("[exchange]\ntoken = \"t\"\n[workload_clock]\nscale = 0\n", "x"),
               std::runtime_error);
  EXPECT_THROW(parse_config("[exchange]\ntoken = \"t\"\n[workload_clock]\nspeed = 2\n", "x"),
               std::runtime_error);
}

TEST(WorkloadClockTest, ImportedHistoryOnAFastClockDecidesTheFirstWindow) {
  common::TempDir dir("swarmex-history");
  const std::string path = dir.str() + "/history.csv";
  {
    std::ofstream out(path);
    out << "tenant,t_s,interval_s,cpu_cores,mem_bytes\n";
    // A day of 5-minute samples before workload second 86,400: 0.5 cores, 1 GiB.
    for (std::int64_t t = 300; t <= 86'400; t += 300)
      out << "vm1," << t << ",300,0.5," << (1 << 30) << "\n";
    out << "vm2,300,300,,\n";  // nothing sampled: read, reported nowhere
  }
  forecast::TenantForecasts forecasts(16, 300, {"vpa", 0.9}, {"vpa", 0.9});
  EXPECT_EQ(import_history(path, forecasts), 289u);
  // Wall second 1000 is workload second 86,400; a 60 s window is a workload hour.
  Planner planner(forecasts, PlannerConfig{20 * kS, 0, 1, TimeAxis{60, 1000 * kS, 86'400}});
  const std::vector<ListedWindow> windows{
      ListedWindow{100, "cpu", "pool-a", 1030 * kS, 60 * kS, 1015 * kS, 100}};
  const std::vector<Grant> grants{Grant{"vm1", "cpu", "pool-a", 60, 1000, 1'000'000, 0.9}};
  const Plan plan = planner.plan(grants, windows, 1000 * kS);
  ASSERT_EQ(plan.bids.size(), 1u);
  EXPECT_EQ(plan.bids[0].qty, 6) << "VPA: 0.5 cores + 15% = 6 VRU";
  EXPECT_TRUE(planner.plan({}, windows, 1000 * kS).bids.empty());
}

TEST(WorkloadClockTest, ImportedHistoryIsDecidedWindowByWindowAsTheMethodWouldHaveBeen) {
  // Eight days of a day-shaped series with a wobble: the conformal method learns its margin
  // from the windows it decided, so an import that only observed would decide differently.
  common::TempDir dir("swarmex-history");
  const std::string path = dir.str() + "/history.csv";
  const std::int64_t gate_s = 8 * 86'400 - 1800;
  forecast::MethodSpec spec{"conformal", 0};
  auto method = forecast::make_method(spec, forecast::Resource::cpu);
  std::int64_t next_start = 3600;
  {
    std::ofstream out(path);
    out << "tenant,t_s,interval_s,cpu_cores,mem_bytes\n";
    for (std::int64_t t = 300; t < gate_s; t += 300) {
      for (; t >= next_start - 1800; next_start += 3600)
        method->decide(forecast::WindowQuery{next_start - 1800, next_start, 3600, 0});
      const double cores = (t % 86'400 < 43'200 ? 2.0 : 0.5) + static_cast<double>(t % 7) * 0.1;
      method->observe(t, cores);
      out << "vm1," << t << ",300," << cores << ",\n";
    }
  }
  forecast::TenantForecasts forecasts(4, 300, spec, {"vpa", 0});
  import_history(path, forecasts, HistoryWindows{3600, 1800});
  const forecast::WindowQuery next{gate_s, gate_s + 1800, 3600, 0};
  const auto imported = forecasts.decide("vm1", forecast::Resource::cpu, next);
  const forecast::Decision direct = method->decide(next);
  ASSERT_TRUE(imported);
  EXPECT_EQ(imported->units, direct.units);
  EXPECT_DOUBLE_EQ(imported->p90, direct.p90);
  EXPECT_DOUBLE_EQ(imported->hold, direct.hold);
}

TEST(WorkloadClockTest, AMalformedHistoryRowIsRefusedByLine) {
  common::TempDir dir("swarmex-history");
  const std::string path = dir.str() + "/bad.csv";
  std::ofstream(path) << "tenant,t_s,interval_s,cpu_cores,mem_bytes\nvm1,300,300,0.5,1\n"
                         "vm1,600,0,0.5,1\n";
  forecast::TenantForecasts forecasts(16);
  try {
    import_history(path, forecasts);
    FAIL() << "a zero interval was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3:"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "t_s,tenant\n";
  EXPECT_THROW(import_history(path, forecasts), std::runtime_error) << "the header is checked";
}

}  // namespace
}  // namespace swarmex::autopilot
