#include "swarmex/forecast/vpa.hpp"

#include <algorithm>

namespace swarmex::forecast {
namespace {

// VPA: epsilon = 0.001 x the minimum sample weight (0.1).
constexpr double kEpsilon = 1e-4;
constexpr double kMinSampleWeight = 0.1;

}  // namespace

ExponentialBuckets vpa_cpu_buckets() {
  return {1000.0, 0.01, 1.05, kEpsilon};
}
ExponentialBuckets vpa_memory_buckets() {
  return {1e12, 1e7, 1.05, kEpsilon};
}

VpaMethod::VpaMethod(Resource resource, VpaConfig config)
    : resource_(resource),
      config_(config),
      histogram_(resource == Resource::cpu ? vpa_cpu_buckets() : vpa_memory_buckets(),
                 config.half_life_s) {}

void VpaMethod::observe(int64_t t_s, double value) {
  // VPA drops negative, duplicate and out-of-order samples.
  if (value < 0 || t_s <= last_sample_s_) return;
  last_sample_s_ = t_s;
  if (value > 0) seen_usage_ = true;
  if (resource_ == Resource::cpu) {
    histogram_.add(value, std::max(config_.cpu_request_cores, kMinSampleWeight), t_s);
  } else {
    observe_memory(t_s, value);
  }
}

void VpaMethod::observe_memory(int64_t t_s, double bytes) {
  // One peak per aggregation interval, weighted at the interval's end; a larger sample inside the
  // interval replaces the peak. (VPA never replaces a zero peak, since a running container never
  // uses no memory; the trace has zeros, and replacing them keeps the baseline at its best.)
  if (window_end_s_ == INT64_MIN) window_end_s_ = t_s;
  if (t_s < window_end_s_) {
    if (bytes <= memory_peak_) return;
    histogram_.subtract(memory_peak_, 1.0, window_end_s_);
  } else {
    const int64_t interval = config_.memory_interval_s;
    window_end_s_ += (t_s - window_end_s_) / interval * interval + interval;
  }
  histogram_.add(bytes, 1.0, window_end_s_);
  memory_peak_ = bytes;
}

double VpaMethod::target(double percentile) const {
  const double base =
      histogram_.percentile(percentile > 0 ? percentile : config_.target_percentile);
  const double floor =
      resource_ == Resource::cpu ? config_.min_cpu_cores : config_.min_memory_bytes;
  return std::max(base * (1 + config_.safety_margin), floor);
}

Decision VpaMethod::decide(const WindowQuery& query) {
  Decision d;
  if (histogram_.empty()) return d;
  d.p50 = histogram_.percentile(0.5);
  d.p90 = histogram_.percentile(0.9);
  d.p99 = histogram_.percentile(0.99);
  d.hold = target(query.target);
  d.units = whole_units(resource_, d.hold, seen_usage_);
  return d;
}

}  // namespace swarmex::forecast
