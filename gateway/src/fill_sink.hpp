// Where a host's fills go besides its sessions: the fill fan-out of a cluster's leader
// (fill_fanout.hpp, docs/cluster.md). No NATS here: the gateway builds without libnats.
#pragma once

#include <cstdint>
#include <span>

namespace swarmex::gateway {

// What became of the fills handed to a sink so far.
struct FillSinkStats {
  std::uint64_t published = 0;  // handed to NATS
  std::uint64_t stored = 0;     // stored by the stream (duplicates dropped by it included)
  std::uint64_t failed = 0;     // refused or unanswered
  std::uint64_t dropped = 0;    // not published: too many were waiting for their answer
};

class FillSink {
 public:
  virtual ~FillSink() = default;
  // Any thread (the metrics' collection).
  [[nodiscard]] virtual FillSinkStats stats() const noexcept = 0;
  // On the host's home I/O thread, for each fill as it is appended to the host's fill stream (in
  // the host's order): `frame` is the encoded Fill its sessions get. Never blocks.
  virtual void publish(std::uint32_t host_id, std::uint64_t seq,
                       std::span<const std::uint8_t> frame) = 0;
};

}  // namespace swarmex::gateway
