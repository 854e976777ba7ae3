// Usage telemetry's recent history: per tenant and resource (cpu, mem, io) a ring of the last
// `history_samples` samples hosts reported, for at most `max_tenants` tenants (a new tenant past
// the cap takes the place of the one reported least recently). Bounded memory whatever hosts
// send. Not thread-safe: the server guards it. Never journaled: a restart starts it empty.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "swarmex/engine/types.hpp"

namespace swarmex::gateway {

inline constexpr std::size_t kUsageResources = 3;  // wire::UsageResource Cpu, Mem, Io

// One sample of one resource, as a host reported it (units in docs/protocol.md, UsageSample).
struct UsageRecord {
  engine::HostId host = 0;
  std::int64_t time_ns = 0;
  std::uint32_t interval_ms = 0;
  std::uint8_t resource = 0;  // wire::UsageResource
  std::int64_t used = 0;
  std::int64_t peak = 0;
  std::int64_t held = 0;
  std::string device;  // io: "major:minor"
};

class UsageBoard {
 public:
  UsageBoard(std::size_t history_samples, std::size_t max_tenants);

  // Keeps `r` in the tenant's ring of its resource (the oldest sample goes when it is full).
  void record(engine::OwnerId tenant, const UsageRecord& r);

  // The last `last` samples (0: all held) of each resource of `tenant` (0: every tenant), oldest
  // first per tenant, resources interleaved by time.
  struct Entry {
    engine::OwnerId tenant;
    const UsageRecord* record;
  };
  [[nodiscard]] std::vector<Entry> history(engine::OwnerId tenant, std::size_t last) const;

  [[nodiscard]] std::size_t tenants() const noexcept { return tenants_.size(); }
  [[nodiscard]] std::size_t held(engine::OwnerId tenant, std::uint8_t resource) const;
  [[nodiscard]] std::size_t history_samples() const noexcept { return history_samples_; }
  [[nodiscard]] std::size_t max_tenants() const noexcept { return max_tenants_; }

 private:
  struct Tenant {
    std::array<std::deque<UsageRecord>, kUsageResources> rings;
    std::uint64_t last_update = 0;  // record() count when it last recorded for this tenant
  };
  void append(const Tenant& t, engine::OwnerId id, std::size_t last, std::vector<Entry>& out) const;

  std::size_t history_samples_;
  std::size_t max_tenants_;
  std::uint64_t updates_ = 0;
  std::unordered_map<engine::OwnerId, Tenant> tenants_;
};

}  // namespace swarmex::gateway
