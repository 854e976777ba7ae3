// `swarmex dropcopy`: an operator's copy of every execution report of every principal, in the
// exchange's drop copy sequence; resumable with --from-seq, and live with --follow.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_dropcopy_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
