// One engine partition's journal stream followed into the partition itself: what a hot standby
// does, and what a new leader does to catch up before it leads. Starts after the last command
// the partition applied (found by a binary search over the stream's Swx-Last headers), applies
// every later command in order (the exchange journals it and runs it through its engine), and
// compares its state hash with the one each message carries (Swx-Hash). A gap, a partition that
// is ahead of the stream (it holds commands the cluster never held), or another state hash at
// the same sequence (the engines diverged) stops it with the reason.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/engine/command.hpp"

namespace swarmex::gateway {

// The standby's state differs from the leader's at the same sequence.
class Diverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ClusterFollower {
 public:
  // Applies commands the leader sequenced (in order, no gap) to the partition; the partition's
  // state hash after them.
  using Apply = std::function<std::uint64_t(std::uint32_t, std::span<const engine::Command>)>;

  // `applied` and `state_hash`: where the partition stands (its recovery from the local
  // journal). Throws std::runtime_error when it is ahead of the stream.
  ClusterFollower(cluster::JetStream& js, const std::string& cluster_name, std::uint32_t partition,
                  engine::Seq applied, std::uint64_t state_hash, Apply apply);

  // Applies what arrives within `timeout_ms` (at most `max_messages`); the count of messages.
  // Throws Diverged, or std::runtime_error on a gap or a bad record.
  std::size_t poll(std::int64_t timeout_ms, std::size_t max_messages = 256);
  // Until the stream's end as it is now.
  void catch_up();

  [[nodiscard]] std::uint64_t stream_seq() const noexcept { return stream_seq_; }
  [[nodiscard]] engine::Seq journal_seq() const noexcept { return journal_seq_; }
  [[nodiscard]] std::uint64_t state_hash() const noexcept { return state_hash_; }
  // Any thread (metrics): commands applied; messages whose state hash this node compared with
  // its own (all equal, or it stopped); messages the stream held after the last one read.
  [[nodiscard]] std::uint64_t appended() const noexcept {
    return appended_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t checked() const noexcept {
    return checked_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t behind() const noexcept {
    return behind_.load(std::memory_order_relaxed);
  }
  // Stops reading the stream (the node leads from here on).
  void close();

 private:
  void apply(const cluster::StreamMessage& m);
  std::uint64_t first_after(engine::Seq seq, std::uint64_t first, std::uint64_t last);

  cluster::JetStream& js_;
  std::string stream_;
  std::string subject_;
  std::uint32_t partition_;
  Apply apply_;
  std::unique_ptr<cluster::StreamFollower> follower_;
  std::vector<engine::Command> commands_;  // one message's new commands
  std::uint64_t stream_seq_ = 0;           // the last stream message applied (or skipped)
  engine::Seq journal_seq_ = 0;            // the partition's last command
  std::uint64_t state_hash_ = 0;           // the partition's state hash there
  std::atomic<std::uint64_t> appended_{0};
  std::atomic<std::uint64_t> checked_{0};
  std::atomic<std::uint64_t> behind_{0};
};

}  // namespace swarmex::gateway
