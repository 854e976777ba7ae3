// A tenant's recent samples of one resource, in time order, kept for a fixed horizon: the
// seasonal methods ask what happened in the same window a day or a week ago.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace swarmex::forecast {

struct Sample {
  int64_t t_s = 0;
  double value = 0;
};

class SampleHistory {
 public:
  explicit SampleHistory(int64_t horizon_s) : horizon_s_(horizon_s) {}

  // Appends a sample (t_s never decreases) and forgets those older than the horizon.
  void add(int64_t t_s, double value);
  // The largest sample in [from_s, to_s), if any.
  std::optional<double> peak(int64_t from_s, int64_t to_s) const;
  // Appends every sample in [from_s, to_s) to out.
  void collect(int64_t from_s, int64_t to_s, std::vector<double>& out) const;
  bool seen_usage() const { return seen_usage_; }
  bool empty() const { return samples_.empty(); }

 private:
  std::deque<Sample>::const_iterator lower(int64_t t_s) const;

  int64_t horizon_s_;
  std::deque<Sample> samples_;
  bool seen_usage_ = false;
};

}  // namespace swarmex::forecast
