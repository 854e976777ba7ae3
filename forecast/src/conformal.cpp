#include "swarmex/forecast/conformal.hpp"

#include <algorithm>
#include <cmath>

#include "score_histogram.hpp"

namespace swarmex::forecast {
namespace {

double quantile_of(std::vector<double>& values, double q) {
  const auto n = values.size();
  const size_t rank = std::min(
      n - 1, static_cast<size_t>(std::max(1.0, std::ceil(q * static_cast<double>(n)))) - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.end());
  return values[rank];
}

}  // namespace

ConformalMethod::ConformalMethod(Resource resource, ConformalConfig config)
    : resource_(resource),
      config_(config),
      shift_(natural_per_unit(resource)),
      history_(std::max({config.seasonal_days * kDay_s, config.recent_s, config.calibration_s}) +
               kDay_s) {
  sample_scores_.histogram = std::make_unique<ScoreHistogram>();
  peak_scores_.histogram = std::make_unique<ScoreHistogram>();
}

ConformalMethod::~ConformalMethod() = default;

double ConformalMethod::score_of(double value, double base) const {
  return std::log((value + shift_) / (base + shift_));
}

double ConformalMethod::level(double base, double score) const {
  return std::max(0.0, (base + shift_) * std::exp(score) - shift_);
}

void ConformalMethod::add(Scores& scores, int64_t t_s, double score) {
  const int bin = ScoreHistogram::bin_of(score);
  scores.by_time.push_back({t_s, bin});
  scores.histogram->add(bin);
}

void ConformalMethod::forget_before(Scores& scores, int64_t t_s) {
  while (!scores.by_time.empty() && scores.by_time.front().t_s < t_s) {
    scores.histogram->remove(scores.by_time.front().bin);
    scores.by_time.pop_front();
  }
}

void ConformalMethod::observe(int64_t t_s, double value) {
  history_.add(t_s, value);
  while (!pending_.empty() && t_s >= pending_.front().end_s) {
    const Pending& done = pending_.front();
    if (done.peak >= 0) add(peak_scores_, done.end_s, score_of(done.peak, done.base));
    pending_.pop_front();
  }
  for (Pending& p : pending_) {
    if (t_s < p.start_s || t_s >= p.end_s) continue;
    add(sample_scores_, t_s, score_of(value, p.base));
    p.peak = std::max(p.peak, value);
  }
  forget_before(sample_scores_, t_s - config_.calibration_s);
  forget_before(peak_scores_, t_s - config_.calibration_s);
}

double ConformalMethod::base_for(const WindowQuery& q) {
  scratch_.clear();
  for (int day = 1; day <= config_.seasonal_days; ++day) {
    const int64_t from = q.start_s - day * kDay_s;
    history_.collect(from, from + q.length_s, scratch_);
  }
  history_.collect(q.gate_s - config_.recent_s, q.gate_s, scratch_);
  return scratch_.empty() ? 0 : quantile_of(scratch_, config_.base_quantile);
}

Decision ConformalMethod::decide(const WindowQuery& q) {
  Decision d;
  if (history_.empty()) return d;
  const double base = base_for(q);
  pending_.push_back({q.start_s, q.start_s + q.length_s, base});
  const auto last_day_peak = history_.peak(q.gate_s - kDay_s, q.gate_s).value_or(base);
  if (sample_scores_.histogram->size() < static_cast<int64_t>(config_.min_scores) ||
      peak_scores_.histogram->size() == 0) {
    // Too little of this series' own history to calibrate.
    d.p50 = d.p90 = d.p99 = d.hold = std::max(last_day_peak, base);
  } else {
    d.p50 = level(base, peak_scores_.histogram->quantile(0.5));
    d.p90 = level(base, peak_scores_.histogram->quantile(0.9));
    d.p99 = level(base, peak_scores_.histogram->quantile(0.99));
    // A score learnt while the base was low must not scale a high base past anything seen.
    const auto seen_max = history_.peak(q.gate_s - config_.calibration_s, q.gate_s).value_or(base);
    const double shortfall = q.target > 0 ? 1 - q.target : config_.target_shortfall;
    d.hold = std::min(level(base, sample_scores_.histogram->quantile(1 - shortfall)),
                      std::max(base, seen_max));
  }
  d.units = whole_units(resource_, d.hold, history_.seen_usage());
  return d;
}

}  // namespace swarmex::forecast
