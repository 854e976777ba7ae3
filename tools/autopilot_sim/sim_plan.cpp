#include "sim_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "stack.hpp"
#include "swarmex/forecast/methods.hpp"

namespace swarmex::autopilot_sim {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

}  // namespace

SimPlan make_plan(const SimOptions& o, std::int64_t now_ns, std::int64_t setup_ns) {
  if (o.seconds_per_hour < 4 || 3600 % o.seconds_per_hour != 0)
    throw std::runtime_error("--seconds-per-hour must divide 3600 and be at least 4");
  if (o.hours < 1 || o.vms < 1) throw std::runtime_error("--hours and --vms must be positive");
  if (o.kill_host_at >= o.hours) throw std::runtime_error("--kill-host-at must be a played hour");
  const std::string dir = o.trace_dir + "/";
  const forecast_eval::Trace full = forecast_eval::load_trace(
      dir + "cpu_usage_mhz.csv", dir + "mem_usage_mib.csv", dir + "vms.csv");
  if (full.t_s.empty()) throw std::runtime_error("the trace has no rows");
  SimPlan p;
  p.options = o;
  p.origin_s = full.t_s.front() + kWarmup_s;
  const std::int64_t end_s = p.origin_s + o.hours * 3600;
  if (full.t_s.back() + full.step_s() < end_s)
    throw std::runtime_error(fmt::format("the trace holds {} hours after its 7-day warmup",
                                         (full.t_s.back() + full.step_s() - p.origin_s) / 3600));
  p.trace = forecast_eval::subset(full, o.vms, end_s);
  p.scale = 3600 / o.seconds_per_hour;
  p.gate_s = std::max<std::int64_t>(1, o.seconds_per_hour / 4);
  p.lead_ms = o.seconds_per_hour * 250;
  const std::int64_t window = p.window_ns();
  p.origin_wall_ns = (now_ns + setup_ns + window - 1) / window * window;
  // Offline first: what the method buys each hour sizes the hosts. Each pre-staging host may
  // sell the busiest hour alone, so the demand is still held after one is lost; the cold host,
  // asking less, sells first, a third of a typical hour.
  p.method = forecast::chosen_method(forecast::Resource::cpu);
  p.method.target = forecast::default_target(p.method.name, forecast::Resource::cpu);
  std::vector<forecast_eval::DecisionRecord> decisions;
  p.offline = forecast_eval::replay(
      p.trace, forecast::Resource::cpu, p.method,
      forecast_eval::ReplayOptions{3600, p.offline_lead_s(), kWarmup_s}, &decisions);
  std::vector<double> hourly(static_cast<std::size_t>(o.hours), 0);
  for (const auto& d : decisions) {
    const std::int64_t h = (d.start_s - p.origin_s) / 3600;
    if (h >= 0 && h < o.hours) hourly[static_cast<std::size_t>(h)] += static_cast<double>(d.units);
  }
  p.offline_hourly = hourly;
  std::sort(hourly.begin(), hourly.end());
  const double median = hourly[hourly.size() / 2], busiest = hourly.back();
  const auto warm = static_cast<std::int64_t>(std::ceil(busiest)) + 4;
  p.host_vrus = {warm, warm, static_cast<std::int64_t>(std::ceil(median / 3)) + 2};
  return p;
}

engine::Product SimPlan::product() const {
  engine::Product p;
  p.rules.id = kProduct;
  p.length_ns = window_ns();
  p.listed_ahead_ns = 3 * window_ns();
  p.gate_closure_ns = gate_s * kSecondNs;
  return p;
}

std::int64_t SimPlan::trace_s(std::int64_t wall) const {
  return origin_s + (wall - origin_wall_ns) * scale / kSecondNs;
}

std::int64_t SimPlan::wall_ns(std::int64_t t_s) const {
  return origin_wall_ns + (t_s - origin_s) * kSecondNs / scale;
}

std::int64_t SimPlan::offline_lead_s() const {
  return gate_s * scale + lead_ms * scale / 1000;
}

std::vector<std::string> SimPlan::tenants() const {
  std::vector<std::string> out;
  for (const auto& vm : trace.vms)
    out.push_back(vm.name);
  return out;
}

