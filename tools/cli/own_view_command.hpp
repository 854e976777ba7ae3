// `swarmex orders` and `swarmex holdings [--tenant NAME] [--json]`: the principal's resting
// orders (a host: its asks) and the capacity it holds (windows by host, spot leases); operators
// name the principal with --tenant.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_own_view_commands(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
