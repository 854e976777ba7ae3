// `swarmex order new|cancel|modify|mass-cancel`: one request, then the order's reports.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

// Adds the `order` subcommand to `app`; `exit_code` receives the result when it ran
// (0 ok, 1 error or no answer, 2 rejected).
void add_order_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
