// How long the forecasting methods take to decide one gate for 1,000 tenants, each with 8 days of
// 5-minute samples: the autopilot's per-gate work, against the gate-closure lead it must fit in.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "swarmex/forecast/methods.hpp"

namespace {

using namespace swarmex::forecast;

constexpr int64_t kStep_s = 300;
constexpr int64_t kHour_s = 3600;
constexpr int64_t kHistory_s = 8 * 24 * kHour_s;
constexpr int kTenants = 1000;

struct Fleet {
  std::vector<std::unique_ptr<Method>> methods;
  std::mt19937_64 rng{42};
  int64_t now_s = 0;

  double sample(size_t tenant) {
    std::lognormal_distribution<double> noise(0, 0.5);
    const bool day = now_s % (24 * kHour_s) > 8 * kHour_s;
    return 0.2 * static_cast<double>(1 + tenant % 16) * (day ? 2 : 1) * noise(rng);
  }

  Fleet(const std::string& name, Resource resource) {
    for (int i = 0; i < kTenants; ++i)
      methods.push_back(make_method({name, 0}, resource));
    // Fill the history, deciding each hour so that the methods calibrate as they would live.
    for (now_s = 0; now_s < kHistory_s; now_s += kStep_s)
      gate_step();
  }

  // One 5-minute step: every tenant reports; on the hour's gate, every tenant is decided.
  int64_t gate_step() {
    int64_t units = 0;
    const bool gate = now_s % kHour_s == kHour_s - 900;
    for (size_t t = 0; t < methods.size(); ++t) {
      if (gate) units += methods[t]->decide({now_s, now_s + 900, kHour_s}).units;
      methods[t]->observe(now_s, sample(t));
    }
    return units;
  }
};

void decide_all(benchmark::State& state, const std::string& name) {
  const Resource resource = state.range(0) == 0 ? Resource::cpu : Resource::mem;
  Fleet fleet(name, resource);
  for (auto _ : state) {
    // Twelve steps: eleven of samples only and one gate for all 1,000 tenants.
    for (int i = 0; i < 12; ++i, fleet.now_s += kStep_s) {
      benchmark::DoNotOptimize(fleet.gate_step());
    }
  }
  state.SetLabel(std::string(resource_name(resource)) + ", 1000 tenants, one hour");
}

void BM_Vpa(benchmark::State& s) {
  decide_all(s, "vpa");
}
void BM_Seasonal(benchmark::State& s) {
  decide_all(s, "seasonal");
}
void BM_Conformal(benchmark::State& s) {
  decide_all(s, "conformal");
}
BENCHMARK(BM_Vpa)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Seasonal)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Conformal)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
