// Fills per host on a stream (docs/cluster.md, "Fill fan-out per host"): the leader publishes each
// host fill, in the host's order, to "<cluster>.fills.<host_id>" on the stream "<cluster>-fills";
// a host controller reads its subject from its last enacted sequence on. The payload is the wire
// Fill frame the host's session would get; the headers carry its place in the host's fill stream.
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/cluster/stream.hpp"

namespace swarmex::cluster {

inline constexpr const char* kFillSeqHeader = "Swx-Seq";    // the fill's stream_seq
inline constexpr const char* kFillPrevHeader = "Swx-Prev";  // the host's fill before it (seq - 1)

inline std::string fill_stream_name(const std::string& cluster) {
  return cluster + "-fills";
}
inline std::string fill_subject(const std::string& cluster, std::uint32_t host_id) {
  return cluster + ".fills." + std::to_string(host_id);
}
// Nats-Msg-Id of a fill: the same fill published again (a new leader) is dropped by the stream
// within its duplicate window.
inline std::string fill_msg_id(const std::string& history, std::uint32_t host_id,
                               std::uint64_t seq) {
  return history + "-" + std::to_string(host_id) + "-" + std::to_string(seq);
}
// File storage, `replicas`, the oldest dropped past `per_host` fills of one host, a duplicate
// window of 10 minutes (a takeover's republishing falls well inside it).
inline StreamSpec fill_stream_spec(const std::string& cluster, int replicas,
                                   std::int64_t per_host) {
  StreamSpec s;
  s.name = fill_stream_name(cluster);
  s.subjects = {cluster + ".fills.*"};
  s.replicas = replicas;
  s.duplicate_window_ns = 600'000'000'000;
  s.discard_old = true;
  s.max_msgs_per_subject = per_host;
  return s;
}

}  // namespace swarmex::cluster
