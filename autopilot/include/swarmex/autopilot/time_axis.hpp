// The workload's clock as the forecasts see it. In production it is the wall clock (scale 1,
// origins 0). A simulation plays a usage trace faster than it happened: wall time from
// origin_wall_ns on is workload time from origin_s on, `scale` workload seconds per wall second
// (tools/autopilot-sim plays a trace hour in a minute). The exchange's windows and gates stay on
// the wall clock; only what is asked of the forecasts is moved onto this axis.
#pragma once

#include <cmath>
#include <cstdint>

namespace swarmex::autopilot {

struct TimeAxis {
  double scale = 1;
  std::int64_t origin_wall_ns = 0;
  std::int64_t origin_s = 0;

  // The workload second at `wall_ns` (rounded down).
  [[nodiscard]] std::int64_t to_s(std::int64_t wall_ns) const {
    const std::int64_t since_ns = wall_ns - origin_wall_ns;
    if (scale == 1) return origin_s + floor_div(since_ns, 1'000'000'000);
    return origin_s +
           static_cast<std::int64_t>(std::floor(static_cast<double>(since_ns) * scale / 1e9));
  }
  // A wall-clock span (a window's length, a report's interval) in workload seconds.
  [[nodiscard]] std::int64_t span_s(std::int64_t ns) const {
    return static_cast<std::int64_t>(std::llround(static_cast<double>(ns) * scale / 1e9));
  }

 private:
  static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
  }
};

}  // namespace swarmex::autopilot
