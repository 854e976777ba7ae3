// swarmex-hostctl's main loop: logs on as the host, keeps its asks in step with free capacity,
// takes its fills from the last enacted sequence, saves them, enacts them in one cgroup batch per
// burst (MIG instances exactly where the fills placed them), reclaims at window end, and reports
// every enactment. Single-threaded. Its parts, one file each: daemon.cpp (start-up, the loop,
// saving), daemon_exchange_link.cpp (the session, asks, reports), daemon_windows.cpp (the
// delivery windows product lines sell), daemon_enactment.cpp (fills
// into allocations, enactment), daemon_staging.cpp (pre-staging), mig_instances.cpp (MIG),
// daemon_stats.cpp (statistics), daemon_telemetry.cpp (usage reports), daemon_standby.cpp
// (standby: Activate / Deactivate), daemon_history.cpp (the exchange history its fills belong to).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "swarmex/client/client.hpp"
#include "swarmex/hostctl/capacity.hpp"
#include "swarmex/hostctl/daemon_stats.hpp"
#include "swarmex/hostctl/enactor.hpp"
#include "swarmex/hostctl/fill_feed.hpp"
#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/hostctl/host_state.hpp"
#include "swarmex/hostctl/mig_instances.hpp"
#include "swarmex/hostctl/state_saver.hpp"
#include "swarmex/hostctl/supply.hpp"
#include "swarmex/hostctl/usage_sampler.hpp"

namespace swarmex::hostctl {

class HostMetrics;

class Daemon {
 public:
  // Reads state, discovers capacity, reconciles the cgroup subtree; throws on bad configuration.
  explicit Daemon(HostConfig config);
  ~Daemon();

  // Runs until `stop` is set; reconnects on its own. Returns the process exit code.
  int run(const std::atomic<bool>& stop);

  [[nodiscard]] const DaemonStats& stats() const noexcept { return stats_; }
  // The Prometheus metrics ([host] metrics_listen set), or null.
  [[nodiscard]] HostMetrics* metrics() noexcept { return metrics_.get(); }
  [[nodiscard]] const HostCapacity& capacity() const noexcept { return capacity_; }
  // A one-line summary of the enactment latencies (p50 / p99 / max).
  [[nodiscard]] std::string latency_summary() const;

 private:
  struct Received {
    std::uint64_t stream_seq;
    std::chrono::steady_clock::time_point at;
    std::int64_t match_ns;  // Fill.time_ns
  };
  // The exchange link (daemon_exchange_link.cpp).
  bool connect_and_logon();  // each of [exchange] address's nodes in turn
  bool logon_to(const std::string& address);
  // Tells the exchange this host's capacity of each resource it sells (its supply groups), so
  // matching never sells a unit twice at one instant, spot and windows alike.
  void declare_supply();
  void handle(const wire::Message& m, std::vector<Received>& burst);
  void update_supply();
  void send_report(std::uint64_t seq, bool ok, const std::string& why, std::int64_t latency_ns);
  // Fills from JetStream (daemon_fill_feed.cpp). At logon: the session's fill subscription, or
  // the feed started after the last enacted fill. The loop's wait: the session's next message,
  // the feed's queued fills taken into `burst` meanwhile.
  void subscribe_to_fills();
  const wire::Message* next_message(std::chrono::nanoseconds timeout, std::vector<Received>& burst);
  void take_feed(std::vector<Received>& burst);
  // What the ask at `slot` may offer: the capacity free over its whole lease.
  std::int64_t free_capacity(const AskSlot& slot);

  // Delivery windows (daemon_windows.cpp). Asks the exchange which windows trade now, when a
  // product line needs them and window_refresh_ms passed (at once after logon).
  void request_windows();
  // A listing: each product line's windows trading now get their asks.
  void take_listing(const wire::AdminAck& ack);

