// Reads a stream in order from a sequence on: an ordered JetStream consumer (ephemeral, no
// acknowledgements, recreated by the client on a gap), as a standby follows the journal.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "swarmex/cluster/connection.hpp"
#include "swarmex/cluster/fenced_publisher.hpp"

namespace swarmex::cluster {

struct StreamMessage {
  std::uint64_t seq = 0;      // the stream's sequence
  std::uint64_t pending = 0;  // a consumer's: messages after this one it has not delivered yet
  std::vector<std::uint8_t> data;
  std::vector<Header> headers;
  [[nodiscard]] std::string header(const std::string& key) const;  // "" when absent
};

// The message at `seq` (nullopt: none there, deleted or beyond the end). Throws NatsError when the
// stream cannot be read.
std::optional<StreamMessage> get_message(JetStream& js, const std::string& stream,
                                         std::uint64_t seq);
// The newest message on `subject` (nullopt: none). Throws NatsError when the stream cannot be read
// (js code 10059 when it does not exist).
std::optional<StreamMessage> get_last_message(JetStream& js, const std::string& stream,
                                              const std::string& subject);

class StreamFollower {
 public:
  // From `start_seq` (at least 1) on. Throws NatsError.
  StreamFollower(JetStream& js, const std::string& stream, const std::string& subject,
                 std::uint64_t start_seq);
  ~StreamFollower();
  StreamFollower(const StreamFollower&) = delete;
  StreamFollower& operator=(const StreamFollower&) = delete;

  // The next message, or nullopt after `timeout_ms` without one. Throws NatsError when the
  // subscription fails (not on a timeout).
  std::optional<StreamMessage> next(std::int64_t timeout_ms);
  [[nodiscard]] std::uint64_t last_seq() const noexcept { return last_seq_; }

 private:
  natsSubscription* sub_ = nullptr;
  std::uint64_t last_seq_;
};

}  // namespace swarmex::cluster
