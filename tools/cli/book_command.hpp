// `swarmex book INSTRUMENT [--depth N] [--follow SECONDS]`: the book snapshot, then optionally
// its updates and trades.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_book_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
