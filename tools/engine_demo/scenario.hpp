// The scripted phase: hosts post supply, tenants trade against it with every order type, and each
// step states the outcome it expects, which the demo checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "market.hpp"

namespace swarmex::demo {

struct Expect {
  std::optional<engine::RejectReason> reject;  // nullopt: accepted (on every partition it reaches)
  Qty filled_qty = 0;                          // summed over the step's fills
  // Cancel of the command's own order (new, cancelled or modified one); nullopt: none.
  std::optional<engine::CancelReason> own_cancel;
};

struct Step {
  std::string caption;  // what the step shows
  Command cmd;
  Expect expect;
};

// Takes order ids from `next_order_id` upwards.
std::vector<Step> scripted_steps(const Market& market, OrderId& next_order_id);

}  // namespace swarmex::demo
