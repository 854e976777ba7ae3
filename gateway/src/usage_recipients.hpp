// Who may read a tenant's usage telemetry: the one rule the history (SubscribeUsage) and the live
// forwarding both ask. A tenant reads its own; operators and the agent (the autopilot, which
// forecasts from it) read every tenant's. Hosts report usage; they read none.
#pragma once

#include "swarmex/engine/types.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

// Whether `viewer` (with role `role`) may read every tenant's usage.
[[nodiscard]] constexpr bool reads_all_usage(Role role) noexcept {
  return role == Role::Operator || role == Role::Agent;
}

// Whether `viewer` may read the usage of `tenant`.
[[nodiscard]] constexpr bool may_read_usage(Role role, engine::OwnerId viewer,
                                            engine::OwnerId tenant) noexcept {
  if (reads_all_usage(role)) return true;
  return role == Role::Tenant && tenant != 0 && viewer == tenant;
}

}  // namespace swarmex::gateway
