// Usage history from before a tenant joined (its own monitoring's export), read into the
// forecasts at start so that they decide well from the first window. CSV with a header line:
//   tenant,t_s,interval_s,cpu_cores,mem_bytes
// one row per sample in time order per tenant, t_s the end of the interval on the workload clock
// (time_axis.hpp); an empty value is a sample not taken. Rows go to the forecasts as reports, and
// every window of the history is decided at its gate as the service would have decided it, so
// that the methods calibrate on it (the conformal margin is learnt from past windows' decisions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "swarmex/forecast/tenant_forecasts.hpp"

namespace swarmex::autopilot {

// The windows the history is decided in: `window_s` long from multiples of it, each decided
// `lead_s` before its start. The last window whose gate falls after the history is left to the
// service.
struct HistoryWindows {
  std::int64_t window_s = 3600;
  std::int64_t lead_s = 900;
};

// Returns the rows read; throws std::runtime_error naming the file and line of a malformed row.
std::size_t import_history(const std::string& path, forecast::TenantForecasts& forecasts,
                           HistoryWindows windows = {});

}  // namespace swarmex::autopilot
