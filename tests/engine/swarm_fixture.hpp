// Helpers for swarm-order tests: build a swarm command and read what it did.
#pragma once

#include <initializer_list>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"

namespace swarmex::engine::test {

inline Command swarm_command(OrderId id, OwnerId owner, Placement placement, TimeInForce tif,
                             Price limit_total, std::initializer_list<SwarmLeg> legs) {
  Command c;
  c.kind = CommandKind::SwarmOrder;
  c.swarm = SwarmOrder{};
  SwarmOrder& s = c.swarm;
  s.order_id = id;
  s.owner = owner;
  s.tif = tif;
  s.placement = placement;
  s.limit_total = limit_total;
  s.client_order_id = id;
  for (const SwarmLeg& l : legs)
    s.legs[s.leg_count++] = l;
  return c;
}

// Fills of one swarm order in the events, in order.
inline std::vector<Event> swarm_fills(const std::vector<Event>& ev, OrderId swarm) {
  std::vector<Event> r;
  for (const Event& e : ev)
    if (e.kind == EventKind::Fill && e.order_id == swarm) r.push_back(e);
  return r;
}

inline Price total_of(const std::vector<Event>& fills) {
  Price t = 0;
  for (const Event& f : fills)
    t += f.price * f.qty;
  return t;
}

}  // namespace swarmex::engine::test
