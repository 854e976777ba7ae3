#include "swarmex/forecast/units.hpp"

#include <algorithm>
#include <cmath>

namespace swarmex::forecast {

std::string_view resource_name(Resource resource) {
  return resource == Resource::cpu ? "cpu" : "mem";
}

double natural_per_unit(Resource resource) {
  return resource == Resource::cpu ? kCoresPerVru : kBytesPerShard;
}

double to_units(Resource resource, double natural) {
  return natural / natural_per_unit(resource);
}

int64_t whole_units(Resource resource, double natural, bool seen_usage) {
  // A hair under a whole unit is that unit: 0.3 cores is 3 VRUs, not 3.0000000004.
  const double units = std::max(0.0, to_units(resource, natural) - 1e-9);
  const auto whole = static_cast<int64_t>(std::ceil(units));
  return seen_usage ? std::max<int64_t>(whole, 1) : whole;
}

}  // namespace swarmex::forecast
