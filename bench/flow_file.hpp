// Flow files (written by swarmex-gen-flow) decoded into engine commands, ahead of any timing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::bench {

struct Flow {
  std::vector<engine::Command> commands;          // seq = 1..N in file order
  std::vector<engine::InstrumentId> instruments;  // every id a new order names, ascending
  std::uint64_t new_orders = 0;                   // N lines
  std::uint64_t ioc_orders = 0;                   // I lines
  std::uint64_t cancels = 0;
  std::uint64_t modifies = 0;
  engine::OrderId max_order_id = 0;
};

// Owner of an order in a flow: spreads orders over 1,024 owners, so self-trades happen but rarely.
constexpr engine::OwnerId flow_owner(engine::OrderId id) noexcept {
  return static_cast<engine::OwnerId>(1 + id % 1024);
}

// Reads and decodes the whole file. Throws std::runtime_error naming the line on bad input.
Flow load_flow(const std::string& path);

// The instrument every flow instrument gets: tick 1, lot 1, qty 1..1,000,000, band 1..32767.
engine::InstrumentSpec flow_instrument(engine::InstrumentId id);

}  // namespace swarmex::bench
