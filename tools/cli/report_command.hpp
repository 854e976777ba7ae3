// `swarmex report`: the market report (spend, revenue, margin, fees, volume, VWAP, utilisation)
// computed offline from a journal by deterministic replay, with the server's configuration.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace swarmex::cli {

// Adds the `report` subcommand to `app`; `exit_code` receives the result when it ran.
void add_report_command(CLI::App& app, int& exit_code);

// A --from/--to time: nanoseconds since the epoch, or ISO-8601 UTC (2026-12-06T10:00:00Z);
// nullopt when it is neither.
std::optional<std::int64_t> parse_report_time(const std::string& text);

}  // namespace swarmex::cli
