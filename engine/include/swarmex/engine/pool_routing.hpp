// Which engine partition owns an instrument: all instruments of one pool share a partition, so a
// host (which sells in one pool) has its fills from one partition in that partition's sequence
// order, and its fill stream numbers the same live and after a restart. Pools take partitions in
// the order they first appear, so adding a pool at the end moves no existing instrument; a pool
// first seen live (an instrument created by an operator) takes the next partition in turn.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

// Every book of a configuration: the spot instruments, then each product's window books.
std::vector<InstrumentSpec> tradable_instruments(const std::vector<InstrumentSpec>& spot,
                                                 const std::vector<Product>& products);

// The rule: the partition of every instrument id up to the largest one given (0 for ids not given).
std::vector<std::uint32_t> partition_of_pool(const std::vector<InstrumentSpec>& instruments,
                                             std::uint32_t partitions);

// The routes of a running exchange: read on every command without locks; pools and the routes
// of live-created instruments are added under a lock (the admin path).
class PoolRouting {
 public:
  PoolRouting(const std::vector<InstrumentSpec>& instruments, std::uint32_t partitions);

  [[nodiscard]] std::uint32_t partitions() const noexcept { return partitions_; }
  // The partition that owns an instrument (0 for unknown ids).
  [[nodiscard]] std::uint32_t partition_of(InstrumentId id) const noexcept {
    return id <= kMaxInstrumentId ? route_[id].load(std::memory_order_acquire) : 0;
  }
  // The partition a new instrument of `pool` goes to: its pool's, or the next in turn.
  std::uint32_t partition_for_pool(const std::string& pool);
  // An instrument that now exists in `partition` (created live, or recovered).
  void set_route(InstrumentId id, std::uint32_t partition) noexcept {
    if (id <= kMaxInstrumentId) route_[id].store(partition, std::memory_order_release);
  }
  // A recovered live-created instrument: routed, and its pool known to be in `partition`.
  void learn(const InstrumentSpec& spec, std::uint32_t partition);

 private:
  std::uint32_t partitions_;
  // By instrument id (every id up to kMaxInstrumentId, so a live-created one gets its route
  // without moving anything under readers).
  std::unique_ptr<std::atomic<std::uint32_t>[]> route_;
  std::mutex pools_mu_;
  std::map<std::string, std::uint32_t> pool_partition_;  // every known pool's partition
};

}  // namespace swarmex::engine
