// The Kubernetes VPA recommender's target, reimplemented for one container (docs/forecasting.md
// lists what is included): cpu from a decaying histogram of usage samples, memory from a decaying
// histogram of the peak of each 24 h aggregation interval; target = percentile + safety margin.
#pragma once

#include "swarmex/forecast/decaying_histogram.hpp"
#include "swarmex/forecast/method.hpp"
#include "swarmex/forecast/sample_history.hpp"

namespace swarmex::forecast {

struct VpaConfig {
  double target_percentile = 0.9;   // --target-cpu-percentile, --target-memory-peaks-percentile
  double safety_margin = 0.15;      // --recommendation-margin-fraction
  int64_t half_life_s = 24 * 3600;  // cpu and memory histogram decay half-life
  int64_t memory_interval_s = 24 * 3600;          // --memory-aggregation-interval
  double cpu_request_cores = 1.0;                 // a cpu sample's weight: the container's request
  double min_cpu_cores = 0.025;                   // --pod-recommendation-min-cpu-millicores
  double min_memory_bytes = 250.0 * 1024 * 1024;  // --pod-recommendation-min-memory-mb
};

// The histogram layouts VPA uses: cpu from 0.01 core, memory from 10 MB, 5% growth.
ExponentialBuckets vpa_cpu_buckets();
ExponentialBuckets vpa_memory_buckets();

class VpaMethod final : public Method {
 public:
  VpaMethod(Resource resource, VpaConfig config);
  std::string_view name() const override { return "vpa"; }
  void observe(int64_t t_s, double value) override;
  Decision decide(const WindowQuery& query) override;

  // The recommendation, in cores or bytes, at the configured percentile (or `percentile` > 0).
  double target(double percentile = 0) const;
  const DecayingHistogram& histogram() const { return histogram_; }

 private:
  void observe_memory(int64_t t_s, double bytes);

  Resource resource_;
  VpaConfig config_;
  DecayingHistogram histogram_;
  bool seen_usage_ = false;
  int64_t last_sample_s_ = INT64_MIN;
  // The memory aggregation interval now open: it ends (exclusive) at window_end_s_.
  int64_t window_end_s_ = INT64_MIN;
  double memory_peak_ = 0;
};

}  // namespace swarmex::forecast
