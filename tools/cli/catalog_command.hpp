// `swarmex catalog [--pool P] [--resource R] [--json]`: what each pool sells — hosts and their
// declared capacity, sold now and per window trading now, utilisation, best bid / ask, last price.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_catalog_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
