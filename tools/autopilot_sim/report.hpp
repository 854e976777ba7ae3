// The figures of a simulated run: what the market bought and how it covered the trace's use,
// beside what swarmex-forecast-eval gives offline for the same VMs, hours, method and lead; the
// self-heal times; and the hosts' window start -> enforced latencies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "sim_plan.hpp"

namespace swarmex::autopilot_sim {

struct Percentiles {
  double p50 = 0;
  double tail = 0;  // p99 or max, as the key says
};

struct SimReport {
  std::size_t tenants = 0;
  std::int64_t windows = 0;  // (tenant, hour) pairs scored
  double unit_hours_bought = 0;
  double shortfall = 0;
  double slack = 0;
  double offline_shortfall = 0;
  double offline_unit_hours = 0;
  double capacity_sold_fraction = 0;
  std::int64_t spend = 0;
  std::optional<Percentiles> self_heal_ms;  // p50, max
  std::size_t unhealed = 0;
  std::size_t host_lost_notices = 0;
  std::size_t healed = 0;                         // windows bought again elsewhere
  std::vector<double> hourly;                     // VRUs held at each hour's start
  std::optional<Percentiles> prestaged_start_us;  // p50, p99
  std::optional<Percentiles> cold_start_us;
};

// Scores the played hours from what the tenants held (ledger) against the trace.
SimReport score(const SimPlan& plan, const Ledger& ledger);
// Reads "window start->enforced: N pre-staged p50 X us, p99 Y us, ...; M cold p50 ..." from a
// host controller's last summary line into the report (a side with no window is left empty).
void read_start_latencies(const std::string& summary, bool prestaged, SimReport& report);

std::string to_json(const SimReport& r);
std::string to_text(const SimReport& r, const SimPlan& plan);

}  // namespace swarmex::autopilot_sim
