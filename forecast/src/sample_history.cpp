#include "swarmex/forecast/sample_history.hpp"

#include <algorithm>

namespace swarmex::forecast {

void SampleHistory::add(int64_t t_s, double value) {
  samples_.push_back({t_s, value});
  if (value > 0) seen_usage_ = true;
  while (!samples_.empty() && samples_.front().t_s < t_s - horizon_s_)
    samples_.pop_front();
}

std::deque<Sample>::const_iterator SampleHistory::lower(int64_t t_s) const {
  return std::lower_bound(samples_.begin(), samples_.end(), t_s,
                          [](const Sample& s, int64_t t) { return s.t_s < t; });
}

std::optional<double> SampleHistory::peak(int64_t from_s, int64_t to_s) const {
  std::optional<double> best;
  for (auto it = lower(from_s); it != samples_.end() && it->t_s < to_s; ++it) {
    if (!best || it->value > *best) best = it->value;
  }
  return best;
}

void SampleHistory::collect(int64_t from_s, int64_t to_s, std::vector<double>& out) const {
  for (auto it = lower(from_s); it != samples_.end() && it->t_s < to_s; ++it) {
    out.push_back(it->value);
  }
}

}  // namespace swarmex::forecast
