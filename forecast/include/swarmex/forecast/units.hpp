// The exchange's units for forecasts: cpu in VRUs (0.1 core), memory in shards (256 MiB).
// Forecasts are made in natural units (cores, bytes) and bought in whole units.
#pragma once

#include <cstdint>
#include <string_view>

namespace swarmex::forecast {

enum class Resource : uint8_t { cpu, mem };

inline constexpr double kCoresPerVru = 0.1;
inline constexpr double kBytesPerShard = 256.0 * 1024 * 1024;
inline constexpr int64_t kDay_s = 24 * 3600;

std::string_view resource_name(Resource resource);
double natural_per_unit(Resource resource);
double to_units(Resource resource, double natural);
// Whole units that cover `natural`; at least 1 when the tenant has used anything so far.
int64_t whole_units(Resource resource, double natural, bool seen_usage);

}  // namespace swarmex::forecast
