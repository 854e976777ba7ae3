#include "swarmex/hostctl/allocation_book.hpp"

#include <algorithm>
#include <climits>

#include "swarmex/hostctl/capacity.hpp"

namespace swarmex::hostctl {

const char* to_string(AllocationState s) noexcept {
  switch (s) {
    case AllocationState::Pending:
      return "pending";
    case AllocationState::Active:
      return "active";
    case AllocationState::Ended:
      return "ended";
    case AllocationState::Refused:
      return "refused";
  }
  return "?";
}

bool AllocationBook::add(Allocation a) {
  if (contains(a.stream_seq, a.key)) return false;
  keys_.insert(a.key);
  const std::uint64_t seq = a.stream_seq;
  track(seq, by_seq_.emplace(seq, std::move(a)).first->second, +1);
  return true;
}

void AllocationBook::track(std::uint64_t seq, const Allocation& a, std::int64_t sign) {
  if (a.state == AllocationState::Pending) {
    if (sign > 0)
      deadlines_.emplace(a.start_ns, seq);
    else
      deadlines_.erase({a.start_ns, seq});
    if ((pending_[a.tenant] += sign) == 0) pending_.erase(a.tenant);
  } else if (a.state == AllocationState::Active) {
    if (sign > 0)
      deadlines_.emplace(a.end_ns, seq);
    else
      deadlines_.erase({a.end_ns, seq});
    Held& h = active_[a.tenant];
    h.allocations += sign;
    if (a.resource == "cpu") h.vrus += sign * a.qty;
    if (a.resource == "mem") h.mem_shards += sign * a.qty;
    if (a.resource == "io") h.io_units[a.device] += sign * a.qty;
    if (a.pinned && sign > 0) h.pinned.insert(seq);
    if (a.pinned && sign < 0) h.pinned.erase(seq);
    if (h.allocations == 0) active_.erase(a.tenant);
  }
  if (a.state != AllocationState::Pending && a.state != AllocationState::Active) return;
  Commitment& c = committed_[{a.resource, a.device}];
  c.qty += sign * a.qty;
  c.timeline.add(a.start_ns, a.end_ns, sign * a.qty);
}

bool AllocationBook::contains(std::uint64_t stream_seq, const FillKey& key) const {
  return by_seq_.count(stream_seq) != 0 || keys_.count(key) != 0;
}

std::set<std::string> AllocationBook::advance(std::int64_t now_ns,
                                              std::vector<std::uint64_t>* started,
                                              std::vector<std::uint64_t>* ended) {
  std::set<std::string> changed = std::move(moved_from_);
  moved_from_.clear();
  // Everything due, in stream order (as a scan of the book would have met it).
  std::vector<std::uint64_t> due;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now_ns; ++it)
    due.push_back(it->second);
  std::sort(due.begin(), due.end());
  for (const std::uint64_t seq : due) {
    Allocation& a = by_seq_.at(seq);
    track(seq, a, -1);
    if (a.state == AllocationState::Pending) {
      if (a.end_ns <= now_ns) {
        a.state = AllocationState::Refused;
        a.why = "the lease ended before it could be enacted";
      } else {
        a.state = AllocationState::Active;
        changed.insert(a.tenant);
        if (started) started->push_back(seq);
      }
    } else {
      a.state = AllocationState::Ended;
      changed.insert(a.tenant);
      if (ended) ended->push_back(seq);
    }
    track(seq, a, +1);
  }
  return changed;
}

namespace {

bool holds_window(const Allocation& a, const std::string& tenant, const std::string& resource,
                  const std::string& device, std::int64_t start_ns, std::int64_t end_ns) {
  return (a.state == AllocationState::Pending || a.state == AllocationState::Active) &&
         a.tenant == tenant && a.resource == resource && a.device == device &&
         a.start_ns == start_ns && a.end_ns == end_ns;
}

}  // namespace

std::int64_t AllocationBook::held(const std::string& tenant, const std::string& resource,
                                  const std::string& device, std::int64_t start_ns,
                                  std::int64_t end_ns) const {
  std::int64_t sum = 0;
  for (const auto& [seq, a] : by_seq_)
    if (holds_window(a, tenant, resource, device, start_ns, end_ns)) sum += a.qty;
  return sum;
}

