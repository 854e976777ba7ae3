// The trace replay: no method sees the future (cutting the trace after T changes no decision
// made before T), and the figures are the ones counted by hand on a small trace.
#include "replay.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>

#include "report.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "trace.hpp"

namespace swarmex::forecast_eval {
namespace {

using forecast::Resource;
constexpr int64_t kStep_s = 300;
constexpr int64_t kDay_s = 86400;

Trace synthetic(uint64_t seed, size_t vms, int days) {
  std::mt19937_64 rng(seed);
  Trace trace;
  const int64_t t0 = 1375653600;
  for (int64_t t = t0; t < t0 + days * kDay_s; t += kStep_s)
    trace.t_s.push_back(t);
  for (size_t v = 0; v < vms; ++v) {
    VmSeries vm{"vm" + std::to_string(v + 1), {}, {}};
    const double scale = 0.2 + static_cast<double>(v % 5);
    for (int64_t t : trace.t_s) {
      const bool day = (t - t0) % kDay_s > 8 * 3600;
      std::lognormal_distribution<double> noise(0, 0.4);
      const double cpu = scale * (day ? 2 : 1) * noise(rng);
      if (rng() % 50 == 0) {
        vm.cpu_cores.emplace_back();  // missing samples, as in the real trace
        vm.mem_bytes.emplace_back();
      } else {
        vm.cpu_cores.emplace_back(cpu);
        vm.mem_bytes.emplace_back(cpu * 1e9);
      }
    }
    trace.vms.push_back(std::move(vm));
  }
  return trace;
}

void expect_no_peeking(const Trace& trace, const std::string& label) {
  const ReplayOptions options{3600, 900, 2 * kDay_s};
  const int64_t cut_s = trace.t_s.front() + 5 * kDay_s + 7 * 3600 + 1200;
  const Trace before = subset(trace, 0, cut_s);
  for (auto name : forecast::method_names()) {
    for (Resource resource : {Resource::cpu, Resource::mem}) {
      std::vector<DecisionRecord> full, cut;
      replay(trace, resource, {std::string(name), 0}, options, &full);
      replay(before, resource, {std::string(name), 0}, options, &cut);
      size_t compared = 0;
      for (const auto& d : full) {
        if (d.start_s - options.lead_s >= cut_s) continue;  // decided after the cut
        // The cut trace scores only windows it holds whole, so match by VM and start.
        for (const auto& c : cut) {
          if (c.vm != d.vm || c.start_s != d.start_s) continue;
          ASSERT_EQ(c.units, d.units)
              << label << " " << name << " vm " << d.vm << " at " << d.start_s;
          ASSERT_EQ(c.p90, d.p90) << label << " " << name;
          ++compared;
        }
      }
      EXPECT_GT(compared, 40u) << label << " " << name;
    }
  }
}

TEST(ReplayTest, CuttingTheTraceChangesNoEarlierDecision) {
  const uint64_t seed = std::random_device{}();
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  expect_no_peeking(synthetic(seed, 6, 8), "synthetic");
}

// The Bitbrains trace beside the checkout (or SWARMEX_TRACE_DIR), when there is one.
std::optional<Trace> real_trace() {
  const char* root = std::getenv("SWARMEX_TRACE_DIR");
  const std::string d =
      root ? root : std::string(SWARMEX_SOURCE_DIR) + "/../shared/traces/bitbrains-rnd";
  if (!std::filesystem::exists(d + "/vms.csv")) return std::nullopt;
  return load_trace(d + "/cpu_usage_mhz.csv", d + "/mem_usage_mib.csv", d + "/vms.csv");
}

TEST(ReplayTest, CuttingTheRealTraceChangesNoEarlierDecision) {
  const auto trace = real_trace();
  if (!trace) GTEST_SKIP() << "no Bitbrains trace beside the checkout";
  expect_no_peeking(subset(*trace, 25), "bitbrains");
}

TEST(ReplayTest, TheAutopilotsMethodsAreTheOnesTheTraceChooses) {
  const auto trace = real_trace();
  if (!trace) GTEST_SKIP() << "no Bitbrains trace beside the checkout";
  for (Resource resource : {Resource::cpu, Resource::mem}) {
    std::vector<MethodResult> results;
    for (auto name : forecast::method_names()) {
      const double target = forecast::default_target(name, resource);
      const std::string n(name);
      results.push_back({n, resource, target, replay(*trace, resource, {n, target}, {})});
    }
    EXPECT_EQ(choose(results, resource), forecast::chosen_method(resource).name)
        << forecast::resource_name(resource);
  }
}

TEST(ReplayTest, FiguresMatchAHandCount) {
  // One VM at a steady 0.25 core for two days, then 0.55 core for one sample of every window.
  Trace trace;
  trace.vms.push_back({"vm1", {}, {}});
  const int64_t t0 = 0;
  for (int64_t t = t0; t < t0 + 3 * kDay_s; t += kStep_s) {
    trace.t_s.push_back(t);
    const bool spike = t >= 2 * kDay_s && t % 3600 == 1800;
    trace.vms[0].cpu_cores.emplace_back(spike ? 0.55 : 0.25);
    trace.vms[0].mem_bytes.emplace_back(1e8);
  }
  // Seasonal naive at scale 1 holds yesterday's peak: 0.25 core = 3 VRU (0.25 rounds up).
  const Score s = replay(trace, Resource::cpu, {"seasonal", 1.0}, {3600, 900, 2 * kDay_s});
  EXPECT_EQ(s.windows, 24);
  EXPECT_EQ(s.samples, 24 * 12);
  EXPECT_EQ(s.short_samples, 24);  // the one 0.55-core sample of each window
  EXPECT_DOUBLE_EQ(s.unit_hours, 24 * 3);
  EXPECT_NEAR(s.shortfall(), 1.0 / 12, 1e-12);
  // Used: 11 samples x 2.5 VRU + 1 x 3 (capped) of 3 held, per window.
  EXPECT_NEAR(s.slack(), 1 - (11 * 2.5 + 3) / 36.0, 1e-12);
  EXPECT_NEAR(s.mean_pinball90(), 0.9 * (5.5 - 2.5), 1e-9);  // p90 2.5 VRU, peak 5.5
  EXPECT_NEAR(s.mase(), 1.0, 1e-12);                         // seasonal against itself
}

TEST(ReplayTest, ChoosesTheCheapestAtNoMoreShortfallThanVpa) {
  auto result = [](const char* name, Resource r, double hours, int64_t short_samples) {
    MethodResult m{name, r, 0, {}};
    m.score.unit_hours = hours;
    m.score.samples = 1000;
    m.score.short_samples = short_samples;
    return m;
  };
  std::vector<MethodResult> methods{
      result("vpa", Resource::cpu, 100, 10), result("seasonal", Resource::cpu, 60, 30),
      result("conformal", Resource::cpu, 80, 10), result("vpa", Resource::mem, 100, 1),
      result("conformal", Resource::mem, 70, 2)};
  EXPECT_EQ(choose(methods, Resource::cpu), "conformal");
  EXPECT_EQ(choose(methods, Resource::mem), "vpa");  // cheaper, but short more often
}

TEST(TraceTest, LoadsEmptyCellsAndAVmWithoutCapacity) {
  common::TempDir dir("swarmex-trace");
  std::ofstream(dir.path() / "cpu.csv") << "timestamp_s,vm1,vm2\n0,2926,\n300,,\n600,1463,\n";
  std::ofstream(dir.path() / "mem.csv") << "timestamp_s,vm1,vm2\n0,512,\n300,256,\n600,,\n";
  std::ofstream(dir.path() / "vms.csv")
      << "vm_id,column,cpu_cores,cpu_capacity_mhz,mem_capacity_mib\n1,vm1,2,5852.0,1024\n"
         "2,vm2,,,\n";
  const Trace t = load_trace((dir.path() / "cpu.csv").string(), (dir.path() / "mem.csv").string(),
                             (dir.path() / "vms.csv").string());
  ASSERT_EQ(t.vms.size(), 2u);
  EXPECT_DOUBLE_EQ(*t.vms[0].cpu_cores[0], 1.0);  // 2926 MHz on 2926 MHz cores
  EXPECT_FALSE(t.vms[0].cpu_cores[1].has_value());
  EXPECT_DOUBLE_EQ(*t.vms[0].mem_bytes[1], 256.0 * 1024 * 1024);
  EXPECT_FALSE(t.vms[1].cpu_cores[0].has_value());
  std::ofstream(dir.path() / "bad.csv") << "timestamp_s,vm1,vm2\n0,abc,\n";
  EXPECT_THROW(load_trace((dir.path() / "bad.csv").string(), (dir.path() / "mem.csv").string(),
                          (dir.path() / "vms.csv").string()),
               std::runtime_error);
}

}  // namespace
}  // namespace swarmex::forecast_eval
