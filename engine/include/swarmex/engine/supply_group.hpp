// Supply groups: a host's capacity of one resource, shared by every ask it has on instruments of
// that resource — spot leases and delivery windows alike — and counted over time, so a spot
// lease and an hourly window that overlap draw on the same units while windows that never
// overlap do not add up. The engine matches against a host's ask only while the group has room
// for the fill's lease, and trims the host's other asks to what still fits (engine/src/supply.cpp).
// Ordered maps: deterministic iteration, snapshots and hashes.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <unordered_set>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

struct SupplyKey {
  HostId host;
  std::uint16_t resource;  // the engine's interned resource name (Engine::resource_id)
  auto operator<=>(const SupplyKey&) const = default;
};

class SupplyGroup {
 public:
  Qty capacity = 0;
  // The host's resting asks that draw on the group (not resale asks), and a bound on their
  // largest quantity: while it fits the least room of any lease nothing needs trimming, so most
  // commands never look at the asks. Derived from the orders: not hashed or saved. Iterated only
  // after sorting (engine events never depend on hash-table order).
  std::unordered_set<OrderId> asks;
  Qty ask_bound = 0;

  // The most sold at any instant of [from_ns, to_ns).
  [[nodiscard]] Qty peak(std::int64_t from_ns, std::int64_t to_ns) const noexcept;
  // The most sold at any instant at all (cached until the next sale).
  [[nodiscard]] Qty peak_ever() const noexcept;
  // Records qty sold over [from_ns, to_ns) (negative: takes a trial sale back).
  void sell(std::int64_t from_ns, std::int64_t to_ns, Qty qty);
  // Folds every change before `time_ns` into one at `time_ns`: the past no longer matters.
  void forget_before(std::int64_t time_ns);

  [[nodiscard]] std::uint64_t hash(const SupplyKey& key) const noexcept;
  // Sold quantity changes by time: +qty at a lease start, -qty at its end.
  [[nodiscard]] const std::map<std::int64_t, Qty>& changes() const noexcept { return delta_; }
  void set_changes(std::map<std::int64_t, Qty> changes) {
    delta_ = std::move(changes);
    peak_ever_ = -1;
  }

 private:
  std::map<std::int64_t, Qty> delta_;
  mutable Qty peak_ever_ = -1;  // -1: not known
};

}  // namespace swarmex::engine
