// Watches one key of a KvBucket for its deletion: a standby learns at once that a leader stepped
// down (LeaderLease::release deletes the lease) instead of at its next lease attempt. A key that
// expires (the bucket's TTL) produces no event in NATS 2.9: that case is still found by polling.
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/cluster/kv_bucket.hpp"

namespace swarmex::cluster {

class KvWatch {
 public:
  // Throws NatsError when the watch cannot be set up.
  KvWatch(KvBucket& bucket, const std::string& key);
  ~KvWatch();
  KvWatch(const KvWatch&) = delete;
  KvWatch& operator=(const KvWatch&) = delete;

  // True when the key was deleted or purged since the last call; waits up to `timeout_ms` for
  // an event when none is pending (0: does not wait).
  bool deleted(std::int64_t timeout_ms);

 private:
  kvWatcher* watcher_ = nullptr;
};

}  // namespace swarmex::cluster
