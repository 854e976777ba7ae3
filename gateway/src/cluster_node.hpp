// swarmexd's part in a cluster (durability "replicated" / "replicated+sync", docs/cluster.md):
// the NATS connection, one journal stream per engine partition, the leader lease. Every node
// starts as a hot standby: it applies the streams to its own exchange (journal and engines,
// state hashes checked against the leader's) until it holds the lease; then it catches up to
// each stream's end, fences it (a deposed leader's next append fails) and hands the exchange one
// replicator per partition. While it leads, a thread renews the lease;
// a leader that loses it, or whose append is fenced, logs it and exits at once (status 75)
// without acknowledging anything more.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "swarmex/cluster/connection.hpp"
#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/kv_bucket.hpp"
#include "swarmex/cluster/leader_lease.hpp"
#include "swarmex/gateway/config.hpp"

#include "cluster_follower.hpp"
#include "metrics.hpp"
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

  // Before wait_for_lease: partition i of the exchange stands at at[i] (last seq, state hash);
  // what each stream holds after that goes through `apply`.
  void attach(ClusterFollower::Apply apply,
              const std::vector<std::pair<engine::Seq, std::uint64_t>>& at);
  // Standby: follows every stream into the exchange and tries the lease every
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
  // Commands this node applied from the streams (standby and catch-up).
  [[nodiscard]] std::uint64_t followed() const noexcept;
  // Stream messages whose state hash this node found equal to its own.
  [[nodiscard]] std::uint64_t checked() const noexcept;
  // Any thread (metrics): leading or not, and how the standby part keeps up.
  [[nodiscard]] ClusterLevels levels() const;
  // Partition count (the streams).
  [[nodiscard]] std::uint32_t partitions() const noexcept;
  // Pools across clusters (cluster_pools.cpp), once leading and listening: claims [cluster]
  // pools in the pool map bucket for this cluster with `clients` (this leader's address); throws
  // std::runtime_error when another cluster serves one. Then a thread reads the other pools'
  // homes into `map` every second.
  void claim_pools(PoolMap& map, const std::string& clients);

 private:
  [[noreturn]] void step_down(const std::string& why);
  void stop_pool_watch();
  void stop_renewal();

  Config config_;
  std::string node_;
  std::unique_ptr<cluster::Connection> conn_;
  std::unique_ptr<cluster::JetStream> js_;
  std::unique_ptr<cluster::KvBucket> bucket_;
  std::unique_ptr<cluster::LeaderLease> lease_;
  std::vector<std::unique_ptr<ClusterFollower>> followers_;
  std::vector<std::unique_ptr<cluster::JournalStreamReplicator>> replicators_;
  std::atomic<bool> leading_{false};
  std::atomic<bool> renewing_{false};
  std::mutex renew_mu_;
  std::condition_variable renew_cv_;
  std::thread renewal_;
  std::unique_ptr<cluster::KvBucket> pool_bucket_;
  std::atomic<bool> watching_{false};
  std::thread pool_watch_;
};

}  // namespace swarmex::gateway
