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
  count(a, +1);
  const std::uint64_t seq = a.stream_seq;
  by_seq_.emplace(seq, std::move(a));
  return true;
}

void AllocationBook::count(const Allocation& a, std::int64_t sign) {
  if (a.state == AllocationState::Pending || a.state == AllocationState::Active)
    committed_[{a.resource, a.device}] += sign * a.qty;
}

bool AllocationBook::contains(std::uint64_t stream_seq, const FillKey& key) const {
  return by_seq_.count(stream_seq) != 0 || keys_.count(key) != 0;
}

std::set<std::string> AllocationBook::advance(std::int64_t now_ns,
                                              std::vector<std::uint64_t>* started,
                                              std::vector<std::uint64_t>* ended) {
  std::set<std::string> changed = std::move(moved_from_);
  moved_from_.clear();
  for (auto& [seq, a] : by_seq_) {
    if (a.state == AllocationState::Pending) {
      if (a.end_ns <= now_ns) {
        count(a, -1);
        a.state = AllocationState::Refused;
        a.why = "the lease ended before it could be enacted";
      } else if (a.start_ns <= now_ns) {
        a.state = AllocationState::Active;
        changed.insert(a.tenant);
        if (started) started->push_back(seq);
      }
    } else if (a.state == AllocationState::Active && a.end_ns <= now_ns) {
      count(a, -1);
      a.state = AllocationState::Ended;
      changed.insert(a.tenant);
      if (ended) ended->push_back(seq);
    }
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
    count(a, -1);
    a.qty -= take;
    // Ended rather than erased: its key still deduplicates a redelivery of the seller's fill.
    if (a.qty == 0) a.state = AllocationState::Ended;
    count(a, +1);
    const auto keep_cpus = static_cast<std::size_t>((a.qty + kVrusPerCpu - 1) / kVrusPerCpu);
    if (a.cpus.size() > keep_cpus) a.cpus.resize(keep_cpus);
    if (reduced) reduced->push_back(it->first);
  }
  return add(std::move(to));
}

std::int64_t AllocationBook::next_deadline_ns() const noexcept {
  std::int64_t next = INT64_MAX;
  for (const auto& [seq, a] : by_seq_) {
    if (a.state == AllocationState::Pending) next = std::min(next, a.start_ns);
    if (a.state == AllocationState::Active) next = std::min(next, a.end_ns);
  }
  return next;
}

TenantLimits AllocationBook::limits_of(const std::string& tenant) const {
  TenantLimits l;
  std::vector<int> cpus;
  for (const auto& [seq, a] : by_seq_) {
    if (a.state != AllocationState::Active || a.tenant != tenant) continue;
    if (a.resource == "cpu") {
      l.vrus += a.qty;
      cpus.insert(cpus.end(), a.cpus.begin(), a.cpus.end());
    } else if (a.resource == "mem") {
      l.mem_shards += a.qty;
    } else if (a.resource == "io") {
      auto it = std::find_if(l.io.begin(), l.io.end(),
                             [&](const IoLimit& io) { return io.device == a.device; });
      if (it == l.io.end())
        l.io.push_back(IoLimit{a.device, a.qty});
      else
        it->units += a.qty;
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  l.cpuset = format_cpu_list(cpus);
  return l;
}

std::set<std::string> AllocationBook::active_tenants() const {
  std::set<std::string> out;
  for (const auto& [seq, a] : by_seq_)
    if (a.state == AllocationState::Active) out.insert(a.tenant);
  return out;
}

std::int64_t AllocationBook::committed(const std::string& resource,
                                       const std::string& device) const {
  auto it = committed_.find({resource, device});
  return it == committed_.end() ? 0 : it->second;
}

std::int64_t AllocationBook::peak(const std::string& resource, const std::string& device,
                                  std::int64_t from_ns, std::int64_t to_ns) const {
  // Sweep over the starts and ends inside [from, to): O(n log n) in this resource's allocations.
  std::vector<std::pair<std::int64_t, std::int64_t>> steps;  // (time, +qty / -qty)
  for (const auto& [seq, a] : by_seq_) {
    if ((a.state != AllocationState::Pending && a.state != AllocationState::Active) ||
        a.resource != resource || a.device != device || a.end_ns <= from_ns || a.start_ns >= to_ns)
      continue;
    steps.emplace_back(std::max(a.start_ns, from_ns), a.qty);
    steps.emplace_back(a.end_ns, -a.qty);
  }
  std::sort(steps.begin(), steps.end());  // at equal times ends (negative) come first
  std::int64_t held = 0, most = 0;
  for (const auto& [t, dq] : steps) {
    held += dq;
    most = std::max(most, held);
  }
  return most;
}

std::set<int> AllocationBook::pinned_cpus() const {
  std::set<int> out;
  for (const auto& [seq, a] : by_seq_)
    if (a.state == AllocationState::Active) out.insert(a.cpus.begin(), a.cpus.end());
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
