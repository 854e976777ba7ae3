// The summary block a run ends with, as text or one JSON object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "driver.hpp"
#include "plan.hpp"

namespace swarmex::loadgen {

// One gateway segment and the echo segment beside it (interleaved echo baseline), nanoseconds.
struct SegmentPair {
  std::int64_t gateway_p50_ns = 0;
  std::int64_t gateway_p99_ns = 0;
  std::int64_t echo_p50_ns = 0;
  std::int64_t echo_p99_ns = 0;
};

// The per-segment gateway/echo ratios: their median, and their range.
struct SegmentRatios {
  std::size_t pairs = 0;  // pairs with latencies on both sides (the others are left out)
  double median_p50 = 0;
  double median_p99 = 0;
  double min_p50 = 0;
  double max_p50 = 0;
  double min_p99 = 0;
  double max_p99 = 0;
};

// The median of `values` (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> values);
// Ratios of each pair with both sides measured (every figure above 0), then their medians.
SegmentRatios segment_ratios(const std::vector<SegmentPair>& pairs);

struct RunResult {
  int sessions = 0;
  int hosts = 0;
  double measured_s = 0;  // the measured window
  Stats gateway;
  std::optional<Stats> echo;
  double segment_ms = 0;  // interleaved echo baseline: the segment length (0: sequential)
  std::vector<SegmentPair> segments;  // ... and each measured pair
};

std::string format_summary(const Options& options, const RunResult& result);
std::string format_summary_json(const Options& options, const RunResult& result);

}  // namespace swarmex::loadgen
