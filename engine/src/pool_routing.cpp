#include "swarmex/engine/pool_routing.hpp"

#include <algorithm>

namespace swarmex::engine {

std::vector<InstrumentSpec> tradable_instruments(const std::vector<InstrumentSpec>& spot,
                                                 const std::vector<Product>& products) {
  std::vector<InstrumentSpec> out = spot;
  for (const Product& p : products)
    for (std::uint32_t s = 0; s < book_count(p); ++s)
      out.push_back(book_spec(p, s));
  return out;
}

std::vector<std::uint32_t> partition_of_pool(const std::vector<InstrumentSpec>& instruments,
                                             std::uint32_t partitions) {
  std::vector<std::string> pools;
  InstrumentId max_id = 0;
  for (const auto& spec : instruments) {
    max_id = std::max(max_id, spec.id);
    if (std::find(pools.begin(), pools.end(), spec.pool) == pools.end()) pools.push_back(spec.pool);
  }
  std::vector<std::uint32_t> out(static_cast<std::size_t>(max_id) + 1, 0);
  for (const auto& spec : instruments) {
    const auto pool = std::find(pools.begin(), pools.end(), spec.pool) - pools.begin();
    out[spec.id] = static_cast<std::uint32_t>(pool) % std::max<std::uint32_t>(partitions, 1);
  }
  return out;
}

PoolRouting::PoolRouting(const std::vector<InstrumentSpec>& instruments, std::uint32_t partitions)
    : partitions_(std::max<std::uint32_t>(partitions, 1)),
      route_(std::make_unique<std::atomic<std::uint32_t>[]>(kMaxInstrumentId + 1)) {
  const std::vector<std::uint32_t> of = partition_of_pool(instruments, partitions_);
  for (const InstrumentSpec& spec : instruments) {
    if (spec.id > kMaxInstrumentId) continue;
    route_[spec.id].store(of[spec.id], std::memory_order_relaxed);
    pool_partition_.emplace(spec.pool, of[spec.id]);
  }
}

std::uint32_t PoolRouting::partition_for_pool(const std::string& pool) {
  std::lock_guard lock(pools_mu_);
  const auto known = pool_partition_.find(pool);
  if (known != pool_partition_.end()) return known->second;
  const auto partition = static_cast<std::uint32_t>(pool_partition_.size() % partitions_);
  pool_partition_.emplace(pool, partition);
  return partition;
}

void PoolRouting::learn(const InstrumentSpec& spec, std::uint32_t partition) {
  set_route(spec.id, partition);
  std::lock_guard lock(pools_mu_);
  pool_partition_.emplace(spec.pool, partition);
}

}  // namespace swarmex::engine
