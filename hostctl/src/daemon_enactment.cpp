// Enactment: a fill taken into the allocation book (deduplicated, admitted against capacity, a
// resale moved), and each slice's enactment: windows advanced, cgroups written in one batch, MIG
// instances made or destroyed where the fills placed them, cpus pinned, every outcome reported.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "host_metrics.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/history_id.hpp"
#include "swarmex/hostctl/daemon.hpp"
#include "swarmex/hostctl/fill_intake.hpp"

namespace swarmex::hostctl {

using Clock = std::chrono::steady_clock;

void Daemon::take_fill(const wire::Fill& f, std::vector<Received>& burst) {
  // A fill of another history is never taken for a duplicate: log on again, where the history is
  // checked (daemon_history.cpp).
  if (f.history() != 0 && state_.history != 0 && f.history() != state_.history)
    throw client::ClientError("fill " + std::to_string(f.stream_seq()) + " of exchange history " +
                              common::format_history_id(f.history()) +
                              ", this host's fills belong to " +
                              common::format_history_id(state_.history));
  if (f.stream_seq() <= state_.last_seq) {
    ++stats_.duplicates;
    if (metrics_) metrics_->duplicate_fill();
    return;
  }
  if (f.stream_seq() != state_.last_seq + 1)
    spdlog::error("fill stream jumped from {} to {}: fills in between were not delivered",
                  state_.last_seq, f.stream_seq());
  state_.last_seq = f.stream_seq();
  Intake in = read_fill(f, config_.supply);
  // A resale trades a tenant's ask, not one of the host's: the host sold nothing more.
  if (in.seller.empty()) supply_.on_fill(f.sell_order_id(), f.qty());
  Allocation& a = in.allocation;
  if (state_.book.contains(a.stream_seq, a.key)) {
    ++stats_.duplicates;
    if (metrics_) metrics_->duplicate_fill();
    return;
  }
  try {
    (void)tenant_dir(enactor_->layout(), "cpu", a.tenant);
  } catch (const std::exception& e) {
    a.state = AllocationState::Refused;
    a.why = std::string("tenant: ") + e.what();
  }
  const std::string seller = in.seller;
  const Admission admitted = admit(state_.book, capacity_, std::move(in));
  const Allocation& booked = *state_.book.find(f.stream_seq());
  if (admitted.short_holding)
    spdlog::error("resale fill {}: {}; the exchange should not have matched it", booked.stream_seq,
                  booked.why);
  for (std::uint64_t seq : admitted.reduced)
    mig_.shrink(*state_.book.find(seq));
  if (!seller.empty() && booked.state != AllocationState::Refused)
    spdlog::info("resale fill {}: '{}' -> '{}' {} {}{}{} over lease [{}, {}) ns", booked.stream_seq,
                 seller, booked.tenant, booked.qty, booked.resource,
                 booked.device.empty() ? "" : " ", booked.device, booked.start_ns, booked.end_ns);
  ++stats_.fills;
  if (metrics_) metrics_->fill_taken(f.stream_seq());
  burst.push_back(Received{f.stream_seq(), Clock::now(), f.time_ns()});
}

void Daemon::enact(const std::vector<Received>& burst, bool save) {
  std::vector<std::uint64_t> started, ended;
  const auto due_at = Clock::now();
  const std::set<std::string> changed = state_.book.advance(common::wall_ns(), &started, &ended);
  stats_.reclaimed += ended.size();
  // Allocations that just ended give back their MIG instances first: a window starting now may
  // have been placed on their slices (an ended allocation always changed its tenant, so
  // `changed` covers the save below).
  for (std::uint64_t seq : ended)
    if (Allocation& a = *state_.book.find(seq); !a.mig.empty()) {
      mig_.destroy(a);
      stage_blocked_.clear();  // a slice came free: staging may try again
    }
  // Whether each window that starts now finds everything made (pre-staged): nothing is created
  // for it at the start, only its limits are written.
  std::map<std::uint64_t, bool> prepared;
  for (std::uint64_t seq : started) {
    Allocation& a = *state_.book.find(seq);
    bool ready = enactor_->holds(a.tenant);
    if (a.pinned) assign_cpus(a);
    if (is_mig(a.resource)) {
      ready = ready && std::all_of(a.mig.begin(), a.mig.end(),
                                   [](const MigInstanceRecord& r) { return r.created(); });
      yield_staged(a);
      mig_.create(a);
    }
    prepared[seq] = ready;
  }
  std::map<std::string, TenantLimits> enforce;
  std::vector<std::string> remove;
  const std::set<std::string> active = state_.book.active_tenants();
  for (const std::string& t : changed) {
    if (active.count(t))
      enforce[t] = state_.book.limits_of(t);
    else
      remove.push_back(t);
  }
  std::map<std::string, TenantOutcome> outcome;
  if (!enforce.empty()) {
    const auto batch_at = Clock::now();
    for (TenantOutcome& o : enactor_->enforce(enforce))
      outcome[o.tenant] = std::move(o);
    if (metrics_)
      metrics_->cgroup_batch(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - batch_at).count());
  }
  for (const std::string& t : remove) {
    const TenantOutcome o = enactor_->remove(t);
    if (!o.ok) spdlog::error("reclaiming '{}': {}", t, o.why);
    spdlog::info("tenant '{}' holds nothing more here: workload stopped, cgroup removed", t);
    // Its windows still to come need their cgroup made again (closed) by the staging pass.
    for (auto it = staged_.begin(); it != staged_.end();) {
      const Allocation* a = state_.book.find(*it);
      it = a != nullptr && a->tenant == t ? staged_.erase(it) : std::next(it);
    }
  }
  const bool touched = !started.empty() || !changed.empty();

