#include "pool_plan.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "stack.hpp"

namespace swarmex::demo {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kWarmup_s = 7 * 86'400;  // a week of history before the first window
constexpr std::int64_t kMorning_s = 8 * 3600;   // played from 08:00 (the trace starts at 00:00)
constexpr std::int64_t kGateS = 1;              // the product's gate closure before each window
constexpr std::int64_t kLeadMs = 1500;          // the autopilot decides this long before a gate
constexpr double kPeakCores = 1.2;              // the replay's busiest 5 minutes (2-core hosts)

}  // namespace

std::string pool_c_symbol(std::uint32_t instrument) {
  if (instrument == kSpotC) return "cpu.pool-c.spot";
  if (instrument >= kProductC && instrument < kProductC + 100) return "cpu.pool-c windows";
  return {};
}

std::string find_trace_dir(const std::string& option, const std::string& source_dir) {
  std::vector<std::string> candidates;  // one named is the only one looked at
  if (!option.empty())
    candidates.push_back(option);
  else if (const char* env = std::getenv("SWARMEX_TRACE_DIR"))
    candidates.emplace_back(env);
  else
    candidates.push_back(source_dir + "/../shared/traces/bitbrains-rnd");
  for (const std::string& d : candidates)
    if (std::filesystem::exists(d + "/vms.csv") &&
        std::filesystem::exists(d + "/cpu_usage_mhz.csv"))
      return std::filesystem::weakly_canonical(d).string();
  return {};
}

PoolPlan make_pool_plan(const std::string& trace_dir, std::int64_t now_ns, std::int64_t setup_ns) {
  const std::string d = trace_dir + "/";
  const forecast_eval::Trace trace =
      forecast_eval::load_trace(d + "cpu_usage_mhz.csv", d + "mem_usage_mib.csv", d + "vms.csv");
  if (trace.t_s.size() < 2) throw std::runtime_error("the trace has no rows");
  PoolPlan p;
  p.trace_dir = trace_dir;
  p.step_s = trace.step_s();
  p.t0_s = trace.t_s.front();
  p.origin_s = p.t0_s + kWarmup_s + kMorning_s;
  const auto first = static_cast<std::size_t>((p.origin_s - p.t0_s) / p.step_s);
  const auto last = first + static_cast<std::size_t>(kPlayed * 3600 / p.step_s);
  if (last >= trace.t_s.size()) throw std::runtime_error("the trace is shorter than 8 days");
  // A tenant's small fleet: three VMs that ran the whole played stretch. In the Bitbrains Rnd
  // trace, three whose Monday morning winds down from busy to nearly idle (the forecasts trail
  // it); in another trace, the first three busy enough to show.
  auto complete = [&](const forecast_eval::VmSeries& vm, double* mean) {
    double sum = 0;
    for (std::size_t r = first; r <= last; ++r) {
      if (!vm.cpu_cores[r]) return false;
      sum += *vm.cpu_cores[r];
    }
    *mean = sum / static_cast<double>(last - first + 1);
    return true;
  };
  std::vector<const forecast_eval::VmSeries*> picked;
  for (const char* name : {"vm266", "vm96", "vm94"})
    for (const auto& vm : trace.vms)
      if (double mean = 0; vm.name == name && complete(vm, &mean)) picked.push_back(&vm);
  if (picked.size() < 3) picked.clear();
  for (const auto& vm : trace.vms) {
    if (picked.size() == 3) break;
    if (double mean = 0; complete(vm, &mean) && mean >= 0.25) picked.push_back(&vm);
  }
  if (picked.empty()) throw std::runtime_error("no VM of the trace is busy in the played hours");
  std::vector<double> raw(trace.t_s.size(), 0);
  for (std::size_t r = 0; r < raw.size(); ++r)
    for (const auto* vm : picked)
      raw[r] += vm->cpu_cores[r].value_or(0);
  double peak = 0;
  for (std::size_t r = first; r <= last; ++r)
    peak = std::max(peak, raw[r]);
  p.scale = peak > 0 ? kPeakCores / peak : 1;
  for (const auto* vm : picked)
    p.vms.push_back(vm->name);
  p.cores.resize(raw.size());
  std::transform(raw.begin(), raw.end(), p.cores.begin(), [&](double c) { return c * p.scale; });
  const std::int64_t window = p.window_ns();
  p.origin_wall_ns = (now_ns + setup_ns + window - 1) / window * window;
  return p;
}

std::int64_t PoolPlan::trace_s(std::int64_t wall) const {
  return origin_s + (wall - origin_wall_ns) * scale_clock() / kSecondNs;
}

double PoolPlan::demand_at(std::int64_t wall) const {
  if (wall < origin_wall_ns) return 0;
  const std::int64_t r = (trace_s(wall) - t0_s + step_s - 1) / step_s;
  return r < 0 || r >= static_cast<std::int64_t>(cores.size()) ? 0
                                                               : cores[static_cast<std::size_t>(r)];
}

