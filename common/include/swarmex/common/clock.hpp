// The two clocks Swarmex reads, in nanoseconds. Wall time (CLOCK_REALTIME) dates what leaves the
// process: sequencing stamps, leases, reports. Steady time (CLOCK_MONOTONIC) measures intervals:
// latencies, timeouts, rate limits. The engine itself reads neither.
#pragma once

#include <time.h>

#include <cstdint>

namespace swarmex::common {

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;
inline constexpr std::int64_t kNsPerMs = 1'000'000;

inline std::int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * kNsPerSecond + ts.tv_nsec;
}

inline std::int64_t steady_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * kNsPerSecond + ts.tv_nsec;
}

// Wall minus steady, read once per process: turns a wall-clock stamp of another process into
// this process's steady time (the two clocks drift apart only by NTP slewing).
inline std::int64_t wall_minus_steady_ns() noexcept {
  static const std::int64_t offset = wall_ns() - steady_ns();
  return offset;
}

}  // namespace swarmex::common
