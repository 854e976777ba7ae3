#include "swarmex/forecast/methods.hpp"

#include <stdexcept>

#include "swarmex/forecast/conformal.hpp"
#include "swarmex/forecast/seasonal.hpp"
#include "swarmex/forecast/vpa.hpp"

namespace swarmex::forecast {

const std::vector<std::string_view>& method_names() {
  static const std::vector<std::string_view> names{"vpa", "seasonal", "conformal"};
  return names;
}

bool known_method(std::string_view name) {
  for (auto n : method_names()) {
    if (n == name) return true;
  }
  return false;
}

double default_target(std::string_view name, Resource resource) {
  if (name == "vpa") return 0.9;
  if (name == "seasonal") return 1.0;
  if (name == "conformal") return resource == Resource::cpu ? 0.94 : 0.999;
  throw std::invalid_argument("unknown forecasting method '" + std::string(name) + "'");
}

MethodSpec chosen_method(Resource resource) {
  const std::string name = resource == Resource::cpu ? "conformal" : "vpa";
  return {name, default_target(name, resource)};
}

std::unique_ptr<Method> make_method(const MethodSpec& spec, Resource resource) {
  if (!known_method(spec.name)) {
    throw std::invalid_argument("unknown forecasting method '" + spec.name + "'");
  }
  const double target = spec.target != 0 ? spec.target : default_target(spec.name, resource);
  if (spec.name == "seasonal") {
    if (target <= 0) throw std::invalid_argument("seasonal: the scale must be positive");
    return std::make_unique<SeasonalNaive>(resource, target - 1);
  }
  if (target <= 0 || target > 1) {
    throw std::invalid_argument(spec.name + ": the target must be in (0, 1]");
  }
  if (spec.name == "vpa") {
    VpaConfig config;
    config.target_percentile = target;
    return std::make_unique<VpaMethod>(resource, config);
  }
  ConformalConfig config;
  config.target_shortfall = 1 - target;
  return std::make_unique<ConformalMethod>(resource, config);
}

}  // namespace swarmex::forecast
