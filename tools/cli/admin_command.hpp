// `swarmex admin params|halt|resume|create|instruments|sessions|snapshot`: operator requests,
// each answered by one AdminAck.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_admin_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