  // The burst is in stream order (take_fill only takes the next sequences).
  auto received = [&](std::uint64_t seq) -> const Received* {
    const auto it =
        std::lower_bound(burst.begin(), burst.end(), seq,
                         [](const Received& r, std::uint64_t s) { return r.stream_seq < s; });
    return it != burst.end() && it->stream_seq == seq ? &*it : nullptr;  // null: a window that
                                                                         // started now
  };
  // Steady-clock instants to wall clock, for the match->enforced figure.
  const std::int64_t wall_minus_steady =
      common::wall_ns() -
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  if (connected_) client_.set_batching(true);  // the slice's reports leave in one write
  for (const Received& r : burst) {
    const Allocation* a = state_.book.find(r.stream_seq);
    if (a != nullptr && a->state == AllocationState::Refused) {
      ++stats_.failed;
      if (metrics_) metrics_->enacted(r.stream_seq, false);
      spdlog::warn("fill {} refused: {}", r.stream_seq, a->why);
      send_report(r.stream_seq, false, a->why, 0);
    }
  }
  for (std::uint64_t seq : started) {
    const Allocation& a = *state_.book.find(seq);
    const auto it = outcome.find(a.tenant);
    bool ok = it == outcome.end() || it->second.ok;
    std::string why = it == outcome.end() ? std::string() : it->second.why;
    if (!a.why.empty()) {  // a MIG or cpuset step failed
      ok = false;
      why = a.why;
    }
    const auto done = it == outcome.end() ? Clock::now() : it->second.done_at;
    const Received* r = received(seq);
    if (ok && r == nullptr) {  // a window that started now: from its start, on the wall clock
      const std::int64_t from_start =
          std::chrono::duration_cast<std::chrono::nanoseconds>(done.time_since_epoch()).count() +
          wall_minus_steady - a.start_ns;
      (prepared[seq] ? stats_.start_prestaged_ns : stats_.start_cold_ns).record(from_start);
      if (metrics_) metrics_->window_start_to_enforced(from_start, prepared[seq]);
      spdlog::info("window start: fill {} for '{}' enforced {} us after its start ({})", seq,
                   a.tenant, from_start / 1000, prepared[seq] ? "pre-staged" : "cold");
    }
    const std::int64_t latency =
        std::chrono::duration_cast<std::chrono::nanoseconds>(done - (r ? r->at : due_at)).count();
    ok ? ++stats_.enforced : ++stats_.failed;
    if (ok) stats_.latency_ns.record(latency);
    const std::int64_t from_match =
        std::chrono::duration_cast<std::chrono::nanoseconds>(done.time_since_epoch()).count() +
        wall_minus_steady - (r != nullptr ? r->match_ns : 0);
    if (ok && r != nullptr) stats_.match_latency_ns.record(from_match);
    if (metrics_) {
      metrics_->enacted(seq, ok);
      if (ok) metrics_->fill_to_enforced(latency);
      if (ok && r != nullptr) metrics_->match_to_enforced(from_match);
    }
    if (!ok) spdlog::warn("fill {} for '{}' not enforced: {}", seq, a.tenant, why);
    send_report(seq, ok, why, latency);
  }
  if (connected_) {
    client_.set_batching(false);
    try {
      client_.flush();
    } catch (const client::ClientError& e) {
      spdlog::warn("enactment reports: {}", e.what());
      connected_ = false;
    }
  }
  unsaved_ = unsaved_ || !burst.empty() || touched;
  // After the reports: staging is off the path of what is due now.
  unstage();
  prestage();
  if (save) save_state();
}

void Daemon::assign_cpus(Allocation& a) {
  const std::set<int> taken = state_.book.pinned_cpus();
  const std::int64_t need = (a.qty + kVrusPerCpu - 1) / kVrusPerCpu;  // whole CPUs
  a.cpus.clear();
  for (int c : capacity_.cpus)
    if (static_cast<std::int64_t>(a.cpus.size()) < need && !taken.count(c)) a.cpus.push_back(c);
  if (static_cast<std::int64_t>(a.cpus.size()) < need) {
    a.cpus.clear();
    a.why = "not enough free cpus to pin " + std::to_string(need);
  }
}

}  // namespace swarmex::hostctl
