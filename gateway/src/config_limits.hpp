// Fair share of the shared capacity: the [limits.<role>] tables and each principal's `limits`
// (docs/operations.md, "Per principal: orders, sessions, subscriptions, requests").
#pragma once

#include <toml++/toml.h>

#include <string>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

// Reads root["limits"] into c.role_limits and every principal's own `limits` (the principals
// array of root, parsed into c.principals in the same order), then resolves each principal's
// limits: built-in defaults, its role's table, its own. Needs c.engine and c.server read.
void parse_limits(const toml::table& root, Config& c, const std::string& src);

}  // namespace swarmex::gateway
