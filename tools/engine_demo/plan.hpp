// Everything the demo will submit, decided before the partitions start: the commands in order, the
// partition(s) each one is routed to, and the sequence number it will get there. Knowing
// (partition, seq)
// -> command up front is what lets the collector attribute every event without locks.
#pragma once

#include <cstdint>
#include <vector>

#include "commands.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::demo {

struct Plan {
  std::vector<Command> commands;  // in submission order
  std::size_t scripted = 0;       // the first `scripted` commands are the scripted steps
  // Per partition, the command indices in the order that partition applies them: seq s is [s - 1].
  std::vector<std::vector<std::uint32_t>> by_partition;
  // Per order id, the host of the ask (0 for bids and unused ids): every fill must name it.
  std::vector<engine::HostId> seller_host;

  [[nodiscard]] std::uint32_t command_at(std::uint32_t partition, engine::Seq seq) const noexcept {
    return by_partition[partition][seq - 1];
  }
  [[nodiscard]] bool has(std::uint32_t partition, engine::Seq seq) const noexcept {
    return partition < by_partition.size() && seq >= 1 && seq <= by_partition[partition].size();
  }
};

// Routes with the engine's own rule (partition_for), sending a mass cancel of all instruments to
// every partition as ExchangeAssembly::submit does.
Plan make_plan(std::vector<Command> commands, std::size_t scripted,
               journal::ExchangeAssembly& exchange);

}  // namespace swarmex::demo
