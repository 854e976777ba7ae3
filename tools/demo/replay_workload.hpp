// tenant-auto's workload: the trace's demand played as real CPU work in the tenant's cgroups.
// On real cgroups one burner process per host runs in the tenant's cgroup there (started through
// `swarmex-hostctl run`, once the host has made the cgroup) and burns its share of the demand,
// split across the hosts in proportion to what each holds; the kernel holds it to the quota
// bought, and the host controllers report its cpu counters as telemetry. In a dry run the
// counters are files: each host's share, cut at what it enforces, is added to cpu.stat as a quota
// would let it through.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "pool_plan.hpp"
#include "stack.hpp"

namespace swarmex::demo {

class ReplayWorkload {
 public:
  ReplayWorkload(Stack& stack, const PoolPlan& plan, std::vector<std::string> hosts,
                 std::string self_exe);
  ~ReplayWorkload();
  ReplayWorkload(const ReplayWorkload&) = delete;
  ReplayWorkload& operator=(const ReplayWorkload&) = delete;

  // Plays the demand at `now_ns` (wall): `held` is what the tenant holds now, by host name.
  void tick(std::int64_t now_ns, const std::map<std::string, std::int64_t>& held);
  // The host is gone: its burner stops, and it no longer counts.
  void drop_host(const std::string& host);
  // CPU the tenant used on every host so far, in core-seconds (the cgroups' counters).
  [[nodiscard]] double used_core_s();
  // What the hosts enforce now for the tenant, in cores (the cgroups' quota files).
  [[nodiscard]] double quota_cores() const;

 private:
  struct PerHost {
    tools::ChildProcess* burner = nullptr;
    std::string target_file;  // the burner reads its share (cores) here
    double used_ns = 0;       // the counter so far, across re-made cgroups
    std::int64_t last_counter = 0;
    double dry_usec = 0;  // dry run: what cpu.stat holds
    bool dropped = false;
  };
  void play_real(const std::string& host, PerHost& h, double cores);
  void play_dry(const std::string& host, PerHost& h, double cores, std::int64_t dt_ns);

  Stack& stack_;
  const PoolPlan& plan_;
  std::string self_exe_;
  std::map<std::string, PerHost> hosts_;
  std::int64_t last_ns_ = 0;
};

// `swarmex-demo --burn FILE`: burns the cores written in FILE (re-read every 50 ms, up to 2 cores
// on two threads) until FILE is removed or the parent goes.
int run_burner(const std::string& file);

}  // namespace swarmex::demo
