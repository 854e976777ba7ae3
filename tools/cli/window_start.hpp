// `--start` of the window subcommands: an absolute window start (`2026-11-23T14:00Z`, or
// nanoseconds since the epoch) or one relative to now (`+30s`, `+90m`, `+1h`, `+2d`). A relative
// start names the first window of the product that starts at or after now + offset (rounded up
// to the product's next window boundary); it is resolved against the windows trading now.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "connection.hpp"

namespace swarmex::cli {

struct WindowStart {
  bool relative = false;
  std::int64_t ns = 0;  // relative: the offset from now; else the start since the epoch
};

// Parses a --start value; throws CliError naming the accepted forms.
WindowStart parse_window_start(const std::string& text);

// One window trading now, as ListInstruments names it.
struct ListedWindow {
  std::uint32_t instrument = 0;  // its window book id
  std::int64_t start_ns = 0;
  std::int64_t length_ns = 0;
};

// The listed window `start` names at `now_ns` among one product's trading windows. Throws
// CliError when it names no window trading now, or when `windows` mixes window lengths
// (several products of one resource and pool: the caller narrows with --length-s).
ListedWindow pick_window(const WindowStart& start, std::int64_t now_ns,
                         std::span<const ListedWindow> windows, const std::string& product);

// The windows of `resource` in `pool` trading now (of `length_s` when non-zero), by asking the
// server on `session`.
std::vector<ListedWindow> listed_windows(Session& session, const std::string& resource,
                                         const std::string& pool, std::uint32_t length_s,
                                         int timeout_ms);

}  // namespace swarmex::cli
