// The demo's autopilot pool (pool-c) laid out: a tenant (tenant-auto) whose workload is a few VMs
// of a real usage trace, replayed a trace hour per delivery window of a few wall seconds; the
// exchange's additions (the pool's spot book and window product, its hosts and the tenant, a
// pricing curve), the three host controllers (pre-staging, cold, standby) and swarmex-autopilot's
// configuration on the workload clock, with the trace's history before the first window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stack.hpp"
#include "trace.hpp"

namespace swarmex::demo {

inline constexpr std::int64_t kWindowS = 6;  // a trace hour plays in one window of this length
inline constexpr std::int64_t kPlayed = 5;   // windows played
inline constexpr std::int64_t kKillAt = 2;   // host-c1 dies during this played window
inline constexpr std::uint32_t kSpotC = 5;   // cpu.pool-c.spot
inline constexpr std::uint32_t kProductC = 3000;
inline constexpr std::uint32_t kHostC1 = 3, kHostC2 = 4, kHostC3 = 5;  // host ids
inline constexpr std::int64_t kMaxUnitPrice = 3000;                    // the tenant's grant
inline constexpr std::int64_t kBaseC1 = 400, kBaseC2 = 500;  // pegged asks' bases (x the curve)
inline constexpr std::int64_t kStandbyPrice = 300;           // host-c3's spot ask once active
inline constexpr const char* kAutoTenant = "tenant-auto";

struct PoolPlan {
  std::string trace_dir;
  std::vector<std::string> vms;     // the trace's VMs played together as tenant-auto's workload
  double scale = 1;                 // cores of the replay per core of the trace
  std::int64_t step_s = 300;        // the trace's sampling interval
  std::int64_t origin_s = 0;        // trace time of the first played window
  std::int64_t origin_wall_ns = 0;  // its wall start (a window boundary)
  std::vector<double> cores;        // tenant-auto's demand, one per trace row (scaled), from t0_s
  std::int64_t t0_s = 0;            // trace time of cores[0]'s row (the row's end)

  [[nodiscard]] std::int64_t window_ns() const { return kWindowS * 1'000'000'000; }
  [[nodiscard]] std::int64_t scale_clock() const { return 3600 / kWindowS; }
  // The trace second at a wall time.
  [[nodiscard]] std::int64_t trace_s(std::int64_t wall_ns) const;
  // tenant-auto's demand in cores at a wall time (0 before the first played window).
  [[nodiscard]] double demand_at(std::int64_t wall_ns) const;
  // Its mean over played window `w` (0-based).
  [[nodiscard]] double window_demand(std::int64_t w) const;
  [[nodiscard]] std::int64_t window_start_ns(std::int64_t w) const {
    return origin_wall_ns + w * window_ns();
  }

  // What swarmexd's configuration gains (appended tables: instruments, products, principals).
  [[nodiscard]] static std::string exchange_toml();
  [[nodiscard]] static std::vector<HostSpec> hosts();
  [[nodiscard]] std::string autopilot_toml(int port, const std::string& history_csv) const;
  // The trace rows before the first decision, in swarmex-autopilot's history format.
  void write_history(const std::string& path) const;
};

// The name of a pool-c book (its spot instrument, or a window of its product); "" for others.
std::string pool_c_symbol(std::uint32_t instrument);

// Where the trace is: --trace-dir, else SWARMEX_TRACE_DIR, else ../shared/traces/bitbrains-rnd
// beside the checkout (only the first of them given is looked at). "" when no trace is there.
std::string find_trace_dir(const std::string& option, const std::string& source_dir);

// Loads the trace and picks the VMs; the first played window starts `setup_ns` from `now_ns` or
// later. Throws std::runtime_error when the trace cannot be read.
PoolPlan make_pool_plan(const std::string& trace_dir, std::int64_t now_ns, std::int64_t setup_ns);

}  // namespace swarmex::demo
