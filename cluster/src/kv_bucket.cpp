#include "swarmex/cluster/kv_bucket.hpp"

#include <chrono>
#include <thread>

#include "swarmex/cluster/error.hpp"

namespace swarmex::cluster {

KvBucket::KvBucket(JetStream& js, const BucketSpec& spec, std::int64_t wait_ms) {
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = spec.name.c_str();
  cfg.History = 1;
  cfg.TTL = spec.ttl_ms * 1'000'000;  // libnats 3.4 passes it on as MaxAge: nanoseconds
  cfg.Replicas = spec.replicas;
  cfg.StorageType = spec.file_storage ? js_FileStorage : js_MemoryStorage;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    natsStatus s = js_CreateKeyValue(&kv_, js.get(), &cfg);
    if (s != NATS_OK) s = js_KeyValue(&kv_, js.get(), spec.name.c_str());  // it exists
    if (s == NATS_OK) return;
    if (std::chrono::steady_clock::now() >= deadline) throw_nats("kv bucket " + spec.name, s);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

KvBucket::~KvBucket() {
  if (kv_ != nullptr) kvStore_Destroy(kv_);
}

KvResult KvBucket::classify(const std::string& key, std::uint64_t expected_revision) {
  try {
    const auto e = get(key);
    const std::uint64_t now = e ? e->revision : 0;
    // create (expected 0): any live value is a conflict; update: any other revision is.
    if (expected_revision == 0 ? e.has_value() : now != expected_revision)
      return KvResult::Conflict;
  } catch (const NatsError&) {
  }
  return KvResult::Unavailable;
}

KvResult KvBucket::create(const std::string& key, const std::string& value,
                          std::uint64_t* revision) {
  std::uint64_t rev = 0;
  const natsStatus s =
      kvStore_Create(&rev, kv_, key.c_str(), value.data(), static_cast<int>(value.size()));
  if (s == NATS_OK) {
    if (revision != nullptr) *revision = rev;
    return KvResult::Ok;
  }
  return classify(key, 0);
}

KvResult KvBucket::update(const std::string& key, const std::string& value, std::uint64_t last,
                          std::uint64_t* revision) {
  std::uint64_t rev = 0;
  const natsStatus s =
      kvStore_Update(&rev, kv_, key.c_str(), value.data(), static_cast<int>(value.size()), last);
  if (s == NATS_OK) {
    if (revision != nullptr) *revision = rev;
    return KvResult::Ok;
  }
  return classify(key, last);
}

std::optional<KvEntry> KvBucket::get(const std::string& key) {
  kvEntry* e = nullptr;
  const natsStatus s = kvStore_Get(&e, kv_, key.c_str());
  if (s == NATS_NOT_FOUND) return std::nullopt;
  if (s != NATS_OK) throw_nats("kv get " + key, s);
  KvEntry out;
  out.value.assign(static_cast<const char*>(kvEntry_Value(e)),
                   static_cast<std::size_t>(kvEntry_ValueLen(e)));
  out.revision = kvEntry_Revision(e);
  kvEntry_Destroy(e);
  return out;
}

void KvBucket::erase(const std::string& key) {
  const natsStatus s = kvStore_Delete(kv_, key.c_str());
  if (s != NATS_OK) throw_nats("kv delete " + key, s);
}

}  // namespace swarmex::cluster
