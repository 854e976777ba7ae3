// Replays a trace in simulated time: for every VM and every window, the method decides at gate
// closure from the samples before it, then the window's samples say how the decision did.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/forecast/methods.hpp"
#include "trace.hpp"

namespace swarmex::forecast_eval {

struct ReplayOptions {
  int64_t window_s = 3600;
  int64_t lead_s = 15 * 60;
  int64_t warmup_s = 7 * 24 * 3600;  // windows starting earlier are decided but not scored
};

// One decision, kept so that tests can compare decisions across runs.
struct DecisionRecord {
  size_t vm = 0;
  int64_t start_s = 0;
  int64_t units = 0;
  double p90 = 0;
};

// Sums over every scored window; the figures the tool reports are ratios of these.
struct Score {
  double unit_hours = 0;
  int64_t samples = 0;           // samples inside scored windows
  int64_t short_samples = 0;     // ... above the hold
  double held_unit_samples = 0;  // units held, summed per sample
  double used_unit_samples = 0;  // min(use, held) in units, summed per sample
  double pinball90 = 0;          // summed per scored window with a sample
  double abs_error = 0;          // |p90 - peak| per window where seasonal naive also forecast
  double seasonal_abs_error = 0;
  int64_t windows = 0;

  double shortfall() const;
  double slack() const;
  double mean_pinball90() const;
  double mase() const;
};

Score replay(const Trace& trace, forecast::Resource resource, const forecast::MethodSpec& spec,
             const ReplayOptions& options, std::vector<DecisionRecord>* decisions = nullptr);

}  // namespace swarmex::forecast_eval