  // Enactment (daemon_enactment.cpp).
  void take_fill(const wire::Fill& f, std::vector<Received>& burst);
  // Advances windows, enacts what changed, reports; `burst` are the fills just taken (a slice of
  // at most enact_slice_fills). The state is saved when `save` (see save_state).
  void enact(const std::vector<Received>& burst, bool save = true);
  void assign_cpus(Allocation& a);
  // Pre-staging (daemon_staging.cpp). Makes, for every Pending allocation whose window starts
  // within prestage_lead_ms, its tenant's cgroup with closed limits (when the tenant holds none)
  // and its MIG instances, so that at the start only the limit writes remain.
  void prestage();
  // Tears down what was staged for windows that will not start here any more (resold, expired):
  // a staged cgroup whose tenant has no window to come, instances of allocations no longer
  // Pending. Forgets staging of windows that started.
  void unstage();
  // Before `started`'s instances are made: staged instances of later windows in their way (the
  // exchange sold the slice for a lease that ends before theirs starts) are destroyed; they are
  // made again once the slice is free.
  void yield_staged(const Allocation& started);
  // Usage telemetry (daemon_telemetry.cpp): every telemetry_interval_ms, samples each tenant
  // with an allocation here and reports it to the exchange. A few small reads per tenant, between
  // enactments, never inside one.
  void report_usage();
  // Standby (daemon_standby.cpp). The terms the logon asks for; Activate runs on_activate and
  // lets the asks be posted; Deactivate cancels them and runs on_deactivate.
  void ask_for_standby();
  void activate(const wire::Activate& a);
  void deactivate(const wire::Deactivate& d);
  // Exchange histories (daemon_history.cpp). At logon: whether the exchange's history is the one
  // the state's fills belong to (adopting it when the state knows none, or when on_new_history
  // or an operator's adopt-history request says so). When not, the controller holds: error log,
  // asks cancelled, no fill subscription, until an adopt-history request names that history.
  bool meet_history(std::uint64_t history);
  void hold(std::uint64_t history, const std::string& why);
  // While holding: takes an adopt-history request (then logs on again).
  void check_adoption();
  // The old history's allocations end (cgroups removed, MIG instances destroyed) and are
  // forgotten; the fill position starts again at 0 in `history`; saved at once.
  void adopt_history(std::uint64_t history);
  // Asks are posted: not holding for another history; not on standby, or activated.
  [[nodiscard]] bool selling() const noexcept {
    return !holding_ && (!config_.standby || standby_active_);
  }
  // Writes the state file when something changed since the last write.
  void save_state();

  HostConfig config_;
  HostCapacity capacity_;
  HostState state_;
  std::unique_ptr<Enactor> enactor_;
  MigInstances mig_;
  std::unique_ptr<StateSaver> saver_;
  SupplyBook supply_;
  client::Client client_;
  std::uint32_t host_id_ = 0;
  std::size_t node_ = 0;  // of [exchange] address: the node that answered last
  bool connected_ = false;
  std::chrono::steady_clock::time_point last_sent_{};
  std::chrono::steady_clock::time_point last_saved_{};
  bool unsaved_ = false;  // fills taken or windows moved since the last save
  DaemonStats stats_;
  std::unique_ptr<HostMetrics> metrics_;  // served from the constructor on
  std::unique_ptr<UsageSampler> sampler_;
  std::chrono::steady_clock::time_point next_usage_{};
  // Product lines: when the listing is asked for next, and each line's series of windows.
  std::chrono::steady_clock::time_point next_listing_{};
  std::uint64_t listing_request_ = 0;
  std::vector<WindowSeries> series_;
  // Pre-staging: tenants whose cgroup holds closed limits (no Active allocation yet), Pending
  // allocations staged (cgroup ready, instances made), and those whose instances could not be
  // made yet (tried again once an instance is destroyed).
  std::set<std::string> staged_tenants_;
  std::set<std::uint64_t> staged_;
  std::set<std::uint64_t> stage_blocked_;
  bool standby_active_ = false;  // on standby: activated since this session's logon
  // Holding: the exchange is another history than the state's (or its fill stream ends before
  // the state's position); nothing is sold or taken until it is adopted.
  bool holding_ = false;
  std::uint64_t foreign_history_ = 0;
  std::chrono::steady_clock::time_point next_adopt_check_{};
  bool warned_no_history_ = false;
  // [exchange] fills = "jetstream": the feed; after a gap on it, fills come from the session
  // until the next logon (feed_fallback_).
  std::unique_ptr<FillFeed> feed_;
  bool feed_fallback_ = false;
};

}  // namespace swarmex::hostctl
