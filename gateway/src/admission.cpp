#include "admission.hpp"

#include <algorithm>
#include <functional>

namespace swarmex::gateway {

namespace {
// An unknown name as a table key of bounded size (a Logon may carry a name of any length).
std::string bounded_key(const std::string& name) {
  constexpr std::size_t kMax = 64;
  if (name.size() <= kMax) return name;
  return name.substr(0, kMax - 17) + "#" + std::to_string(std::hash<std::string>{}(name));
}
}  // namespace

BackoffTable::BackoffTable(std::size_t capacity, Policy policy)
    : capacity_(std::max<std::size_t>(capacity, 1)), policy_(policy) {
  index_.reserve(capacity_);
}

std::int64_t BackoffTable::blocked_for(const std::string& key, std::int64_t now_ns) const {
  auto it = index_.find(key);
  if (it == index_.end()) return 0;
  return std::max<std::int64_t>(it->second->blocked_until_ns - now_ns, 0);
}

std::uint32_t BackoffTable::failures(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? 0 : it->second->failures;
}

void BackoffTable::note_failure(const std::string& key, std::int64_t now_ns) {
  // Forget the stale from the back (the least recent failures) first.
  while (!lru_.empty() && now_ns - lru_.back().last_failure_ns > policy_.forget_ns) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  auto it = index_.find(key);
  if (it == index_.end()) {
    if (index_.size() >= capacity_) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(Entry{key});
    it = index_.emplace(key, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  Entry& e = *it->second;
  ++e.failures;
  e.last_failure_ns = now_ns;
  if (e.failures >= policy_.after_failures) {
    const std::uint32_t doublings =
        std::min<std::uint32_t>(e.failures - policy_.after_failures, 40);
    std::int64_t delay = policy_.base_ns;
    for (std::uint32_t i = 0; i < doublings && delay < policy_.max_ns; ++i)
      delay *= 2;
    e.blocked_until_ns = now_ns + std::min(delay, policy_.max_ns);
  }
}

void BackoffTable::forget(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  lru_.erase(it->second);
  index_.erase(it);
}

Admission::Admission(const AdmissionLimits& limits)
    : limits_(limits),
      sources_(limits.backoff_entries, limits.policy),
      known_(std::max<std::size_t>(limits.known_principals, 1), limits.policy),
      unknown_(limits.backoff_entries, limits.policy) {}

Admission::Verdict Admission::open(const std::string& source) {
  std::lock_guard lock(mu_);
  if (pending_ >= limits_.max_pending) return Verdict::TotalFull;
  auto it = pending_by_source_.find(source);
  if (it != pending_by_source_.end() && it->second >= limits_.max_pending_per_source)
    return Verdict::SourceFull;
  ++pending_;
  ++pending_by_source_[source];
  return Verdict::Admit;
}

void Admission::release(const std::string& source) {
  std::lock_guard lock(mu_);
  auto it = pending_by_source_.find(source);
  if (it == pending_by_source_.end()) return;
  --pending_;
  if (--it->second == 0) pending_by_source_.erase(it);
}

std::uint32_t Admission::pending() const {
  std::lock_guard lock(mu_);
  return pending_;
}

std::uint32_t Admission::pending_from(const std::string& source) const {
  std::lock_guard lock(mu_);
  auto it = pending_by_source_.find(source);
  return it == pending_by_source_.end() ? 0 : it->second;
}

std::int64_t Admission::principal_blocked_for(const std::string& name, bool known,
                                              std::int64_t now_ns) const {
  std::lock_guard lock(mu_);
  return known ? known_.blocked_for(name, now_ns) : unknown_.blocked_for(bounded_key(name), now_ns);
}

std::int64_t Admission::source_blocked_for(const std::string& source, std::int64_t now_ns) const {
  std::lock_guard lock(mu_);
  return sources_.blocked_for(source, now_ns);
}

void Admission::note_failure(const std::string& source, const std::string& name, bool known,
                             std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  sources_.note_failure(source, now_ns);
  if (known)
    known_.note_failure(name, now_ns);
  else
    unknown_.note_failure(bounded_key(name), now_ns);
}

void Admission::note_success(const std::string& name, bool known) {
  std::lock_guard lock(mu_);
  if (known)
    known_.forget(name);
  else
    unknown_.forget(bounded_key(name));
}

}  // namespace swarmex::gateway
