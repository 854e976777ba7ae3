// `swarmex holdings [--tenant NAME] [--json]`: the capacity the tenant holds — window allocations
// by host not resold, and spot leases still running; operators name the tenant with --tenant.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_holdings_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
