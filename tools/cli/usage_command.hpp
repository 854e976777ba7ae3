// `swarmex usage`: what tenants really use, as their hosts report it (usage telemetry). A tenant
// reads its own; an operator (--role operator) every tenant's or one (--tenant).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "swarmex/protocol/codec.hpp"

namespace swarmex::cli {

void add_usage_command(CLI::App& app, int& exit_code);

// One line per sample of a UsageReport: text, or one JSON object each.
std::vector<std::string> usage_lines(const wire::UsageReport& r, bool json);

}  // namespace swarmex::cli
