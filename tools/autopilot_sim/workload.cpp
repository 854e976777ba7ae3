#include "workload.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "swarmex/forecast/units.hpp"

namespace swarmex::autopilot_sim {

namespace {

// Written whole and renamed into place: the controller never reads half a file.
void put(const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) return;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
}

}  // namespace

std::int64_t row_at(const forecast_eval::Trace& trace, std::int64_t t_s) {
  if (trace.t_s.empty()) return -1;
  const std::int64_t step = trace.step_s();
  const std::int64_t r = (t_s - trace.t_s.front() + step - 1) / step;
  return r < 0 || r >= static_cast<std::int64_t>(trace.t_s.size()) ? -1 : r;
}

Workload::Workload(const SimPlan& plan, std::vector<hostctl::CgroupLayout> layouts)
    : plan_(plan), layouts_(std::move(layouts)) {}

void Workload::tick(const Ledger& ledger, std::int64_t now_ns) {
  const std::int64_t dt_ns = last_ns_ == 0 ? 0 : now_ns - last_ns_;
  last_ns_ = now_ns;
  const std::int64_t r = row_at(plan_.trace, plan_.trace_s(now_ns));
  if (r < 0 || now_ns < plan_.origin_wall_ns) return;
  const std::int64_t window = now_ns / plan_.window_ns();
  const double per_unit = forecast::natural_per_unit(forecast::Resource::cpu);
  for (std::size_t vm = 0; vm < plan_.trace.vms.size(); ++vm) {
    const auto& series = plan_.trace.vms[vm];
    const auto held = ledger.held(vm, window, now_ns);
    std::int64_t total = 0;
    for (const auto& [host, units] : held)
      total += units;
    if (total == 0) continue;  // nothing held: no cgroup runs the work
    const double cores = series.cpu_cores[static_cast<std::size_t>(r)].value_or(0);
    for (const auto& [host, units] : held) {
      if (host == 0 || host > layouts_.size()) continue;
      const auto dir = hostctl::tenant_dir(layouts_[host - 1], "cpu", series.name);
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec)) continue;  // not enacted (yet)
      const double share = static_cast<double>(units) / static_cast<double>(total);
      // Demand, or (capped) what the quota lets through; never past what swarmexd takes as
      // plausible (64 x what the host enforces).
      const double held_cores = static_cast<double>(units) * per_unit;
      const double used = std::min(cores * share, (plan_.options.capped ? 1 : 60) * held_cores);
      double& usec = used_usec_[{vm, host}];
      usec += used * static_cast<double>(dt_ns) / 1e3;
      put(dir / "cpu.stat", "usage_usec " + std::to_string(static_cast<std::int64_t>(usec)) +
                                "\nuser_usec 0\nsystem_usec 0\n");
    }
  }
}

}  // namespace swarmex::autopilot_sim
