// Supply groups: a host's capacity of one resource, shared by every ask it has on instruments of
// that resource — spot leases and delivery windows alike — and counted over time, so a spot
// lease and an hourly window that overlap draw on the same units while windows that never
// overlap do not add up. The engine matches against a host's ask only while the group has room
// for the fill's lease, and trims the host's other asks to what still fits (engine/src/supply.cpp).
//
// Two kinds. A quantity group (cpu, mem, io, …) counts units sold over time. A GPU group (every
// `mig.*` resource of the host) counts GPUs and places each MIG instance sold at a slice start
// of one GPU (the H100 table, mig_profiles.hpp), first fit from GPU 0, so that no two instances
// whose leases overlap share a slice. Ordered containers: deterministic iteration and hashes.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <unordered_set>
#include <vector>

#include "swarmex/engine/mig_profiles.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

struct SupplyKey {
  HostId host;
  std::uint16_t resource;  // the engine's interned resource name (Engine::resource_id)
  auto operator<=>(const SupplyKey&) const = default;
};

// A MIG instance a GPU group has sold: where it sits and for how long.
struct MigPlacement {
  std::uint32_t gpu;
  std::uint8_t profile;  // index in kH100Profiles
  std::uint8_t start;    // first memory slice
  std::int64_t from_ns;
  std::int64_t to_ns;
  bool operator==(const MigPlacement&) const = default;
};

// Most GPUs one host's GPU group may declare (room is counted GPU by GPU).
inline constexpr Qty kMaxGpusPerHost = 64;

class SupplyGroup {
 public:
  Qty capacity = 0;  // units, or GPUs for a GPU group
  bool gpu = false;
  // The engine's interned pool (of the instrument its SetSupply named) and resource: whose
  // utilisation it counts in (pricing.hpp). Not hashed: the commands that set them are.
  std::uint16_t pool = 0xFFFF;
  std::uint16_t resource = 0xFFFF;
  // The host's resting asks that draw on the group (not resale asks), and a bound on their
  // largest quantity: while it fits the least room of any lease nothing needs trimming, so most
  // commands never look at the asks. Derived from the orders: not hashed or saved. Iterated only
  // after sorting (engine events never depend on hash-table order).
  std::unordered_set<OrderId> asks;
  Qty ask_bound = 0;

  // How much more of `profile` (null for a quantity group) fits over [from_ns, to_ns).
  [[nodiscard]] Qty room(const MigProfile* profile, std::int64_t from_ns,
                         std::int64_t to_ns) const noexcept;
  // Records qty sold over [from_ns, to_ns); the caller checked room().
  void sell(const MigProfile* profile, std::int64_t from_ns, std::int64_t to_ns, Qty qty);
  // Takes back the latest sale of qty (a trial sale of a swarm plan).
  void unsell(const MigProfile* profile, std::int64_t from_ns, std::int64_t to_ns, Qty qty);
  // A lower bound on room() over any lease (0 for a GPU group: asks are always looked at).
  [[nodiscard]] Qty least_room() const noexcept;
  // Folds every change before `time_ns` away: the past no longer matters.
  void forget_before(std::int64_t time_ns);

  // Quantity groups: the most sold at any instant of [from_ns, to_ns), and at all.
  [[nodiscard]] Qty peak(std::int64_t from_ns, std::int64_t to_ns) const noexcept;
  [[nodiscard]] Qty peak_ever() const noexcept;

  [[nodiscard]] std::uint64_t hash(const SupplyKey& key) const noexcept;
  // Sold quantity changes by time: +qty at a lease start, -qty at its end.
  [[nodiscard]] const std::map<std::int64_t, Qty>& changes() const noexcept { return delta_; }
  void set_changes(std::map<std::int64_t, Qty> changes) {
    delta_ = std::move(changes);
    peak_ever_ = -1;
  }
  [[nodiscard]] const std::vector<MigPlacement>& placements() const noexcept { return placements_; }
  void set_placements(std::vector<MigPlacement> p) { placements_ = std::move(p); }

 private:
  void add(std::int64_t from_ns, std::int64_t to_ns, Qty qty);
  // GPU group: slices taken on GPU `gpu_index` by instances whose lease overlaps [from_ns, to_ns),
  // and how many of each profile.
  void occupancy(std::uint32_t gpu_index, std::int64_t from_ns, std::int64_t to_ns,
                 std::uint8_t* used, std::uint32_t* counts) const noexcept;
  std::map<std::int64_t, Qty> delta_;
  mutable Qty peak_ever_ = -1;            // -1: not known
  std::vector<MigPlacement> placements_;  // in the order sold
};

}  // namespace swarmex::engine
