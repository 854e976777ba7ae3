// Where a host's fills go besides its sessions: the fill fan-out of a cluster's leader
// (fill_fanout.hpp, docs/cluster.md). No NATS here: the gateway builds without libnats.
#pragma once

#include <cstdint>
#include <span>

namespace swarmex::gateway {

class FillSink {
 public:
  virtual ~FillSink() = default;
  // On the host's home I/O thread, for each fill as it is appended to the host's fill stream (in
  // the host's order): `frame` is the encoded Fill its sessions get. Never blocks.
  virtual void publish(std::uint32_t host_id, std::uint64_t seq,
                       std::span<const std::uint8_t> frame) = 0;
};

}  // namespace swarmex::gateway
