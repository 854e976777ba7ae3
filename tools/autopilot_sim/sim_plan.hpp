// What tools/autopilot-sim plays and how it maps onto the wall clock: the trace's VMs as opted-in
// tenants, a trace hour as a delivery window of `seconds_per_hour` wall seconds, and the
// configurations of swarmexd, the host controllers and swarmex-autopilot that follow from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "replay.hpp"
#include "swarmex/engine/calendar.hpp"
#include "swarmex/forecast/methods.hpp"
#include "trace.hpp"

namespace swarmex::autopilot_sim {

struct SimOptions {
  std::string trace_dir;
  std::size_t vms = 20;
  std::int64_t hours = 6;
  std::int64_t seconds_per_hour = 20;
  std::int64_t kill_host_at = -1;  // trace hour (from the first played) or -1: no host killed
  // Use above what a tenant holds is cut at its quota (what cgroups report), instead of the
  // trace's demand (what a controller reporting throttling would let the forecasts see).
  bool capped = false;
  std::string bin_dir;
};

inline constexpr std::int64_t kWarmup_s = 7 * 86'400;  // as swarmex-forecast-eval's default
inline constexpr std::uint32_t kProduct = 100;
inline constexpr std::int64_t kReservePrice = 500;      // the pre-staging hosts' asks
inline constexpr std::int64_t kColdReservePrice = 400;  // sim-h3's: it sells first
inline constexpr std::int64_t kMaxUnitPrice = 1000;
inline constexpr int kHosts = 3;  // sim-h1, sim-h2 pre-stage; sim-h3 starts windows cold

struct SimPlan {
  SimOptions options;
  forecast_eval::Trace trace;           // the VMs played, rows up to the last played hour
  std::int64_t scale = 0;               // trace seconds per wall second
  std::int64_t gate_s = 0;              // the product's gate closure before each window (wall)
  std::int64_t lead_ms = 0;             // the autopilot decides this long before the gate (wall)
  std::int64_t origin_s = 0;            // trace time of the first played hour
  std::int64_t origin_wall_ns = 0;      // its wall time (a window start)
  std::vector<std::int64_t> host_vrus;  // each host's capacity
  // The autopilot's cpu method at its default target: the tenants' grants and the replay's.
  forecast::MethodSpec method;
  // swarmex-forecast-eval's replay of the same VMs, hours, method, target and lead.
  forecast_eval::Score offline;
  std::vector<double> offline_hourly;  // its VRUs, hour by hour

  [[nodiscard]] std::int64_t window_ns() const { return options.seconds_per_hour * 1'000'000'000; }
  [[nodiscard]] std::int64_t first_window() const { return origin_wall_ns / window_ns(); }
  // The windows swarmexd lists (exchange_toml): a window a trace hour, listed 3 ahead.
  [[nodiscard]] engine::Product product() const;
  // The trace second at a wall time, and back.
  [[nodiscard]] std::int64_t trace_s(std::int64_t wall_ns) const;
  [[nodiscard]] std::int64_t wall_ns(std::int64_t trace_s) const;
  // Decision to window start, in trace seconds: the lead the offline replay is given.
  [[nodiscard]] std::int64_t offline_lead_s() const;
  [[nodiscard]] std::vector<std::string> tenants() const;
  [[nodiscard]] std::vector<std::string> hosts() const;

  [[nodiscard]] std::string exchange_toml() const;
  [[nodiscard]] std::string host_toml(int host) const;  // the [host] keys of host i (0-based)
  [[nodiscard]] std::string supply_toml(int host) const;
  [[nodiscard]] std::string autopilot_toml(int port, const std::string& history) const;
  // The trace's rows the autopilot may know at its first decision, in history_import's format.
  void write_history(const std::string& path) const;
};

// Loads the trace and lays the plan out, the first window starting `setup_ns` from `now_ns` or
// later; throws std::runtime_error on a trace too short or options out of range.
SimPlan make_plan(const SimOptions& options, std::int64_t now_ns, std::int64_t setup_ns);

}  // namespace swarmex::autopilot_sim