bool AllocationBook::move(const std::string& seller, Allocation to,
                          std::vector<std::uint64_t>* reduced) {
  if (to.qty <= 0 || contains(to.stream_seq, to.key) ||
      held(seller, to.resource, to.device, to.start_ns, to.end_ns) < to.qty)
    return false;
  std::int64_t left = to.qty;
  for (auto it = by_seq_.rbegin(); it != by_seq_.rend() && left > 0; ++it) {  // newest first
    Allocation& a = it->second;
    if (!holds_window(a, seller, to.resource, to.device, to.start_ns, to.end_ns)) continue;
    const std::int64_t take = std::min(left, a.qty);
    left -= take;
    if (a.state == AllocationState::Active) moved_from_.insert(a.tenant);
    track(it->first, a, -1);
    a.qty -= take;
    // Ended rather than erased: its key still deduplicates a redelivery of the seller's fill.
    if (a.qty == 0) a.state = AllocationState::Ended;
    track(it->first, a, +1);
    const auto keep_cpus = static_cast<std::size_t>((a.qty + kVrusPerCpu - 1) / kVrusPerCpu);
    if (a.cpus.size() > keep_cpus) a.cpus.resize(keep_cpus);
    // MIG instances move where the exchange placed them: the buyer gets the seller's last
    // placements (the seller's own instances there are destroyed by the daemon, shrink()).
    for (auto k = static_cast<std::size_t>(a.qty);
         k < a.mig.size() && k < static_cast<std::size_t>(a.qty + take); ++k)
      to.mig.push_back(MigInstanceRecord{a.mig[k].gpu, kNoGpuInstance, a.mig[k].start});
    if (reduced) reduced->push_back(it->first);
  }
  return add(std::move(to));
}

std::int64_t AllocationBook::next_deadline_ns() const noexcept {
  return deadlines_.empty() ? INT64_MAX : deadlines_.begin()->first;
}

TenantLimits AllocationBook::limits_of(const std::string& tenant) const {
  TenantLimits l;
  const auto it = active_.find(tenant);
  if (it == active_.end()) return l;
  const Held& h = it->second;
  l.vrus = h.vrus;
  l.mem_shards = h.mem_shards;
  for (const auto& [device, units] : h.io_units)
    if (units != 0) l.io.push_back(IoLimit{device, units});
  std::vector<int> cpus;
  for (const std::uint64_t seq : h.pinned) {
    const std::vector<int>& pinned = by_seq_.at(seq).cpus;
    cpus.insert(cpus.end(), pinned.begin(), pinned.end());
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  l.cpuset = format_cpu_list(cpus);
  return l;
}

std::set<std::string> AllocationBook::active_tenants() const {
  std::set<std::string> out;
  for (const auto& entry : active_)
    out.insert(out.end(), entry.first);
  return out;
}

bool AllocationBook::has_pending(const std::string& tenant) const {
  return pending_.count(tenant) != 0;
}

std::vector<std::uint64_t> AllocationBook::pending_until(std::int64_t ns) const {
  std::vector<std::uint64_t> out;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= ns; ++it)
    if (by_seq_.at(it->second).state == AllocationState::Pending) out.push_back(it->second);
  return out;
}

std::int64_t AllocationBook::committed(const std::string& resource,
                                       const std::string& device) const {
  auto it = committed_.find({resource, device});
  return it == committed_.end() ? 0 : it->second.qty;
}

std::int64_t AllocationBook::peak(const std::string& resource, const std::string& device,
                                  std::int64_t from_ns, std::int64_t to_ns) const {
  auto it = committed_.find({resource, device});
  return it == committed_.end() ? 0 : it->second.timeline.peak(from_ns, to_ns);
}

std::set<int> AllocationBook::pinned_cpus() const {
  std::set<int> out;
  for (const auto& entry : active_)
    for (const std::uint64_t seq : entry.second.pinned) {
      const std::vector<int>& cpus = by_seq_.at(seq).cpus;
      out.insert(cpus.begin(), cpus.end());
    }
  return out;
}

Allocation* AllocationBook::find(std::uint64_t stream_seq) {
  auto it = by_seq_.find(stream_seq);
  return it == by_seq_.end() ? nullptr : &it->second;
}

void AllocationBook::forget_before(std::uint64_t keep_seq) {
  for (auto it = by_seq_.begin(); it != by_seq_.end() && it->first < keep_seq;) {
    const Allocation& a = it->second;
    if (a.state == AllocationState::Ended || a.state == AllocationState::Refused) {
      keys_.erase(a.key);
      it = by_seq_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace swarmex::hostctl
