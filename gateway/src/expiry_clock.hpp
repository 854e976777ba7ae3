// When GTD orders expire, so that the roll timer can carry sequenced time to the partitions then:
// the engine expires an order only at a command, and without traffic nothing else would come. Any
// I/O thread notes the expiry of each GTD order it submits (and start-up those of restored
// orders); the roll timer takes what is due. A cancelled order's time stays: one Roll too many
// costs a journal record, never a missed expiry.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>

namespace swarmex::gateway {

class ExpiryClock {
 public:
  void note(std::int64_t expire_ns) {
    std::lock_guard lock(mu_);
    times_.insert(expire_ns);
  }
  // Whether any expiry is at or before now_ns (and forgets those).
  bool take_due(std::int64_t now_ns) {
    std::lock_guard lock(mu_);
    const auto end = times_.upper_bound(now_ns);
    if (end == times_.begin()) return false;
    times_.erase(times_.begin(), end);
    return true;
  }

 private:
  std::mutex mu_;  // GTD submissions only: other orders never take it
  std::set<std::int64_t> times_;
};

}  // namespace swarmex::gateway
