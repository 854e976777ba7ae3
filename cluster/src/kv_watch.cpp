#include "swarmex/cluster/kv_watch.hpp"

#include "swarmex/cluster/error.hpp"

namespace swarmex::cluster {

KvWatch::KvWatch(KvBucket& bucket, const std::string& key) {
  kvWatchOptions opts;
  kvWatchOptions_Init(&opts);
  const natsStatus s = kvStore_Watch(&watcher_, bucket.kv_, key.c_str(), &opts);
  if (s != NATS_OK) throw_nats("kv watch " + key, s);
}

KvWatch::~KvWatch() {
  if (watcher_ == nullptr) return;
  kvWatcher_Stop(watcher_);
  kvWatcher_Destroy(watcher_);
}

bool KvWatch::deleted(std::int64_t timeout_ms) {
  bool seen = false;
  // Drains what is pending: the key's current value, the end of the initial values (a null
  // entry) and every later put or delete.
  for (std::int64_t wait = timeout_ms;; wait = 0) {
    kvEntry* e = nullptr;
    if (kvWatcher_Next(&e, watcher_, wait > 0 ? wait : 1) != NATS_OK) return seen;
    if (e == nullptr) continue;
    const kvOperation op = kvEntry_Operation(e);
    seen = seen || op == kvOp_Delete || op == kvOp_Purge;
    kvEntry_Destroy(e);
  }
}

}  // namespace swarmex::cluster
