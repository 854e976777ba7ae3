// Autopilot grants: which tenants let the exchange's agent buy for them, in which resource and
// pool, within what unit price and spend per hour. Engine state (journaled as Autopilot
// commands, in snapshots and the state hash), so every check of an agent's order is decided in
// sequence and survives restarts. Ordered maps: no iteration order depends on hashing. Bounded
// by kMaxGrants per engine.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

inline constexpr std::size_t kMaxGrants = 65536;
inline constexpr std::int64_t kHourNs = 3'600'000'000'000;

struct GrantKey {
  OwnerId owner;  // the tenant
  std::string resource;
  std::string pool;
  auto operator<=>(const GrantKey&) const = default;
};

struct Grant {
  Price max_price = 0;         // per unit per hour, as every price
  Price budget_per_hour = 0;   // what the agent may commit for the tenant per hour of sequence time
  std::int64_t window_ns = 0;  // the product it buys: a window length, 0 for spot
  std::uint32_t target_ppm = 0;  // the forecast quantile to buy at (the autopilot's; stored here)
  // Spend in the sequencer hour `hour` (time_ns / kHourNs): each accepted agent order's price x
  // qty x its lease in hours, counted when accepted (an unfilled remainder is not given back).
  std::int64_t hour = -1;
  Price committed = 0;
  bool operator==(const Grant&) const = default;
};

class Grants {
 public:
  [[nodiscard]] const Grant* find(const GrantKey& key) const noexcept;
  [[nodiscard]] Grant* find(const GrantKey& key) noexcept;
  // Sets (or replaces the limits of) a grant; its spend this hour stays. False when full.
  bool set(const GrantKey& key, const Grant& limits);
  // The grant's spend so far in the hour of `time_ns` (a new hour starts from 0).
  static Price spent_in_hour(const Grant& g, std::int64_t time_ns) noexcept;
  void commit(const GrantKey& key, std::int64_t time_ns, Price cost) noexcept;
  bool erase(const GrantKey& key) noexcept;

  [[nodiscard]] std::uint64_t hash() const noexcept { return hash_; }
  [[nodiscard]] const std::map<GrantKey, Grant>& all() const noexcept { return grants_; }
  // Snapshot restore: every grant as it was, spend included.
  void restore(const GrantKey& key, const Grant& g);

 private:
  static std::uint64_t entry_hash(const GrantKey& key, const Grant& g) noexcept;
  std::map<GrantKey, Grant> grants_;
  std::uint64_t hash_ = 0;
};

}  // namespace swarmex::engine
