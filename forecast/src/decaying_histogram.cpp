#include "swarmex/forecast/decaying_histogram.hpp"

#include <cmath>
#include <stdexcept>

namespace swarmex::forecast {
namespace {

// VPA renormalises once a weight would exceed 2^100.
constexpr int64_t kMaxDecayExponent = 100;

double log_base(double base, double x) {
  return std::log(x) / std::log(base);
}

}  // namespace

int ExponentialBuckets::count() const {
  return static_cast<int>(std::ceil(log_base(ratio, max_value * (ratio - 1) / first_size + 1))) + 1;
}

int ExponentialBuckets::find(double value) const {
  if (value < first_size) return 0;
  const int bucket = static_cast<int>(log_base(ratio, value * (ratio - 1) / first_size + 1));
  return bucket >= count() ? count() - 1 : bucket;
}

double ExponentialBuckets::start(int bucket) const {
  if (bucket <= 0) return 0.0;
  return first_size * (std::pow(ratio, bucket) - 1) / (ratio - 1);
}

DecayingHistogram::DecayingHistogram(ExponentialBuckets buckets, int64_t half_life_s)
    : buckets_(buckets),
      half_life_s_(half_life_s),
      weight_(static_cast<size_t>(buckets.count()), 0.0),
      min_bucket_(buckets.count() - 1) {
  if (half_life_s <= 0) throw std::invalid_argument("half-life must be positive");
}

void DecayingHistogram::add(double value, double weight, int64_t t_s) {
  if (weight < 0) throw std::invalid_argument("sample weight must be non-negative");
  weight *= decay_factor(t_s);
  const int bucket = buckets_.find(value);
  weight_[bucket] += weight;
  total_weight_ += weight;
  if (bucket < min_bucket_ && weight_[bucket] >= buckets_.epsilon) min_bucket_ = bucket;
  if (bucket > max_bucket_ && weight_[bucket] >= buckets_.epsilon) max_bucket_ = bucket;
}

void DecayingHistogram::subtract(double value, double weight, int64_t t_s) {
  if (weight < 0) throw std::invalid_argument("sample weight must be non-negative");
  weight *= decay_factor(t_s);
  const int bucket = buckets_.find(value);
  if (weight > weight_[bucket] - buckets_.epsilon) weight = weight_[bucket];
  total_weight_ -= weight;
  weight_[bucket] -= weight;
  update_min_max();
}

double DecayingHistogram::percentile(double p) const {
  if (empty()) return 0.0;
  const double threshold = p * total_weight_;
  double partial = 0;
  int bucket = min_bucket_;
  for (; bucket < max_bucket_; ++bucket) {
    partial += weight_[bucket];
    if (partial >= threshold) break;
  }
  // The last bucket has no end, so it answers with its start.
  return bucket < buckets_.count() - 1 ? buckets_.start(bucket + 1) : buckets_.start(bucket);
}

bool DecayingHistogram::empty() const {
  return weight_[min_bucket_] < buckets_.epsilon;
}

double DecayingHistogram::decay_factor(int64_t t_s) {
  if (t_s > reference_s_ + half_life_s_ * kMaxDecayExponent) shift_reference(t_s);
  return std::exp2(static_cast<double>(t_s - reference_s_) / static_cast<double>(half_life_s_));
}

void DecayingHistogram::shift_reference(int64_t t_s) {
  // Round to the nearest whole half-life (halves away from zero, as Go's time.Round).
  const int64_t rounded = (t_s + half_life_s_ / 2) / half_life_s_ * half_life_s_;
  const double exponent = std::floor(
      static_cast<double>(reference_s_ - rounded) / static_cast<double>(half_life_s_) + 0.5);
  const double factor = std::ldexp(1.0, static_cast<int>(exponent));
  for (int b = min_bucket_; b <= max_bucket_; ++b)
    weight_[b] *= factor;
  total_weight_ *= factor;
  update_min_max();
  reference_s_ = rounded;
}

void DecayingHistogram::update_min_max() {
  const int last = buckets_.count() - 1;
  while (weight_[min_bucket_] < buckets_.epsilon && min_bucket_ < last)
    ++min_bucket_;
  while (weight_[max_bucket_] < buckets_.epsilon && max_bucket_ > 0)
    --max_bucket_;
}

}  // namespace swarmex::forecast
