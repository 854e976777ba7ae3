// Usage history from before a tenant joined (its own monitoring's export), read into the
// forecasts at start so that they decide well from the first window. CSV with a header line:
//   tenant,t_s,interval_s,cpu_cores,mem_bytes
// one row per sample in time order per tenant, t_s the end of the interval on the workload clock
// (time_axis.hpp); an empty value is a sample not taken. Rows go to the forecasts as reports.
#pragma once

#include <cstddef>
#include <string>

#include "swarmex/forecast/tenant_forecasts.hpp"

namespace swarmex::autopilot {

// Returns the rows read; throws std::runtime_error naming the file and line of a malformed row.
std::size_t import_history(const std::string& path, forecast::TenantForecasts& forecasts);

}  // namespace swarmex::autopilot
