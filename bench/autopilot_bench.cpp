// How long swarmex-autopilot's planner takes for one gate of 1,000 opted-in tenants (each with
// 8 days of 5-minute cpu samples, the chosen method at its target): the decisions, bids and notices
// of every tenant for one window, against the gate-closure lead they must fit in. A baseline in
// the same run: the same tenants' forecasts decided directly, without the planner.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "swarmex/autopilot/planner.hpp"

namespace {

using namespace swarmex;

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kStep_s = 300;
constexpr std::int64_t kDay_s = 86'400;
constexpr int kTenants = 1000;
constexpr std::int64_t kHistoryDays = 8;  // enough for the conformal method to calibrate

struct Fleet {
  forecast::TenantForecasts forecasts{kTenants + 1, kStep_s};
  std::vector<autopilot::Grant> grants;
  std::vector<autopilot::ListedWindow> windows;

  Fleet() {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> noise(0, 0.5);
    for (int t = 0; t < kTenants; ++t) {
      const std::string name = "tenant-" + std::to_string(t);
      grants.push_back(autopilot::Grant{name, "cpu", "pool-a", 3600, 5000, 1'000'000'000, 0.94});
      for (std::int64_t s = kStep_s; s <= kHistoryDays * kDay_s; s += kStep_s)
        forecasts.report(name, forecast::Resource::cpu, s, 0.2 * (1 + t % 16) * noise(rng),
                         kStep_s);
    }
  }
  // One hourly window starting `hour` hours after the history, gate 15 minutes before it.
  void list_window(std::int64_t hour) {
    const std::int64_t start = kHistoryDays * kDay_s + hour * 3600;
    windows = {autopilot::ListedWindow{100, "cpu", "pool-a", start * kS, 3600 * kS,
                                       (start - 900) * kS, 100}};
  }
};

void plan_one_gate(benchmark::State& state) {
  Fleet fleet;
  std::int64_t hour = 1;
  std::size_t bids = 0;
  for (auto _ : state) {
    fleet.list_window(hour++);
    autopilot::Planner planner(fleet.forecasts, autopilot::PlannerConfig{60 * kS, 0, 1});
    const autopilot::Plan plan =
        planner.plan(fleet.grants, fleet.windows, fleet.windows[0].gate_ns - 30 * kS);
    bids += plan.bids.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["bids_per_gate"] =
      benchmark::Counter(static_cast<double>(bids) / static_cast<double>(state.iterations()));
  state.SetLabel("1000 tenants, one gate");
}
BENCHMARK(plan_one_gate)->Unit(benchmark::kMillisecond);

void decide_only(benchmark::State& state) {
  Fleet fleet;
  std::int64_t hour = 1;
  for (auto _ : state) {
    fleet.list_window(hour++);
    const autopilot::ListedWindow& w = fleet.windows[0];
    const forecast::WindowQuery q{w.gate_ns / kS - 30, w.start_ns / kS, 3600, 0.94};
    std::int64_t units = 0;
    for (const autopilot::Grant& g : fleet.grants)
      units += fleet.forecasts.decide(g.tenant, forecast::Resource::cpu, q)->units;
    benchmark::DoNotOptimize(units);
  }
  state.SetLabel("1000 tenants, one gate, forecasts only (baseline)");
}
BENCHMARK(decide_only)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
