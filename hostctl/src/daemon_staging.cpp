// Pre-staging: a window's allocation is prepared ahead of its start (from prestage_lead_ms
// before, the products' gate closure, after which no fill for the window arrives): the tenant's
// cgroup is made with closed limits (the kernel's minimum cpu quota, memory 0: a task joining
// early gets nothing) and the window's MIG instances are created. At the start only the limit
// writes remain, one batch like any change of limits. What a resale or an expiry leaves staged
// for nothing is torn down.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "swarmex/common/clock.hpp"
#include "swarmex/engine/mig_profiles.hpp"
#include "swarmex/hostctl/daemon.hpp"
#include "swarmex/hostctl/fill_intake.hpp"

namespace swarmex::hostctl {

namespace {

// The memory slices [start, start + size) of an instance of the allocation's profile.
std::pair<std::uint32_t, std::uint32_t> slices_of(const Allocation& a, const MigInstanceRecord& r) {
  const engine::MigProfile* p = engine::find_mig_profile(std::string_view(a.resource).substr(4));
  return {r.start, r.start + (p != nullptr ? p->size_slices : 1u)};
}

bool in_the_way(const Allocation& staged, const Allocation& started) {
  for (const MigInstanceRecord& s : staged.mig) {
    if (!s.created()) continue;
    const auto [s0, s1] = slices_of(staged, s);
    for (const MigInstanceRecord& r : started.mig) {
      const auto [r0, r1] = slices_of(started, r);
      if (r.gpu == s.gpu && s0 < r1 && r0 < s1) return true;
    }
  }
  return false;
}

bool all_created(const Allocation& a) {
  return std::all_of(a.mig.begin(), a.mig.end(), [](const auto& r) { return r.created(); });
}

}  // namespace

void Daemon::prestage() {
  if (!config_.prestage) return;
  const std::int64_t horizon = common::wall_ns() + config_.prestage_lead_ms * 1'000'000;
  const std::vector<std::uint64_t> due = state_.book.pending_until(horizon);
  if (due.empty()) return;
  const std::set<std::string> active = state_.book.active_tenants();
  std::map<std::string, TenantLimits> open;
  for (const std::uint64_t seq : due) {
    const Allocation& a = *state_.book.find(seq);
    if (!staged_.count(seq) && !active.count(a.tenant) && !staged_tenants_.count(a.tenant))
      open[a.tenant] = closed_limits();
  }
  // One batch for every tenant to make: mkdirs, subtree_control, closed limits.
  if (!open.empty())
    for (const TenantOutcome& o : enactor_->enforce(open)) {
      if (o.ok)
        staged_tenants_.insert(o.tenant);
      else
        spdlog::warn("pre-staging the cgroup of '{}': {} (it is made at the start)", o.tenant,
                     o.why);
    }
  for (const std::uint64_t seq : due) {
    if (staged_.count(seq)) continue;
    Allocation& a = *state_.book.find(seq);
    if (!active.count(a.tenant) && !staged_tenants_.count(a.tenant)) continue;
    if (is_mig(a.resource) && !all_created(a)) {
      if (stage_blocked_.count(seq) || !mig_.available()) continue;
      if (!mig_.prestage(a)) {
        stage_blocked_.insert(seq);  // an earlier lease still holds the slice
        continue;
      }
      unsaved_ = true;  // the instance ids go into the state
    }
    staged_.insert(seq);
    ++stats_.prestaged;
    spdlog::info("pre-staged fill {} for '{}': {} {} from {} ns", seq, a.tenant, a.qty, a.resource,
                 a.start_ns);
  }
}

void Daemon::unstage() {
  for (auto it = staged_.begin(); it != staged_.end();) {
    Allocation* a = state_.book.find(*it);
    if (a != nullptr && a->state == AllocationState::Pending) {
      ++it;
      continue;
    }
    // Started (the start enacted it), or resold or expired before it: its instances go.
    if (a != nullptr && a->state != AllocationState::Active &&
        std::any_of(a->mig.begin(), a->mig.end(), [](const auto& r) { return r.created(); })) {
      mig_.destroy(*a);
      unsaved_ = true;
      ++stats_.unstaged;
    }
    it = staged_.erase(it);
  }
  for (auto it = stage_blocked_.begin(); it != stage_blocked_.end();) {
    const Allocation* a = state_.book.find(*it);
    it = a == nullptr || a->state != AllocationState::Pending ? stage_blocked_.erase(it) : ++it;
  }
  if (staged_tenants_.empty()) return;
  const std::set<std::string> active = state_.book.active_tenants();
  for (auto it = staged_tenants_.begin(); it != staged_tenants_.end();) {
    const std::string& t = *it;
    if (active.count(t)) {  // its window started: its cgroup is an enforced one now
      it = staged_tenants_.erase(it);
      continue;
    }
    if (state_.book.has_pending(t)) {
      ++it;
      continue;
    }
    const TenantOutcome o = enactor_->remove(t);
    if (!o.ok) spdlog::error("tearing down the staged cgroup of '{}': {}", t, o.why);
    spdlog::info("tenant '{}' has no window to come here: staged cgroup removed", t);
    ++stats_.unstaged;
    it = staged_tenants_.erase(it);
  }
}

void Daemon::yield_staged(const Allocation& started) {
  for (auto it = staged_.begin(); it != staged_.end();) {
    Allocation* a = state_.book.find(*it);
    if (a == nullptr || a->state != AllocationState::Pending || !is_mig(a->resource) ||
        !in_the_way(*a, started)) {
      ++it;
      continue;
    }
    spdlog::info("pre-staged MIG instances of fill {} give way to fill {}, which starts first", *it,
                 started.stream_seq);
    mig_.destroy(*a);
    unsaved_ = true;
    ++stats_.unstaged;
    stage_blocked_.insert(*it);
    it = staged_.erase(it);
  }
}

}  // namespace swarmex::hostctl
