// The VMs' work, replayed from the trace into the host controllers' dry-run cgroups: each tick,
// a tenant's cpu.stat advances by the cores the trace says it used, split across the hosts that
// hold its current window in proportion to what each holds. By default that is the demand, as a
// controller that also reports throttling would let the forecasts see it; with --capped it is cut
// at what each host enforces (a quota never lets more through, so the forecasts see censored
// use). cpu only: the autopilot buys VRUs here. The controllers sample these files as they would
// the kernel's and report them to swarmexd.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "sim_plan.hpp"
#include "swarmex/hostctl/cgroup_layout.hpp"

namespace swarmex::autopilot_sim {

class Workload {
 public:
  // `layouts[h]`: where host id h + 1 keeps its tenants' cgroups.
  Workload(const SimPlan& plan, std::vector<hostctl::CgroupLayout> layouts);
  // Plays the usage from the last tick to `now_ns` (wall).
  void tick(const Ledger& ledger, std::int64_t now_ns);

 private:
  const SimPlan& plan_;
  std::vector<hostctl::CgroupLayout> layouts_;
  std::map<std::pair<std::size_t, std::uint32_t>, double> used_usec_;  // (vm, host) cumulative
  std::int64_t last_ns_ = 0;
};

// The trace row whose 5-minute interval holds trace second `t_s` (rows are stamped at the end of
// their interval), or -1 outside the trace.
std::int64_t row_at(const forecast_eval::Trace& trace, std::int64_t t_s);

}  // namespace swarmex::autopilot_sim
