// `swarmex fills [--host-id N] [--from-seq N] [--follow SECONDS]`: a host's fills, replayed from
// a sequence number and optionally followed live.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_fills_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
