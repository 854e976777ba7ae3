#include "swarmex/forecast/step_samples.hpp"

#include <algorithm>
#include <stdexcept>

namespace swarmex::forecast {

StepSamples::StepSamples(Resource resource, int64_t step_s) : resource_(resource), step_s_(step_s) {
  if (step_s <= 0) throw std::invalid_argument("step must be positive");
}

std::optional<Sample> StepSamples::close() {
  if (open_end_s_ == INT64_MIN) return std::nullopt;
  closed_end_s_ = open_end_s_;
  Sample s{open_end_s_, resource_ == Resource::cpu
                            ? weighted_sum_ / static_cast<double>(std::max<int64_t>(covered_s_, 1))
                            : peak_};
  open_end_s_ = INT64_MIN;
  weighted_sum_ = 0;
  covered_s_ = 0;
  peak_ = 0;
  return s;
}

std::optional<Sample> StepSamples::add(int64_t t_s, double value, int64_t interval_s) {
  // The step holding the report's last second: (end - step, end].
  const int64_t end_s = (t_s + step_s_ - 1) / step_s_ * step_s_;
  // A report older than the open step, or of a step already closed, comes too late: dropped.
  if ((open_end_s_ != INT64_MIN && end_s < open_end_s_) || end_s <= closed_end_s_) {
    return std::nullopt;
  }
  std::optional<Sample> done;
  if (open_end_s_ != INT64_MIN && end_s != open_end_s_) done = close();
  open_end_s_ = end_s;
  const int64_t seconds = std::max<int64_t>(interval_s, 1);
  weighted_sum_ += value * static_cast<double>(seconds);
  covered_s_ += seconds;
  peak_ = std::max(peak_, value);
  return done;
}

std::optional<Sample> StepSamples::flush(int64_t t_s) {
  if (open_end_s_ == INT64_MIN || t_s < open_end_s_) return std::nullopt;
  return close();
}

}  // namespace swarmex::forecast
