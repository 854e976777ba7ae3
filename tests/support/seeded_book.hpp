// A book of resting orders for tests that need one full (random command streams leave few
// resting): kSeededCount orders on instrument 1 of random_test_instruments (band 1..200), bids
// low and asks high, and the cancels and modifies that touch them.
#pragma once

#include <cstdint>

#include "swarmex/engine/command.hpp"

namespace swarmex::testing {

inline constexpr engine::OrderId kSeeded = 10'000'000;  // the first seeded order's id
inline constexpr int kSeededCount = 3000;

// A resting order of the seeded book on instrument 1 (band 1..200): bids low, asks high, so they
// rest; eight owners the random streams never use (their mass cancels leave them), three hosts.
inline engine::Command seeded(int k) {
  engine::Command c;
  c.kind = engine::CommandKind::NewOrder;
  const bool buy = k % 2 == 0;
  c.new_order = engine::NewOrder{kSeeded + static_cast<engine::OrderId>(k),
                                 1,
                                 static_cast<engine::OwnerId>(101 + k % 8),
                                 buy ? engine::HostId{0} : static_cast<engine::HostId>(1 + k % 3),
                                 buy ? engine::Side::Buy : engine::Side::Sell,
                                 engine::OrderType::Limit,
                                 engine::TimeInForce::Gtc,
                                 engine::StpMode::None,
                                 false,
                                 buy ? engine::Price{1 + k % 60} : engine::Price{200 - k % 60},
                                 static_cast<engine::Qty>(1 + k % 20),
                                 0,
                                 0};
  return c;
}

// A cancel or modify (qty down, qty up, new price) of seeded order `k`: the writes a snapshot
// in progress must see through.
inline engine::Command touch(int k, int how) {
  const engine::Command o = seeded(k);
  engine::Command c;
  if (how == 0) {
    c.kind = engine::CommandKind::CancelOrder;
    c.cancel = engine::CancelOrder{o.new_order.order_id, o.new_order.owner, 1};
    return c;
  }
  c.kind = engine::CommandKind::ModifyOrder;
  const engine::Price p = o.new_order.price;
  c.modify =
      engine::ModifyOrder{o.new_order.order_id, o.new_order.owner, 1,
                          how == 3 ? (o.new_order.side == engine::Side::Buy ? p + 1 : p - 1) : p,
                          how == 1 ? engine::Qty{1} : o.new_order.qty + 5};
  return c;
}

}  // namespace swarmex::testing
