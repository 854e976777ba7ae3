// The main job of Swarmex on localhost, step by step: the exchange and two host controllers come
// up, tenants trade over the real protocol, one tenant's CPU-bound workload runs in the cgroup its
// purchases paid for, buys more mid-way, and its measured CPU share follows. Prints a timeline as
// it goes; what it measured is left in Results for the summary and the checks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "book_view.hpp"
#include "stack.hpp"
#include "swarmex/common/latency_histogram.hpp"
#include "tenant.hpp"

namespace swarmex::demo {

struct Options {
  double duration_s = 6;    // the workload phase (two halves: before and after the extra purchase)
  int tenants = 3;          // tenant-a... (3 to 26)
  double rate_per_s = 200;  // background orders per second during the workload phase
  std::uint64_t seed = 1;
  bool dry_run = false;    // never touch the kernel's cgroups
  std::string bin_dir;     // where swarmexd and swarmex-hostctl are
  std::string config;      // the exchange's configuration (etc/swarmex.toml)
  std::string trace_dir;   // the usage trace of the autopilot scene ("": looked for)
  std::string screenshot;  // a PNG of the dashboard taken mid-run ("": none)
};

struct InstrumentName {
  std::uint32_t id = 0;
  std::string symbol;
};

struct Enactment {
  std::string what;
  double fill_to_cgroup_ms = -1;  // fill report → the tenant's cgroup file holds the new quota
};

struct SwarmResult {
  bool ran = false;     // the configuration has the inference-small template
  bool atomic = false;  // every leg in full, from one host, in one engine step
  std::string detail;
  bool unfillable_clean = false;  // the too-cheap swarm was cancelled and traded nothing
  std::string unfillable_detail;
};

struct BlockResult {
  bool ran = false;      // the configuration has an hourly cpu product in pool-b
  bool atomic = false;   // one unit in each of three windows, one host, one engine step
  bool pending = false;  // host-b1's controller holds them, dated by their windows, not started
  std::string detail;
  std::string pending_detail;
  std::int64_t first_window = 0;  // the block's first window (reservation changes use them)
};

struct ChangeResult {
  bool ran = false;     // the block order ran and filled
  bool bought = false;  // +1 VRU in the first two windows, all in one engine step
  bool sold = false;    // -1 VRU in the third window resold to tenant-c
  bool moved = false;   // host-b1's controller moved that VRU from tenant-b to tenant-c
  std::string bought_detail;
  std::string sold_detail;
  std::string moved_detail;
};

struct Results {
  std::vector<InstrumentName> instruments;
  std::map<std::string, std::vector<FillRecord>> fills;  // per tenant
  common::LatencyHistogram acks;                         // every order's send → first report
  std::vector<Enactment> enactments;
  double share_before = -1;  // tenant-a's measured CPU with 5 VRU (-1: not measured)
  double share_after = -1;   // ... with 10 VRU
  double quota_before = -1;
  double quota_after = -1;
  // Share of the cgroup's CFS periods in which it was throttled (the quota bound it), with 5 and
  // with 10 VRU (-1: not measured). A busy machine can keep the workload under both quotas; then
  // the larger quota shows as periods no longer throttled.
  double throttled_before = -1;
  double throttled_after = -1;
  int share_retries = 0;  // "after" windows measured again for want of evidence

  // The larger quota let more through: the share grew by a quarter CPU, or the quota stopped
  // binding (half as many periods throttled at most).
  [[nodiscard]] bool share_grew() const {
    return share_after > share_before + 0.25 || (throttled_before > 0.2 && throttled_after >= 0 &&
                                                 throttled_after <= throttled_before * 0.5);
  }
  // Neither quota bound the workload: the machine gave it less than either (too busy to tell).
  [[nodiscard]] bool share_inconclusive() const {
    return !share_grew() && throttled_before >= 0 && throttled_before <= 0.2;
  }
  std::int64_t background_orders = 0;
  SwarmResult swarm;
  BlockResult block;
  ChangeResult change;
  bool allocations_match_fills = false;
  std::string allocation_mismatch;
};

class Scenario {
 public:
  Scenario(const Options& options, Stack& stack);
  void run();  // throws Interrupted on Ctrl-C, std::runtime_error when a step fails
  // Copies what the tenants were told into results() (run() does; after a failure, call it).
  void collect();
  [[nodiscard]] Results& results() noexcept { return results_; }
  [[nodiscard]] const BookView* book() const noexcept { return book_.get(); }
  [[nodiscard]] Tenant& tenant(std::size_t i) { return *tenants_.at(i); }
  [[nodiscard]] Clock::time_point started_at() const noexcept { return started_at_; }
  void keep_alive();  // reads every session and sends heartbeats where they are due

 private:
  void start();
  void market();
  void swarm_orders();        // a template bought all-or-none, and one that cannot fill
  void block_order();         // consecutive delivery windows bought all-or-none
  void reservation_change();  // +1 in two of the block's windows, -1 resold (reservation.cpp)
  void workload();
  void settle();
  // Background orders from every tenant but tenant-a until `seconds` have passed, with a live
  // line each second; returns tenant-a's CPU share measured over the same time.
  double trade_and_measure(double seconds);
  // Waits until tenant-a's cgroup on host-a1 holds `cpus`; the milliseconds since `from`.
  double wait_for_quota(double cpus, Clock::time_point from);
  void say(const std::string& line) const;
  [[nodiscard]] std::string top(std::uint32_t instrument) const;
  [[nodiscard]] std::string symbol_of(std::uint32_t instrument) const;

  Options options_;
  Stack& stack_;
  Clock::time_point started_at_ = Clock::now();
  std::vector<std::unique_ptr<Tenant>> tenants_;
  std::unique_ptr<BookView> book_;
  Results results_;
  std::uint64_t rng_;
};

}  // namespace swarmex::demo
