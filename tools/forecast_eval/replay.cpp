#include "replay.hpp"

#include <algorithm>
#include <cmath>

#include "swarmex/forecast/seasonal.hpp"

namespace swarmex::forecast_eval {
namespace {

using forecast::Resource;

const std::vector<std::optional<double>>& series_of(const VmSeries& vm, Resource resource) {
  return resource == Resource::cpu ? vm.cpu_cores : vm.mem_bytes;
}

double pinball(double forecast, double actual, double tau) {
  return actual >= forecast ? tau * (actual - forecast) : (1 - tau) * (forecast - actual);
}

void replay_vm(const Trace& trace, size_t vm, Resource resource, const forecast::MethodSpec& spec,
               const ReplayOptions& o, Score& score, std::vector<DecisionRecord>* decisions) {
  const auto& series = series_of(trace.vms[vm], resource);
  if (trace.t_s.empty()) return;
  auto method = forecast::make_method(spec, resource);
  forecast::SeasonalNaive naive(resource, 0);
  const double per_unit = forecast::natural_per_unit(resource);
  const int64_t origin = trace.t_s.front();
  const int64_t end = trace.t_s.back() + trace.step_s();
  size_t fed = 0;
  bool any = false;
  for (int64_t start = origin + o.window_s; start + o.window_s <= end; start += o.window_s) {
    const forecast::WindowQuery q{start - o.lead_s, start, o.window_s};
    for (; fed < trace.t_s.size() && trace.t_s[fed] < q.gate_s; ++fed) {
      if (!series[fed]) continue;
      method->observe(trace.t_s[fed], *series[fed]);
      naive.observe(trace.t_s[fed], *series[fed]);
      any = true;
    }
    if (!any) continue;
    const forecast::Decision d = method->decide(q);
    const auto naive_peak = naive.peak_forecast(q);
    if (start < origin + o.warmup_s) continue;
    if (decisions) decisions->push_back({vm, start, d.units, d.p90});
    // Score the window against its own samples.
    double peak = -1;
    int64_t n = 0;
    for (size_t r = fed; r < trace.t_s.size() && trace.t_s[r] < start + o.window_s; ++r) {
      if (trace.t_s[r] < start || !series[r]) continue;
      const double used = *series[r] / per_unit;
      const auto held = static_cast<double>(d.units);
      ++n;
      if (used > held) ++score.short_samples;
      score.held_unit_samples += held;
      score.used_unit_samples += std::min(used, held);
      peak = std::max(peak, used);
    }
    if (n == 0) continue;
    score.samples += n;
    score.windows += 1;
    score.unit_hours += static_cast<double>(d.units) * static_cast<double>(o.window_s) / 3600.0;
    const double p90 = d.p90 / per_unit;
    score.pinball90 += pinball(p90, peak, 0.9);
    if (naive_peak) {
      score.abs_error += std::abs(p90 - peak);
      score.seasonal_abs_error += std::abs(*naive_peak / per_unit - peak);
    }
  }
}

}  // namespace

double Score::shortfall() const {
  return samples ? static_cast<double>(short_samples) / static_cast<double>(samples) : 0;
}
double Score::slack() const {
  return held_unit_samples > 0 ? 1 - used_unit_samples / held_unit_samples : 0;
}
double Score::mean_pinball90() const {
  return windows ? pinball90 / static_cast<double>(windows) : 0;
}
double Score::mase() const {
  return seasonal_abs_error > 0 ? abs_error / seasonal_abs_error : 0;
}

Score replay(const Trace& trace, Resource resource, const forecast::MethodSpec& spec,
             const ReplayOptions& options, std::vector<DecisionRecord>* decisions) {
  Score score;
  for (size_t vm = 0; vm < trace.vms.size(); ++vm) {
    replay_vm(trace, vm, resource, spec, options, score, decisions);
  }
  return score;
}

}  // namespace swarmex::forecast_eval
