// `swarmex report`: runs `swarmex-report` (tools/report/), installed beside `swarmex`, with the
// same arguments: the market report replays journals through the matching engine, which the
// client does not link.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

// Adds the `report` subcommand to `app`; `exit_code` receives a failure to start the tool.
void add_report_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
