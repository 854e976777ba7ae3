// Pools across clusters (docs/cluster.md): which pools this node's cluster serves, and where the
// others live as the exchange-wide pool map bucket last said. The set served is fixed at start
// (lock-free reads on every order); the homes of the others are refreshed by the cluster node's
// thread and read only to word a refusal.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace swarmex::gateway {

struct PoolHome {
  std::string cluster;  // the cluster serving it
  std::string clients;  // its leader's client address(es), host:port[,host:port]
};

class PoolMap {
 public:
  // `served`: the pools of [cluster] pools (empty: every pool, as a single cluster).
  PoolMap(std::string cluster, std::vector<std::string> served);

  [[nodiscard]] bool serves_all() const noexcept { return served_.empty(); }
  [[nodiscard]] bool serves(std::string_view pool) const noexcept;
  [[nodiscard]] const std::vector<std::string>& served() const noexcept { return served_; }
  [[nodiscard]] const std::string& cluster() const noexcept { return cluster_; }

  void set_home(const std::string& pool, PoolHome home);
  // The cluster serving `pool` ("" when not known yet).
  [[nodiscard]] std::string cluster_of(const std::string& pool) const;
  // "pool 'p' is served by cluster c at host:port" (or "... not by this cluster (c)").
  [[nodiscard]] std::string where(const std::string& pool) const;

 private:
  std::string cluster_;
  std::vector<std::string> served_;
  mutable std::mutex mutex_;
  std::map<std::string, PoolHome, std::less<>> homes_;
};

}  // namespace swarmex::gateway
