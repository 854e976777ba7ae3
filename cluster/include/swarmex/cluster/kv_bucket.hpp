// A JetStream key-value bucket with a TTL (every value expires `ttl_ms` after it was last
// written), and the compare-and-set writes a lease needs: create-if-absent, update at a revision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "swarmex/cluster/connection.hpp"

namespace swarmex::cluster {

struct BucketSpec {
  std::string name;  // [A-Za-z0-9_-]
  int replicas = 3;
  std::int64_t ttl_ms = 0;  // 0: values never expire
  bool file_storage = true;
};

enum class KvResult : std::uint8_t {
  Ok,
  Conflict,     // create: the key exists; update: the key is no longer at that revision
  Unavailable,  // no answer (no quorum, no connection)
};

struct KvEntry {
  std::string value;
  std::uint64_t revision = 0;
};

class KvBucket {
 public:
  // Creates the bucket or binds to the one of that name; retries while the cluster forms, up to
  // `wait_ms` (throws NatsError after).
  KvBucket(JetStream& js, const BucketSpec& spec, std::int64_t wait_ms = 10000);
  ~KvBucket();
  KvBucket(const KvBucket&) = delete;
  KvBucket& operator=(const KvBucket&) = delete;

  KvResult create(const std::string& key, const std::string& value, std::uint64_t* revision);
  KvResult update(const std::string& key, const std::string& value, std::uint64_t last,
                  std::uint64_t* revision);
  // nullopt: absent, deleted or expired. Throws NatsError when the bucket cannot be read.
  std::optional<KvEntry> get(const std::string& key);
  void erase(const std::string& key);  // throws NatsError

 private:
  friend class KvWatch;
  // After a failed create/update: Conflict when the key's state explains it.
  KvResult classify(const std::string& key, std::uint64_t expected_revision);
  kvStore* kv_ = nullptr;
};

}  // namespace swarmex::cluster
