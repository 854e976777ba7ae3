// `swarmex autopilot on|off|status`: a tenant lets the exchange's agent buy for it (on: resource,
// pool, product, maximum unit price, budget per hour, target quantile), withdraws that (off), or
// reads the grants in force (status; the agent and operators see every tenant's).
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_autopilot_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
