// The histogram of the Kubernetes VPA recommender: buckets that grow by a fixed ratio from a first
// bucket size, sample weights that double every half-life of sample time (so that older samples
// count less), and percentiles answered with the end of the bucket that holds them.
#pragma once

#include <cstdint>
#include <vector>

namespace swarmex::forecast {

// Bucket n >= 1 starts at first_size * (ratio^n - 1) / (ratio - 1); bucket 0 covers
// [0, first_size); the last bucket starts at or above max_value and has no end.
struct ExponentialBuckets {
  double max_value = 0;
  double first_size = 0;
  double ratio = 1.05;
  double epsilon = 1e-4;  // a bucket lighter than this counts as empty

  int count() const;
  int find(double value) const;
  double start(int bucket) const;
};

class DecayingHistogram {
 public:
  DecayingHistogram(ExponentialBuckets buckets, int64_t half_life_s);

  void add(double value, double weight, int64_t t_s);
  // Removes weight from value's bucket (never below zero), as VPA does when a peak is replaced.
  void subtract(double value, double weight, int64_t t_s);
  // 0 when empty; otherwise the end of the bucket where the cumulative weight reaches p (0..1).
  double percentile(double p) const;
  bool empty() const;
  double total_weight() const { return total_weight_; }
  const ExponentialBuckets& buckets() const { return buckets_; }

 private:
  double decay_factor(int64_t t_s);
  void shift_reference(int64_t t_s);
  void update_min_max();

  ExponentialBuckets buckets_;
  int64_t half_life_s_;
  int64_t reference_s_ = 0;  // a whole multiple of the half-life
  std::vector<double> weight_;
  double total_weight_ = 0;
  int min_bucket_;
  int max_bucket_ = 0;
};

}  // namespace swarmex::forecast
