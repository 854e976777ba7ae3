// Block orders: one resource in consecutive windows of a scheduled product, all or none. The
// gateway turns one into a swarm order whose legs are the windows' book instruments.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/swarm_order.hpp"

namespace swarmex::gateway {

// The windows of a block order, once its product is found (find_product).
struct BlockSpec {
  std::int64_t start_ns = 0;  // the first window's start
  std::uint32_t windows = 1;
  engine::Qty qty = 0;                // per window, unless qtys is not empty
  std::span<const engine::Qty> qtys;  // one per window
};

// The product a block names, or null (several of that resource and pool and no length given
// counts as none).
const engine::Product* find_product(const std::vector<engine::Product>& products,
                                    std::string_view resource, std::string_view pool,
                                    std::int64_t length_ns);

// Fills s.legs with one leg per window. Every window must be trading at `now_ns` (so no leg
// lands on a book that still holds another window): InvalidWindow when start_ns is not a window
// boundary or the count is 0 or above kMaxSwarmLegs, InvalidLegs when qtys does not have one
// quantity per window, WindowNotTrading when a window is not listed or past gate closure.
engine::RejectReason block_legs(const engine::Product& p, const BlockSpec& b, std::int64_t now_ns,
                                engine::SwarmOrder& s);

}  // namespace swarmex::gateway
