// The random phase: a seeded stream of asks from hosts, bids from tenants (every order type),
// cancels and modifies of recent orders. The same seed gives the same commands, so the same
// books and fills, whatever the thread timing.
#pragma once

#include <cstdint>
#include <vector>

#include "commands.hpp"
#include "market.hpp"

namespace swarmex::demo {

struct RandomFlowConfig {
  std::uint64_t seed = 1;
  std::size_t commands = 0;
};

// Takes order ids from `next_order_id` upwards.
std::vector<Command> random_flow(const Market& market, const RandomFlowConfig& config,
                                 OrderId& next_order_id);

}  // namespace swarmex::demo
