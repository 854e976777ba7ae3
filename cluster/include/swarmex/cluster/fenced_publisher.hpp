// Publishes to a stream with the expected last sequence: each message lands right after the one
// this publisher last saw, or not at all. A node that another one has written after (a deposed
// leader) finds out at its next publish (Fenced) and can never append again. A publish whose
// answer was lost is retried under the same message id until `deadline_ms`; when the retry
// finds the sequence taken, the message there is checked for that id (it was ours) before the
// publisher declares itself fenced.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "swarmex/cluster/connection.hpp"

namespace swarmex::cluster {

struct Header {
  std::string key;
  std::string value;
};

enum class PublishResult : std::uint8_t {
  Ok,           // stored by a quorum of the stream's replicas at `seq`
  Fenced,       // another publisher appended first: this one must stop
  Unavailable,  // no answer within the deadline (no quorum, no connection)
};
const char* to_string(PublishResult r) noexcept;

struct PublishOutcome {
  PublishResult result = PublishResult::Unavailable;
  std::uint64_t seq = 0;
  std::string error;  // empty when Ok
};

class FencedPublisher {
 public:
  // `last_seq`: the stream's last sequence this node has applied (0: empty stream). `node` names
  // this publisher in message ids and must differ between nodes.
  FencedPublisher(JetStream& js, std::string stream, std::string subject, std::string node,
                  std::uint64_t last_seq, std::int64_t deadline_ms = 5000);

  PublishOutcome publish(std::span<const std::uint8_t> data, std::span<const Header> headers = {});
  [[nodiscard]] std::uint64_t last_seq() const noexcept { return last_seq_; }
  // After this node applied messages another node published (a standby catching up).
  void set_last_seq(std::uint64_t seq) noexcept { last_seq_ = seq; }
  [[nodiscard]] const std::string& subject() const noexcept { return subject_; }

 private:
  bool ours_at(std::uint64_t seq, const std::string& msg_id);

  JetStream& js_;
  std::string stream_;
  std::string subject_;
  std::string node_;
  std::uint64_t last_seq_;
  std::int64_t deadline_ms_;
};

}  // namespace swarmex::cluster
