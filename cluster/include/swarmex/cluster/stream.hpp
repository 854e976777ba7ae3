// A JetStream stream: created with its replicas and file storage, or checked when it exists,
// and its state (first and last sequence, the replica that leads it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/cluster/connection.hpp"

namespace swarmex::cluster {

struct StreamSpec {
  std::string name;                   // [A-Za-z0-9_-]
  std::vector<std::string> subjects;  // at least one
  int replicas = 3;
  bool file_storage = true;
  std::int64_t max_bytes = -1;           // -1: unlimited
  std::int32_t max_msg_bytes = -1;       // -1: the server's max_payload
  std::int64_t duplicate_window_ns = 0;  // 0: the server's (2 minutes)
  // A full stream drops its oldest messages (a bounded history) instead of refusing new ones (the
  // journal's choice).
  bool discard_old = false;
  std::int64_t max_msgs_per_subject = -1;  // -1: unlimited; else the newest kept per subject
};

struct StreamState {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;  // 0: empty
  std::uint64_t messages = 0;
  std::int64_t replicas = 0;
  std::string leader;  // the server that leads the stream's group ("" when unknown)
  std::vector<std::string> replicas_current;  // followers that are current
};

// Creates the stream, or returns the state of the one of that name (an existing stream with
// other replicas or storage is refused: throws NatsError). Retries while the cluster has no
// meta leader yet, up to `wait_ms`.
StreamState ensure_stream(JetStream& js, const StreamSpec& spec, std::int64_t wait_ms = 10000);
// Throws NatsError (js code 10059 when it does not exist).
StreamState stream_state(JetStream& js, const std::string& name);
// False when it did not exist.
bool delete_stream(JetStream& js, const std::string& name);

}  // namespace swarmex::cluster
