// Turns usage reports of any interval (a host controller reports every few seconds) into the
// 5-minute samples the methods are measured on (docs/forecasting.md): cpu the mean over the step,
// weighted by each report's interval; memory the largest report. A tenant on several hosts uses
// what each host reports added up: each source (host) is folded on its own, then summed. A step's
// sample is stamped at the step's end, the moment it is complete, as the trace stamps its samples.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "swarmex/forecast/sample_history.hpp"
#include "swarmex/forecast/units.hpp"

namespace swarmex::forecast {

class StepSamples {
 public:
  explicit StepSamples(Resource resource, int64_t step_s = 300);

  // A report of `value` (cores or bytes) over the `interval_s` ending at t_s from `source` (a
  // host); reports come in time order (one of a step already closed is dropped). A report that
  // ends in a later step first completes the open step, which is returned.
  std::optional<Sample> add(int64_t t_s, double value, int64_t interval_s, uint32_t source = 0);
  // The open step's sample once t_s has passed its end without a later report (a tenant that
  // stopped reporting), else nothing.
  std::optional<Sample> flush(int64_t t_s);

 private:
  std::optional<Sample> close();

  Resource resource_;
  int64_t step_s_;
  int64_t open_end_s_ = INT64_MIN;  // INT64_MIN: no step open
  int64_t closed_end_s_ = INT64_MIN;
  struct Source {
    uint32_t id = 0;
    double weighted_sum = 0;  // cpu: value x seconds
    int64_t covered_s = 0;
    double peak = 0;
  };
  // The open step's sources (a tenant is on few hosts at once); past kMaxSources the last one
  // takes the rest, so a step never holds more.
  static constexpr size_t kMaxSources = 64;
  std::vector<Source> sources_;
};

}  // namespace swarmex::forecast
