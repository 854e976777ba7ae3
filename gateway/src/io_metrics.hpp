// What one gateway I/O thread measures, written by that thread alone: each new order from the read
// of its frame to its sequencing and to its acknowledgement (the Accepted or Rejected report
// written to the session). A direct-mapped table remembers when each order in flight was read;
// an order whose slot a later one took before its ack is not measured.
#pragma once

#include <cstdint>
#include <vector>

#include "metric_histogram.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::gateway {

class IoMetrics {
 public:
  IoMetrics() : slots_(kSlots), wall_minus_steady_ns_(common::wall_minus_steady_ns()) {}

  // A new order sent to the engine, its frame read at steady time `read_ns`.
  void order_submitted(engine::OrderId id, std::int64_t read_ns) noexcept {
    slots_[id & (kSlots - 1)] = Slot{id, read_ns + wall_minus_steady_ns_};
  }
  // Its Accepted or Rejected, sequenced at `sequenced_ns` (wall clock), about to be written.
  void order_acked(engine::OrderId id, std::int64_t sequenced_ns) noexcept {
    Slot& s = slots_[id & (kSlots - 1)];
    if (s.order_id != id || id == 0) return;
    s.order_id = 0;
    order_to_sequenced.observe(sequenced_ns - s.read_ns);
    order_to_ack.observe(common::wall_ns() - s.read_ns);
  }

  OwnedHistogram order_to_sequenced;
  OwnedHistogram order_to_ack;

 private:
  struct Slot {
    engine::OrderId order_id = 0;
    std::int64_t read_ns = 0;  // wall clock
  };
  static constexpr std::size_t kSlots = 4096;  // orders in flight per thread that are measured
  std::vector<Slot> slots_;
  std::int64_t wall_minus_steady_ns_;
};

}  // namespace swarmex::gateway
