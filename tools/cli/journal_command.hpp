// `swarmex journal verify|dump|stats DIR`: offline inspection of a journal directory.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

// Adds the `journal` subcommand to `app`; `exit_code` receives the result when it ran.
void add_journal_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