std::vector<std::string> SimPlan::hosts() const {
  std::vector<std::string> out;
  for (int i = 1; i <= kHosts; ++i)
    out.push_back(fmt::format("sim-h{}", i));
  return out;
}

std::string SimPlan::exchange_toml() const {
  const std::int64_t s = options.seconds_per_hour;
  std::string out = fmt::format(
      "[server]\nlisten = \"127.0.0.1:0\"\nmax_sessions = {}\nhost_grace_ms = {}\n"
      "interruption_notice_s = 0\n\n[engine]\npartitions = 1\n\n[journal]\n"
      "path = \"journal\"\ndurability = \"async\"\n\n[telemetry]\nmax_tenants = {}\n"
      "reports_per_s = 10000\nreports_burst = 10000\n\n"
      "[[instruments]]\nid = 1\nsymbol = \"cpu.sim.spot\"\nresource = \"cpu\"\npool = \"sim\"\n"
      "tick = 100\nband_min = 100\nband_max = 10000000\nlease_s = 3600\n\n"
      "[[products]]\nid = {}\nresource = \"cpu\"\npool = \"sim\"\nlength_s = {}\n"
      "listed_ahead_s = {}\ngate_closure_s = {}\ntick = 100\nband_min = 100\n"
      "band_max = 1000000\n",
      trace.vms.size() + 64, std::min<std::int64_t>(1000, s * 50), trace.vms.size() + 16, kProduct,
      s, product().listed_ahead_ns / kSecondNs, gate_s);
  int id = 1;
  for (const auto& vm : trace.vms)
    out += demo::principal_entry(vm.name, id++, "tenant");
  for (int h = 1; h <= kHosts; ++h)
    out += demo::principal_entry(fmt::format("sim-h{}", h), 100 + h, "host", h);
  return out + demo::principal_entry("autopilot", 950, "agent");
}

std::string SimPlan::host_toml(int host) const {
  // Usage every five trace minutes, as the trace samples it; windows listed in good time.
  return fmt::format(
      "telemetry_interval_ms = {}\nprestage = {}\nprestage_lead_ms = {}\n"
      "window_refresh_ms = 200\n",
      options.seconds_per_hour * 1000 / 60, host < 2 ? "true" : "false",
      options.seconds_per_hour * 1000);
}

std::string SimPlan::supply_toml(int host) const {
  return fmt::format("[[supply]]\nproduct = {}\nresource = \"cpu\"\nreserve_price = {}\n", kProduct,
                     host == kHosts - 1 ? kColdReservePrice : kReservePrice);
}

std::string SimPlan::autopilot_toml(int port, const std::string& history) const {
  return fmt::format(
      "[exchange]\nserver = \"127.0.0.1:{}\"\nprincipal = \"autopilot\"\n"
      "token = \"autopilot-token\"\n\n[autopilot]\nlead_ms = {}\nreview_ms = {}\n"
      "tick_ms = 100\nstep_s = 300\nhistory_csv = \"{}\"\nhistory_window_s = 3600\n"
      "history_lead_s = {}\n\n"
      "[workload_clock]\nscale = {}\norigin_wall_ns = {}\norigin_s = {}\n",
      port, lead_ms, lead_ms / 3, history, offline_lead_s(), scale, origin_wall_ns, origin_s);
}

void SimPlan::write_history(const std::string& path) const {
  std::ofstream out(path);
  out << "tenant,t_s,interval_s,cpu_cores,mem_bytes\n";
  // What the autopilot could have heard by its first decision (the live play starts later).
  const std::int64_t known_until = origin_s - offline_lead_s();
  const std::int64_t step = trace.step_s();
  for (const auto& vm : trace.vms)
    for (std::size_t r = 0; r < trace.t_s.size() && trace.t_s[r] < known_until; ++r) {
      if (!vm.cpu_cores[r] && !vm.mem_bytes[r]) continue;
      out << vm.name << ',' << trace.t_s[r] << ',' << step << ',';
      if (vm.cpu_cores[r]) out << *vm.cpu_cores[r];
      out << ',';
      if (vm.mem_bytes[r]) out << *vm.mem_bytes[r];
      out << '\n';
    }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace swarmex::autopilot_sim
