// Admission of connections that have not logged on yet: bounded per source address and in total
// (apart from the logged-on sessions), and failed logons backing off per source address and per
// principal name, in tables of fixed size so that no flood can grow memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace swarmex::gateway {

// Failed logons by key: after `after_failures` failures each further one blocks the key for
// base_ns, doubled per failure up to max_ns. A key with no failure for forget_ns is forgotten;
// with the table full, the least recently failed key makes room.
class BackoffTable {
 public:
  struct Policy {
    std::uint32_t after_failures = 5;
    std::int64_t base_ns = 250'000'000;
    std::int64_t max_ns = 30'000'000'000;
    std::int64_t forget_ns = 60'000'000'000;
  };
  BackoffTable(std::size_t capacity, Policy policy);

  // How long `key` must still wait before a logon may be tried (0: now).
  [[nodiscard]] std::int64_t blocked_for(const std::string& key, std::int64_t now_ns) const;
  void note_failure(const std::string& key, std::int64_t now_ns);
  void forget(const std::string& key);  // a logon succeeded
  [[nodiscard]] std::size_t size() const noexcept { return index_.size(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  // The failures counted for `key` (0: none held).
  [[nodiscard]] std::uint32_t failures(const std::string& key) const;

 private:
  struct Entry {
    std::string key;
    std::uint32_t failures = 0;
    std::int64_t last_failure_ns = 0;
    std::int64_t blocked_until_ns = 0;
  };
  std::size_t capacity_;
  Policy policy_;
  std::list<Entry> lru_;  // most recent failure first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

struct AdmissionLimits {
  std::uint32_t max_pending = 256;  // connections not logged on, all sources together
  std::uint32_t max_pending_per_source = 32;
  std::size_t backoff_entries = 4096;  // per table (source addresses, unknown names)
  std::size_t known_principals = 0;    // the configured principals: a table that never evicts
  BackoffTable::Policy policy;
};

// Thread-safe (one mutex; touched once per connection and per logon, never per order).
class Admission {
 public:
  explicit Admission(const AdmissionLimits& limits);

  enum class Verdict : std::uint8_t { Admit, SourceFull, TotalFull };
  // A new connection from `source` (an address): Admit holds a pending slot until release().
  Verdict open(const std::string& source);
  void release(const std::string& source);
  [[nodiscard]] std::uint32_t pending() const;
  [[nodiscard]] std::uint32_t pending_from(const std::string& source) const;

  // How long logons of `name` (`known`: a configured principal) must still wait, and those from
  // `source` (0: may try now).
  [[nodiscard]] std::int64_t principal_blocked_for(const std::string& name, bool known,
                                                   std::int64_t now_ns) const;
  [[nodiscard]] std::int64_t source_blocked_for(const std::string& source,
                                                std::int64_t now_ns) const;
  void note_failure(const std::string& source, const std::string& name, bool known,
                    std::int64_t now_ns);
  void note_success(const std::string& name, bool known);

 private:
  AdmissionLimits limits_;
  mutable std::mutex mu_;
  std::uint32_t pending_ = 0;
  std::unordered_map<std::string, std::uint32_t> pending_by_source_;  // at most max_pending keys
  BackoffTable sources_;
  BackoffTable known_;    // configured principal names: as many as there are principals
  BackoffTable unknown_;  // any other name
};

}  // namespace swarmex::gateway
