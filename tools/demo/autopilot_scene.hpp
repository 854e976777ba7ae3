// Why a tenant and an operator choose Swarmex, on pool-c: tenant-auto opts into the autopilot and
// its workload (a few VMs of a real usage trace, replayed as real CPU work) runs in the cgroups
// the autopilot bought ahead of each window; the hosts' pegged asks reprice as the pool fills, a
// standby host is activated when demand passes its threshold, an incentive is announced when the
// pool empties, and one host controller is killed (SIGKILL) and its part bought again elsewhere.
// Everything the checks use comes from what the processes did: the tenant's execution reports,
// the exchange's catalog and notices, the host controllers' logs and the cgroups' counters.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pool_plan.hpp"
#include "stack.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/engine/calendar.hpp"
#include "tenant.hpp"

namespace swarmex::demo {

struct WindowRow {
  std::int64_t index = 0;                      // played window, from 0
  double p50 = -1, p90 = -1, hold = -1;        // the autopilot's last forecast before it (cores)
  std::int64_t units = 0;                      // what that forecast said to hold (VRU)
  std::map<std::uint32_t, std::int64_t> held;  // by host at the window's start (VRU)
  std::int64_t first_buy_ns = 0;               // the first fill for it (exchange time)
  std::int64_t start_ns = 0;
  double avg_price = 0;
  double demand = 0;  // the trace's mean over the window (cores)
  double used = -1;   // the cgroups' counters over the window (cores)
  double quota = -1;  // mean of what the hosts enforced over it (cores)
};

struct PoolSnapshot {
  std::uint32_t utilisation_ppm = 0;  // sold now / declared
  bool standby_active = false;
};

// One window's book as the catalog showed it while it traded: its lowest ask (host-c1's pegged
// ask, the cheaper base) before anything of it was sold, and once the most of it was.
struct WindowAsks {
  std::int64_t unsold_ask = 0;
  std::int64_t sold = 0;
  std::int64_t declared = 0;
  std::int64_t sold_ask = 0;
};

struct Check {
  bool ran = false;
  bool ok = false;
  std::string detail;
};

struct AutopilotResults {
  std::string skipped;  // why the scene did not run ("" when it did)
  std::vector<std::string> vms;
  double scale = 0;
  std::vector<WindowRow> rows;
  std::vector<PoolSnapshot> pool;
  std::map<std::int64_t, WindowAsks> asks;  // by window start, while host-c1 lived
  std::vector<FillRecord> fills;            // tenant-auto's (the autopilot's orders for it)
  double heal_ms = -1;  // HostLost.lost_at_ns -> the window's fill on another host
  Check bought_ahead, share_followed, pegged, standby, incentive, prestaged, healed;
};

class AutopilotScene {
 public:
  // `bidder` (tenant-b) brings the spot demand that activates the standby host; `keep_alive`
  // keeps the other sessions of the demo alive while the scene runs.
  // `began`: the demo's start, for the timeline.
  AutopilotScene(Stack& stack, std::string trace_dir, std::string self_exe, Tenant& bidder,
                 std::function<void()> keep_alive, std::string screenshot,
                 std::chrono::steady_clock::time_point began);
  void run();  // throws Interrupted on Ctrl-C, std::runtime_error when a step fails
  [[nodiscard]] AutopilotResults& results() noexcept { return r_; }

 private:
  void setup();
  void play();
  void conclude();
  void poll();  // reads tenant-auto's and the operator's sessions
  void on_report(const wire::ExecutionReport& r);
  void snapshot_pool(const wire::Catalog& c);
  void close_window(std::int64_t w, double used_core_s, double quota_sum, int quota_n);
  [[nodiscard]] std::map<std::uint32_t, std::int64_t> held(std::int64_t start_ns,
                                                           std::int64_t at_ns) const;
  void say(const std::string& line) const;
  void screenshot();

  Stack& stack_;
  std::string trace_dir_;
  std::string self_exe_;
  Tenant& bidder_;
  std::function<void()> keep_alive_;
  std::string screenshot_file_;
  PoolPlan plan_;
  engine::Product product_;
  client::Client tenant_;    // tenant-auto: it opted in, then only listens
  client::Client operator_;  // the pool's curve, its catalog, its market data
  std::chrono::steady_clock::time_point began_;
  std::chrono::steady_clock::time_point last_heartbeat_ = std::chrono::steady_clock::now();
  // window start -> host -> units held (buys less resales); a lost host's part ends at its loss
  std::map<std::int64_t, std::map<std::uint32_t, std::int64_t>> holds_;
  std::map<std::int64_t, std::int64_t> first_buy_ns_;
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> paid_;  // value, qty
  std::map<std::int64_t, WindowRow> forecasts_;  // the last Forecast notice per window start
  bool c1_killed_ = false;
  std::uint32_t lost_host_ = 0;
  std::int64_t lost_at_ns_ = 0;
  std::int64_t healed_qty_ = 0;
  std::vector<std::pair<bool, std::uint32_t>> incentives_;  // active, utilisation_ppm
  bool busy_seen_ = false;  // the catalog showed pool-c at or above the incentive's target
  bool announced_after_busy_ = false;
  std::int64_t played_end_ns_ = INT64_MAX;  // the last played window's end
  std::int64_t bidder_fill_host_ = 0;
  std::uint64_t next_request_ = 1;
  AutopilotResults r_;
};

}  // namespace swarmex::demo
