// Fair share of an engine partition's order pool (engine.order_capacity): the orders one
// principal has in each partition — sent and not yet answered, or resting — counted before
// sequencing against its limits.resting_orders_per_partition. Counted from what the principal
// sends (and, at start-up, what the journal replays and the snapshot holds) and ended by what its
// reports say: a reject, a cancel (asked, expired, mass, on disconnect...), the fill that leaves
// nothing. The engine never sees the limit; replay never checks it. Swarm orders have their own
// pool (engine.swarm_capacity) and are not counted. Lives in the principal's PrincipalState, on
// its home thread.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "reports.hpp"
#include "swarmex/engine/event.hpp"

namespace swarmex::gateway {

class OrderQuota {
 public:
  // Orders counted in `partition`.
  [[nodiscard]] std::uint32_t in(std::uint32_t partition) const noexcept {
    return partition < per_partition_.size() ? per_partition_[partition] : 0;
  }
  [[nodiscard]] std::size_t size() const noexcept { return live_.size(); }
  // An order (a resale: its `legs` asks, ids id .. id + legs - 1) in `partition`, counted until
  // it ends. Counting one already counted changes nothing.
  void add(engine::OrderId id, std::uint32_t partition, std::uint32_t legs = 1) {
    if (legs > 1) resales_[id] = legs;
    for (std::uint32_t i = 0; i < legs; ++i) {
      if (!live_.emplace(id + i, partition).second) continue;
      if (per_partition_.size() <= partition) per_partition_.resize(partition + 1, 0);
      ++per_partition_[partition];
    }
  }
  // Start-up: room for `n` more orders, so a rebuild does not rehash on the way.
  void reserve(std::size_t n) { live_.reserve(live_.size() + n); }
  // A report on this principal's stream (its copy, for the agent); `partition`: the instrument's.
  // An Accepted order not yet counted (placed by the agent for this tenant) is counted from here.
  void note(const ExecReport& r, const engine::Event& e, std::uint32_t partition) {
    switch (e.kind) {
      case engine::EventKind::Accepted:
        if (e.command == engine::CommandKind::NewOrder) add(r.order_id, partition);
        if (e.command == engine::CommandKind::Resell) resales_.erase(r.order_id);
        return;
      case engine::EventKind::Rejected:
        if (e.command == engine::CommandKind::Resell) {
          auto it = resales_.find(r.order_id);
          const std::uint32_t legs = it != resales_.end() ? it->second : 1;
          if (it != resales_.end()) resales_.erase(it);
          for (std::uint32_t i = 0; i < legs; ++i)
            end(r.order_id + i);
          return;
        }
        if (e.command == engine::CommandKind::NewOrder) end(r.order_id);
        return;
      case engine::EventKind::Cancelled:
        return end(r.order_id);
      case engine::EventKind::Fill:
        if (r.leaves_qty <= 0) end(r.order_id);
        return;
      default:
        return;
    }
  }

 private:
  void end(engine::OrderId id) {
    auto it = live_.find(id);
    if (it == live_.end()) return;
    --per_partition_[it->second];
    live_.erase(it);
  }

  std::unordered_map<engine::OrderId, std::uint32_t> live_;     // order -> partition
  std::unordered_map<engine::OrderId, std::uint32_t> resales_;  // first leg -> legs, until answered
  std::vector<std::uint32_t> per_partition_;
};

}  // namespace swarmex::gateway
