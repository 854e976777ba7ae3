#include "pool_map.hpp"

#include <algorithm>

namespace swarmex::gateway {

PoolMap::PoolMap(std::string cluster, std::vector<std::string> served)
    : cluster_(std::move(cluster)), served_(std::move(served)) {}

bool PoolMap::serves(std::string_view pool) const noexcept {
  return served_.empty() || std::find(served_.begin(), served_.end(), pool) != served_.end();
}

void PoolMap::set_home(const std::string& pool, PoolHome home) {
  std::lock_guard lock(mutex_);
  homes_[pool] = std::move(home);
}

std::string PoolMap::cluster_of(const std::string& pool) const {
  std::lock_guard lock(mutex_);
  const auto it = homes_.find(pool);
  return it == homes_.end() ? std::string() : it->second.cluster;
}

std::string PoolMap::where(const std::string& pool) const {
  std::lock_guard lock(mutex_);
  const auto it = homes_.find(pool);
  if (it == homes_.end())
    return "pool '" + pool + "' is not served by cluster " + cluster_ +
           " (the pool map does not say where it is yet)";
  return "pool '" + pool + "' is served by cluster " + it->second.cluster + " at " +
         it->second.clients;
}

}  // namespace swarmex::gateway
