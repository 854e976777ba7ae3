// Times the report takes on its command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace swarmex::report {

// A --from/--to time: nanoseconds since the epoch, or ISO-8601 UTC (2026-12-06T10:00:00Z);
// nullopt when it is neither.
std::optional<std::int64_t> parse_report_time(const std::string& text);

}  // namespace swarmex::report
