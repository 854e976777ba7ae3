// Leader election on a key-value bucket with a TTL: the leader is whoever created the key
// (create-if-absent) and keeps renewing it (update at its revision) faster than the TTL. A
// leader that misses its renewals loses the key when it expires; another node's create then
// succeeds. The lease alone does not fence a paused leader (its clock may be behind): the
// journal stream's expected last sequence does (fenced_publisher.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "swarmex/cluster/kv_bucket.hpp"

namespace swarmex::cluster {

class LeaderLease {
 public:
  LeaderLease(KvBucket& bucket, std::string key, std::string node)
      : bucket_(bucket), key_(std::move(key)), node_(std::move(node)) {}

  // True when this node holds the lease now (it created the key, or already held it).
  bool try_acquire();
  // True while held; false once lost (expired and taken, or never held). Unavailable answers
  // keep it held until the TTL would have run out: the caller decides when to give up.
  bool renew();
  // A planned step-down: deletes the key when it is still ours.
  void release();
  [[nodiscard]] bool held() const noexcept { return revision_ != 0; }
  [[nodiscard]] std::uint64_t revision() const noexcept { return revision_; }
  // When the cluster last confirmed it (acquired or renewed): past the TTL, assume it is lost.
  [[nodiscard]] std::chrono::steady_clock::time_point confirmed_at() const noexcept {
    return confirmed_at_;
  }
  [[nodiscard]] const std::string& key() const noexcept { return key_; }
  // The node named in the key now (nullopt: nobody).
  std::optional<std::string> holder();

 private:
  KvBucket& bucket_;
  std::string key_;
  std::string node_;
  std::uint64_t revision_ = 0;
  std::chrono::steady_clock::time_point confirmed_at_{};
};

}  // namespace swarmex::cluster
