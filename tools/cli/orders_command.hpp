// `swarmex orders [--tenant NAME] [--json]`: the principal's resting orders (a host: its asks);
// operators name the principal with --tenant.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_orders_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
