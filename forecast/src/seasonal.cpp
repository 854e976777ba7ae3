#include "swarmex/forecast/seasonal.hpp"

#include <algorithm>

namespace swarmex::forecast {
namespace {

constexpr int64_t kWeek_s = 7 * kDay_s;

}  // namespace

SeasonalNaive::SeasonalNaive(Resource resource, double margin)
    : resource_(resource), margin_(margin), history_(kWeek_s + kDay_s) {}

std::optional<double> SeasonalNaive::peak_forecast(const WindowQuery& q) const {
  std::optional<double> best;
  for (int64_t lag : {kDay_s, kWeek_s}) {
    const auto peak = history_.peak(q.start_s - lag, q.start_s - lag + q.length_s);
    if (peak && (!best || *peak > *best)) best = peak;
  }
  if (!best) best = history_.peak(q.gate_s - kDay_s, q.gate_s);
  return best;
}

Decision SeasonalNaive::decide(const WindowQuery& q) {
  Decision d;
  const auto peak = peak_forecast(q);
  if (!peak) return d;
  d.p50 = d.p90 = d.p99 = *peak;
  d.hold = *peak * (1 + margin_);
  d.units = whole_units(resource_, d.hold, history_.seen_usage());
  return d;
}

}  // namespace swarmex::forecast