double PoolPlan::window_demand(std::int64_t w) const {
  double sum = 0;
  int n = 0;
  for (std::int64_t t = window_start_ns(w); t < window_start_ns(w + 1); t += window_ns() / 60) {
    sum += demand_at(t);
    ++n;
  }
  return n ? sum / n : 0;
}

std::string PoolPlan::exchange_toml() {
  std::string out = fmt::format(
      "\n# The demo's autopilot pool: a short spot lease and windows of {} s.\n[[instruments]]\n"
      "id = {}\nsymbol = \"cpu.pool-c.spot\"\nresource = \"cpu\"\npool = \"pool-c\"\n"
      "tick = 100\nlot = 1\nmin_qty = 1\nmax_qty = 100000\nband_min = 100\n"
      "band_max = 10000000\nmarket_protection_ticks = 100\nlease_s = {}\n\n"
      "[[products]]\nid = {}\nresource = \"cpu\"\npool = \"pool-c\"\nlength_s = {}\n"
      "listed_ahead_s = {}\ngate_closure_s = {}\ntick = 100\nband_min = 100\n"
      "band_max = 1000000\n",
      kWindowS, kSpotC, kWindowS, kProductC, kWindowS, 3 * kWindowS, kGateS);
  out += principal_entry(kAutoTenant, 40, "tenant");
  out += principal_entry("host-c1", 103, "host", kHostC1);
  out += principal_entry("host-c2", 104, "host", kHostC2);
  return out + principal_entry("host-c3", 105, "host", kHostC3);
}

std::vector<HostSpec> PoolPlan::hosts() {
  // Usage every trace minute; windows listed in good time; pre-staging from a window ahead.
  const std::string common =
      fmt::format("telemetry_interval_ms = {}\nwindow_refresh_ms = 200\nprestage_lead_ms = {}\n",
                  kWindowS * 1000 / 60, kWindowS * 1000);
  auto windows = [](std::int64_t base, int max_qty) {
    return fmt::format(
        "[[supply]]\nproduct = {}\nresource = \"cpu\"\nreserve_price = {}\npricing = "
        "\"pegged\"\nmax_qty = {}\n",
        kProductC, base, max_qty);
  };
  return {
      // The cheaper host pre-stages each window's cgroup; it offers at most 4 VRU a window.
      {"host-c1", "pool-c", "vrus = 10\n", "none", windows(kBaseC1, 4),
       common + "prestage = true\n"},
      // The other makes each window's cgroup when the window starts (a cold start).
      {"host-c2", "pool-c", "vrus = 20\n", "none", windows(kBaseC2, 0),
       common + "prestage = false\n"},
      // Kept in reserve: activated when the pool's demand passes half of the others' capacity.
      {"host-c3", "pool-c", "vrus = 20\n", "none",
       fmt::format("[[supply]]\ninstrument = {}\nresource = \"cpu\"\nreserve_price = {}\n", kSpotC,
                   kStandbyPrice),
       common + "prestage = false\n\n[standby]\nactivate_at = 0.5\ndeactivate_below = 0.05\n"
                "deactivate_after_ms = 600000\non_activate = \"echo powering on\"\n"},
  };
}

std::string PoolPlan::autopilot_toml(int port, const std::string& history) const {
  const std::int64_t lead_trace_s = (kGateS * 1000 + kLeadMs) * scale_clock() / 1000;
  return fmt::format(
      "[exchange]\nserver = \"127.0.0.1:{}\"\nprincipal = \"autopilot\"\n"
      "token = \"autopilot-token\"\n\n[autopilot]\nlead_ms = {}\nreview_ms = {}\n"
      "tick_ms = 100\nstep_s = 300\nhistory_csv = \"{}\"\nhistory_window_s = 3600\n"
      "history_lead_s = {}\n\n"
      "[workload_clock]\nscale = {}\norigin_wall_ns = {}\norigin_s = {}\n",
      port, kLeadMs, kLeadMs / 3, history, lead_trace_s, scale_clock(), origin_wall_ns, origin_s);
}

void PoolPlan::write_history(const std::string& path) const {
  std::ofstream out(path);
  out << "tenant,t_s,interval_s,cpu_cores,mem_bytes\n";
  // What the autopilot could have heard by its first decision.
  const std::int64_t known_until = origin_s - (kGateS * 1000 + kLeadMs) * scale_clock() / 1000;
  for (std::size_t r = 0; r < cores.size(); ++r) {
    const std::int64_t t = t0_s + static_cast<std::int64_t>(r) * step_s;
    if (t >= known_until) break;
    out << kAutoTenant << ',' << t << ',' << step_s << ',' << cores[r] << ",\n";
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace swarmex::demo
