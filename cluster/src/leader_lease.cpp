#include "swarmex/cluster/leader_lease.hpp"

#include "swarmex/cluster/error.hpp"

namespace swarmex::cluster {

bool LeaderLease::try_acquire() {
  if (held()) return renew();
  std::uint64_t rev = 0;
  if (bucket_.create(key_, node_, &rev) == KvResult::Ok) {
    revision_ = rev;
    confirmed_at_ = std::chrono::steady_clock::now();
    return true;
  }
  return false;
}

bool LeaderLease::renew() {
  if (!held()) return false;
  std::uint64_t rev = 0;
  switch (bucket_.update(key_, node_, revision_, &rev)) {
    case KvResult::Ok:
      revision_ = rev;
      confirmed_at_ = std::chrono::steady_clock::now();
      return true;
    case KvResult::Conflict:
      revision_ = 0;
      return false;
    case KvResult::Unavailable:
      return true;
  }
  return false;
}

void LeaderLease::release() {
  if (!held()) return;
  try {
    const auto e = bucket_.get(key_);
    if (e && e->value == node_) bucket_.erase(key_);
  } catch (const NatsError&) {
  }
  revision_ = 0;
}

std::optional<std::string> LeaderLease::holder() {
  const auto e = bucket_.get(key_);
  if (!e) return std::nullopt;
  return e->value;
}

}  // namespace swarmex::cluster
