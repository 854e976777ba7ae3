// Swarm order: a bundle of legs on several instruments bought all-or-none, with a placement rule
// and a limit on the total price. Plain data, carried inside a Command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

inline constexpr std::size_t kMaxSwarmLegs = 8;

// Where the legs' capacity may come from. Values are wire values.
enum class Placement : std::uint8_t {
  SameHost = 0,  // every leg from asks of one host
  SamePool = 1,  // every leg's instrument in one pool (checked on entry)
  Any = 2,       // each leg from the cheapest asks wherever they are
  kCount
};

struct SwarmLeg {
  InstrumentId instrument;
  Qty qty;
};

struct SwarmOrder {
  OrderId order_id;
  OwnerId owner;
  TimeInForce tif;  // Ioc or Gtc
  Placement placement;
  std::uint8_t leg_count;
  Price limit_total;  // the most it pays: sum over legs of fill price x qty
  std::uint64_t client_order_id;
  SwarmLeg legs[kMaxSwarmLegs];
};

std::string_view to_string(Placement p) noexcept;

}  // namespace swarmex::engine
