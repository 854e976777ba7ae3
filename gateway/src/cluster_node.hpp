// swarmexd's part in a cluster (durability "replicated" / "replicated+sync", docs/cluster.md):
// the NATS connection, one journal stream per engine partition, the leader lease. Every node
// starts as a standby: it follows the streams into its own journal until it holds the lease;
// then it catches up to each stream's end, fences it (a deposed leader's next append fails) and
// hands the exchange one replicator per partition. While it leads, a thread renews the lease;
// a leader that loses it, or whose append is fenced, logs it and exits at once (status 75)
// without acknowledging anything more.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "swarmex/cluster/connection.hpp"
#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/kv_bucket.hpp"
#include "swarmex/cluster/leader_lease.hpp"
#include "swarmex/gateway/config.hpp"

#include "cluster_follower.hpp"
#include "pool_map.hpp"

namespace swarmex::gateway {

inline constexpr int kDeposedExitStatus = 75;

class ClusterNode {
 public:
  // Connects, creates (or checks) the streams and the lease bucket. Throws on failure.
  explicit ClusterNode(const Config& config);
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // Standby: follows every stream into the local journals and tries the lease every
  // lease_renew_ms until it holds it (true) or `stop()` says to give up (false).
  bool wait_for_lease(const std::function<bool()>& stop);
  // Catches up, fences every stream, returns a replicator per partition (owned here).
  std::vector<journal::JournalReplicator*> lead();
  // While leading: renews the lease on a thread of its own.
  void start_renewal();
  // A planned step-down (clean stop): stops renewing and frees the lease for a standby. Called
  // after the server stopped, before it is destroyed (the pool watch writes its pool map).
  void release();

  [[nodiscard]] const std::string& node() const noexcept { return node_; }
  [[nodiscard]] std::string nats_url() const { return conn_->connected_url(); }
  // Commands this node appended to its journals from the streams (standby and catch-up).
  [[nodiscard]] std::uint64_t followed() const noexcept;
  // Pools across clusters (cluster_pools.cpp), once leading and listening: claims [cluster]
  // pools in the pool map bucket for this cluster with `clients` (this leader's address); throws
  // std::runtime_error when another cluster serves one. Then a thread reads the other pools'
  // homes into `map` every second.
  void claim_pools(PoolMap& map, const std::string& clients);

 private:
  [[noreturn]] void step_down(const std::string& why);
  void stop_pool_watch();

  Config config_;
  std::string node_;
  std::unique_ptr<cluster::Connection> conn_;
  std::unique_ptr<cluster::JetStream> js_;
  std::unique_ptr<cluster::KvBucket> bucket_;
  std::unique_ptr<cluster::LeaderLease> lease_;
  std::vector<std::unique_ptr<ClusterFollower>> followers_;
  std::vector<std::unique_ptr<cluster::JournalStreamReplicator>> replicators_;
  std::atomic<bool> renewing_{false};
  std::thread renewal_;
  std::unique_ptr<cluster::KvBucket> pool_bucket_;
  std::atomic<bool> watching_{false};
  std::thread pool_watch_;
};

}  // namespace swarmex::gateway
