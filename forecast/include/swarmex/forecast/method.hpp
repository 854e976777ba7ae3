// A forecasting method for one tenant's use of one resource. It sees samples in time order and,
// at a window's gate closure, decides how much to hold through the window. Contract: a decision
// depends only on samples observed before it (the caller never shows a sample from after the
// gate), and the same samples and queries give the same decisions.
#pragma once

#include <cstdint>
#include <string_view>

#include "swarmex/forecast/units.hpp"

namespace swarmex::forecast {

// One upcoming delivery window, asked about at its gate closure.
struct WindowQuery {
  int64_t gate_s = 0;   // the decision instant; every sample observed is older
  int64_t start_s = 0;  // the window's first second
  int64_t length_s = 0;
  // The share of the window's samples the hold should cover (a tenant's own target, e.g. 0.94);
  // 0 keeps the method's configured target. Quantile methods only: the seasonal scale ignores it.
  double target = 0;
};

// What a method expects of the window, in the resource's natural unit (cores, bytes): quantiles
// of the window's peak, the level the method would hold, and that level in whole exchange units.
struct Decision {
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double hold = 0;
  int64_t units = 0;  // at least 1 once any usage has been seen
};

class Method {
 public:
  virtual ~Method() = default;
  virtual std::string_view name() const = 0;
  // A sample of usage at t_s (cores for cpu, bytes for mem); t_s never decreases.
  virtual void observe(int64_t t_s, double value) = 0;
  virtual Decision decide(const WindowQuery& query) = 0;
};

}  // namespace swarmex::forecast
