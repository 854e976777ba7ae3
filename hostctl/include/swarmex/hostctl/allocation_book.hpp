// Every allocation this host is responsible for, by fill stream sequence, and what each tenant
// holds at a given moment. Pure bookkeeping: no I/O, no clock (times are passed in). Everything a
// burst of fills asks for per fill or per slice (capacity over time, the next deadline, what
// starts or ends, each tenant's limits) is kept up to date as allocations change, so its cost
// does not grow with the number of allocations held.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "swarmex/hostctl/allocation.hpp"
#include "swarmex/hostctl/capacity.hpp"
#include "swarmex/hostctl/capacity_timeline.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"

namespace swarmex::hostctl {

class AllocationBook {
 public:
  // False (and nothing changes) when the fill is already known, by sequence or by key.
  bool add(Allocation a);
  [[nodiscard]] bool contains(std::uint64_t stream_seq, const FillKey& key) const;

  // Resale (the resale marketplace): what `tenant` holds in Pending and Active allocations of
  // (resource, device) over exactly [start_ns, end_ns).
  [[nodiscard]] std::int64_t held(const std::string& tenant, const std::string& resource,
                                  const std::string& device, std::int64_t start_ns,
                                  std::int64_t end_ns) const;
  // Resale: moves `to.qty` of `seller`'s holding to the buyer's allocation `to`. Takes it from the
  // seller's Pending and Active allocations of to's resource, device and exact window, newest
  // first (one brought to 0 ends; pinned ones keep only the cpus their new quantity needs), then
  // adds `to`: the host's total stays the same. False, and nothing changes, when the seller holds
  // less than that or `to` is known. `reduced` (when given) gets the sequences taken from; a
  // seller whose Active holding shrank is reported by the next advance().
  bool move(const std::string& seller, Allocation to,
            std::vector<std::uint64_t>* reduced = nullptr);

  // Moves allocations through their windows at `now_ns`: Pending → Active when started,
  // Active → Ended when over, Pending → Refused when over before it ever started. Returns the
  // tenants whose holdings changed (and those a move() shrank since the last call); `started` /
  // `ended` (when given) get the sequences of the allocations that became Active / Ended.
  std::set<std::string> advance(std::int64_t now_ns, std::vector<std::uint64_t>* started,
                                std::vector<std::uint64_t>* ended = nullptr);
  // The earliest start or end still ahead; INT64_MAX when none.
  [[nodiscard]] std::int64_t next_deadline_ns() const noexcept;

  // What the tenant's Active allocations add up to (cpuset: the union of pinned cpus).
  [[nodiscard]] TenantLimits limits_of(const std::string& tenant) const;
  // Tenants with at least one Active allocation.
  [[nodiscard]] std::set<std::string> active_tenants() const;
  // Whether the tenant has a Pending allocation (a window still to come).
  [[nodiscard]] bool has_pending(const std::string& tenant) const;
  // Pending allocations whose window starts at or before `ns`, by start (pre-staging).
  [[nodiscard]] std::vector<std::uint64_t> pending_until(std::int64_t ns) const;
  // Quantity of a resource held by Pending and Active allocations (counts against capacity).
  [[nodiscard]] std::int64_t committed(const std::string& resource,
                                       const std::string& device) const;
  // Capacity over time: the most a resource's Pending and Active allocations hold at any one
  // instant of [from_ns, to_ns). Allocations of windows that never overlap never add up.
  [[nodiscard]] std::int64_t peak(const std::string& resource, const std::string& device,
                                  std::int64_t from_ns, std::int64_t to_ns) const;
  // Cpus held by Active pinned allocations.
  [[nodiscard]] std::set<int> pinned_cpus() const;

  Allocation* find(std::uint64_t stream_seq);
  [[nodiscard]] const std::map<std::uint64_t, Allocation>& all() const noexcept { return by_seq_; }
  // Drops Ended and Refused allocations older than `keep_seq` (they only served deduplication).
  void forget_before(std::uint64_t keep_seq);

 private:
  std::map<std::uint64_t, Allocation> by_seq_;  // ordered: deterministic iteration
  std::set<FillKey> keys_;
  // Tenants whose Active holdings a move() changed: their cgroups are due in the next advance().
  std::set<std::string> moved_from_;
  // Adds (sign +1) or takes out (-1) an allocation's share of every index below, by its state;
  // called around each change of state or quantity.
  void track(std::uint64_t seq, const Allocation& a, std::int64_t sign);
  // Pending + Active quantity by (resource, device), in all and over time, kept as allocations
  // move, so a burst of fills checks capacity without scanning the book once per fill.
  struct Commitment {
    std::int64_t qty = 0;
    CapacityTimeline timeline;
  };
  std::map<std::pair<std::string, std::string>, Commitment> committed_;
  // Pending allocations by start, Active ones by end: what advance() has to look at.
  std::set<std::pair<std::int64_t, std::uint64_t>> deadlines_;
  // What each tenant's Active allocations add up to; cpus come from its pinned ones.
  struct Held {
    std::int64_t allocations = 0;
    std::int64_t vrus = 0;
    std::int64_t mem_shards = 0;
    std::map<std::string, std::int64_t> io_units;  // by device
    std::set<std::uint64_t> pinned;                // Active allocations holding cpus
  };
  std::map<std::string, Held> active_;
  std::map<std::string, std::int64_t> pending_;  // Pending allocations per tenant
};

}  // namespace swarmex::hostctl
