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
  // cpu: every host's core-seconds over the time the step was covered (by the host that
  // covered most of it: one that held the tenant for half the step adds half its mean).
  double sum = 0, peaks = 0;
  int64_t covered_s = 1;
  for (const Source& s : sources_) {
    sum += s.weighted_sum;
    peaks += s.peak;
    covered_s = std::max(covered_s, s.covered_s);
  }
  const double value = resource_ == Resource::cpu ? sum / static_cast<double>(covered_s) : peaks;
  open_end_s_ = INT64_MIN;
  sources_.clear();
  return Sample{closed_end_s_, value};
}

std::optional<Sample> StepSamples::add(int64_t t_s, double value, int64_t interval_s,
                                       uint32_t source) {
  // The step holding the report's last second: (end - step, end].
  const int64_t end_s = (t_s + step_s_ - 1) / step_s_ * step_s_;
  // A report older than the open step, or of a step already closed, comes too late: dropped.
  if ((open_end_s_ != INT64_MIN && end_s < open_end_s_) || end_s <= closed_end_s_) {
    return std::nullopt;
  }
  std::optional<Sample> done;
  if (open_end_s_ != INT64_MIN && end_s != open_end_s_) done = close();
  open_end_s_ = end_s;
  auto at = std::find_if(sources_.begin(), sources_.end(),
                         [&](const Source& s) { return s.id == source; });
  if (at == sources_.end()) {
    if (sources_.size() < kMaxSources) {
      sources_.push_back(Source{source});
      at = sources_.end() - 1;
    } else {
      at = sources_.end() - 1;
    }
  }
  const int64_t seconds = std::max<int64_t>(interval_s, 1);
  at->weighted_sum += value * static_cast<double>(seconds);
  at->covered_s += seconds;
  at->peak = std::max(at->peak, value);
  return done;
}

std::optional<Sample> StepSamples::flush(int64_t t_s) {
  if (open_end_s_ == INT64_MIN || t_s < open_end_s_) return std::nullopt;
  return close();
}

}  // namespace swarmex::forecast
