// `swarmex token hash [--token T | stdin] [--iterations N]`: the salted hash that the config's
// token_hash keys hold: pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>.
#pragma once

#include <CLI/CLI.hpp>

namespace swarmex::cli {

void add_token_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
