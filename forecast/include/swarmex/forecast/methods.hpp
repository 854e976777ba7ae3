// The forecasting methods by name, each with one knob (`target`) for cost against shortfall:
//   vpa        the percentile of VPA's histogram (default 0.9; the 15% margin stays)
//   seasonal   the scale on the seasonal peak (default 1.0)
//   conformal  the share of samples the hold should cover (default per resource)
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/forecast/method.hpp"

namespace swarmex::forecast {

struct MethodSpec {
  std::string name;
  double target = 0;  // 0: the method's default for the resource
};

const std::vector<std::string_view>& method_names();
bool known_method(std::string_view name);
double default_target(std::string_view name, Resource resource);
// The method the autopilot buys with, per resource: the cheapest at no more shortfall than VPA
// on the Bitbrains trace (docs/PERFORMANCE.md, "Forecasts"): conformal for cpu, VPA for memory.
MethodSpec chosen_method(Resource resource);
// Throws std::invalid_argument for an unknown name or a target outside the method's range.
std::unique_ptr<Method> make_method(const MethodSpec& spec, Resource resource);

}  // namespace swarmex::forecast
