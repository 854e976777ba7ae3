// The daemon's life: start-up (state, capacity, reconciling cgroups and MIG instances with what
// is held), the main loop that slices fills into enactments, and saving the state.
#include "swarmex/hostctl/daemon.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "host_metrics.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/hostctl/fill_intake.hpp"

namespace swarmex::hostctl {

using Clock = std::chrono::steady_clock;
// The state is saved after this long without a message, and at least this often.
constexpr std::chrono::milliseconds kQuiet{1};
constexpr std::chrono::seconds kSaveAtLeastEvery{1};
constexpr std::uint64_t kRememberEndedFills = 100'000;

namespace {

// A forced driver means a dry-run directory: there, writes create the files the kernel would.
std::unique_ptr<CgroupWriter> dry_run_aware(std::unique_ptr<CgroupWriter> w,
                                            const std::string& driver) {
  w->set_create_files(driver != "auto");
  return w;
}

}  // namespace

Daemon::Daemon(HostConfig config)
    : config_(std::move(config)),
      capacity_(discover_capacity(config_)),
      state_(load_host_state(config_.state_dir)),
      enactor_(std::make_unique<Enactor>(
          make_layout(config_.cgroup_root, config_.cgroup_driver, config_.subtree),
          dry_run_aware(make_cgroup_writer(RetryPolicy{}, config_.use_uring),
                        config_.cgroup_driver))),
      mig_(open_mig_backend(config_)),
      supply_(config_.supply),
      series_(config_.supply.size()) {
  // Client order ids only grow, across restarts too (the exchange refuses a reused one).
  state_.next_client_order_id = std::max<std::uint64_t>(
      state_.next_client_order_id, static_cast<std::uint64_t>(common::wall_ns() / 1000));
  spdlog::info("hostctl {}: pool {}, cpus {} ({} VRU), {} memory shards, cgroup {} at {} ({})",
               config_.principal, config_.pool, format_cpu_list(capacity_.cpus), capacity_.vrus,
               capacity_.mem_shards, enactor_->layout().version == CgroupVersion::V2 ? "v2" : "v1",
               enactor_->layout().root.string(), enactor_->writer_name());
  // Reconcile: windows that passed while we were down end now; MIG instances (they do not
  // survive a reboot) are recreated for what is active; the subtree is made to match.
  const std::int64_t now = common::wall_ns();
  state_.book.advance(now, nullptr);
  for (const auto& entry : state_.book.all()) {
    Allocation& a = *state_.book.find(entry.first);  // the book hands out const views only
    if (is_mig(a.resource) && mig_.available()) mig_.reconcile(a, config_.prestage);
  }
  std::map<std::string, TenantLimits> keep;
  for (const std::string& t : state_.book.active_tenants())
    keep[t] = state_.book.limits_of(t);
  // Pre-staged windows are recognised: their tenants' cgroups stay, closed (the staging pass
  // then makes whatever else is missing).
  if (config_.prestage)
    for (const std::uint64_t seq :
         state_.book.pending_until(now + config_.prestage_lead_ms * 1'000'000))
      if (const std::string& t = state_.book.find(seq)->tenant; !keep.count(t)) {
        keep[t] = closed_limits();
        staged_tenants_.insert(t);
      }
  std::vector<std::string> removed;
  for (const TenantOutcome& o : enactor_->reconcile(keep, &removed))
    if (!o.ok) spdlog::error("reconcile {}: {}", o.tenant, o.why);
  for (const std::string& t : removed)
    spdlog::info("reconcile: removed cgroup of '{}' (no allocation here)", t);
  save_host_state(config_.state_dir, state_);
  if (config_.fills == "jetstream") feed_ = make_jetstream_fill_feed(config_);
  saver_ = std::make_unique<StateSaver>(config_.state_dir);
  sampler_ = std::make_unique<UsageSampler>(enactor_->layout());
  spdlog::info("state: last fill {} , {} tenants active", state_.last_seq, keep.size());
  if (!config_.metrics_listen.empty()) {
    metrics_ = std::make_unique<HostMetrics>();
    try {  // enforcement goes on without them: Prometheus sees the target down
      metrics_->serve(config_.metrics_listen);
      spdlog::info("metrics on http://{}:{}/metrics",
                   config_.metrics_listen.substr(0, config_.metrics_listen.rfind(':')),
                   metrics_->port());
    } catch (const std::exception& e) {
      spdlog::error("{}; /metrics is not served", e.what());
    }
  }
}

Daemon::~Daemon() = default;

std::string Daemon::latency_summary() const {
  return stats_.latency_summary();
}

int Daemon::run(const std::atomic<bool>& stop) {
  std::chrono::milliseconds backoff(config_.reconnect_ms);
  std::vector<Received> burst;
  while (!stop.load()) {
    if (!connected_) {
      if (!connect_and_logon()) {
        for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop.load();
             waited += std::chrono::milliseconds(20))
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10'000));
        enact({});  // windows keep ending while the exchange is away
        continue;
      }
      backoff = std::chrono::milliseconds(config_.reconnect_ms);
    }
    try {
      const std::int64_t until_deadline = state_.book.next_deadline_ns() - common::wall_ns();
      const auto timeout =
          std::chrono::nanoseconds(std::clamp<std::int64_t>(until_deadline, 0, 200'000'000));
      burst.clear();
      // One slice: what has arrived, up to enact_slice_fills fills, then one cgroup batch, so
      // the first fill of a long burst does not wait for the last. The state is saved at the
      // first quiet millisecond (or at least every second in an endless stream), not between
      // the slices of a burst: saving is off the fill->enforced path, and a fill enacted but not
      // yet saved is only redelivered and written again with the same absolute limits.
      const auto slice = static_cast<std::size_t>(config_.enact_slice_fills);
      const wire::Message* m = next_message(
          unsaved_ ? std::min<std::chrono::nanoseconds>(timeout, kQuiet) : timeout, burst);
      if (m == nullptr && burst.empty()) save_state();
      for (; m != nullptr; m = client_.try_receive()) {
        handle(*m, burst);
        if (burst.size() >= slice) break;
      }
      enact(burst, Clock::now() - last_saved_ > kSaveAtLeastEvery);
      request_windows();
      update_supply();
      check_adoption();
      if (config_.telemetry_interval_ms > 0 && !holding_ && Clock::now() >= next_usage_)
        report_usage();
      if (Clock::now() - last_sent_ > std::chrono::milliseconds(config_.heartbeat_ms)) {
        client_.heartbeat();
        last_sent_ = Clock::now();
      }
    } catch (const client::ClientError& e) {
      spdlog::warn("exchange connection lost: {}; reconnecting", e.what());
      connected_ = false;
      client_.close();
      if (!burst.empty()) enact(burst);  // fills already taken are saved and enacted anyway
    }
  }
  save_state();
  saver_->flush();
  spdlog::info("stopping: {}", stats_.summary());
  client_.close();
  return 0;
}

// Saved after enforcing, off the fill->enforced path (the file is written on the saver's
// thread). Limits are absolute (what the saved allocations add up to), so a crash before the
// state is on disk only means the exchange redelivers these fills from the last saved sequence
// and the same limits are written again: each fill still counts once.
void Daemon::save_state() {
  if (!unsaved_) return;
  // Ended and refused allocations only serve to recognise a fill delivered again; far enough
  // behind the saved sequence none will be, and the state would otherwise grow without end.
  if (state_.last_seq > kRememberEndedFills)
    state_.book.forget_before(state_.last_seq - kRememberEndedFills);
  saver_->save(format_host_state(state_));
  unsaved_ = false;
  last_saved_ = Clock::now();
  ++stats_.saves;
}

}  // namespace swarmex::hostctl
