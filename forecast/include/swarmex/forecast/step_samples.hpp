// Turns usage reports of any interval (a host controller reports every few seconds) into the
// 5-minute samples the methods are measured on (docs/forecasting.md): cpu the mean over the step,
// weighted by each report's interval; memory the largest report. A step's sample is stamped at
// the step's end, the moment it is complete, as the trace stamps its samples.
#pragma once

#include <cstdint>
#include <optional>

#include "swarmex/forecast/sample_history.hpp"
#include "swarmex/forecast/units.hpp"

namespace swarmex::forecast {

class StepSamples {
 public:
  explicit StepSamples(Resource resource, int64_t step_s = 300);

  // A report of `value` (cores or bytes) over the `interval_s` ending at t_s; reports come in
  // time order (a late one is dropped). A report that ends in a later step first completes the
  // open step, which is returned.
  std::optional<Sample> add(int64_t t_s, double value, int64_t interval_s);
  // The open step's sample once t_s has passed its end without a later report (a tenant that
  // stopped reporting), else nothing.
  std::optional<Sample> flush(int64_t t_s);

 private:
  std::optional<Sample> close();

  Resource resource_;
  int64_t step_s_;
  int64_t open_end_s_ = INT64_MIN;  // INT64_MIN: no step open
  int64_t closed_end_s_ = INT64_MIN;
  double weighted_sum_ = 0;  // cpu: value x seconds
  int64_t covered_s_ = 0;
  double peak_ = 0;
};

}  // namespace swarmex::forecast
