#include "swarmex/forecast/conformal.hpp"

#include <algorithm>
#include <cmath>

namespace swarmex::forecast {
namespace {

constexpr int64_t kDay_s = 24 * 3600;

double quantile_of(std::vector<double>& values, double q) {
  const size_t rank = std::min(
      values.size() - 1,
      static_cast<size_t>(std::ceil(q * static_cast<double>(values.size()))) - (q > 0 ? 1 : 0));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.end());
  return values[rank];
}

}  // namespace

double ConformalMethod::score_of(double value, double base) const {
  return std::log((value + shift_) / (base + shift_));
}

double ConformalMethod::level(double base, double score) const {
  return std::max(0.0, (base + shift_) * std::exp(score) - shift_);
}

ConformalMethod::ConformalMethod(Resource resource, ConformalConfig config)
    : resource_(resource),
      config_(config),
      shift_(natural_per_unit(resource) * config.shift_units),
      history_(std::max<int64_t>(config.seasonal_days * kDay_s, config.recent_s) + kDay_s) {}

void ConformalMethod::observe(int64_t t_s, double value) {
  history_.add(t_s, value);
  while (!pending_.empty() && t_s >= pending_.front().end_s) {
    const Pending& done = pending_.front();
    if (done.peak >= 0) peak_scores_.push_back({done.end_s, score_of(done.peak, done.base)});
    pending_.pop_front();
  }
  for (Pending& p : pending_) {
    if (t_s < p.start_s || t_s >= p.end_s) continue;
    sample_scores_.push_back({t_s, score_of(value, p.base)});
    p.peak = std::max(p.peak, value);
  }
  trim(sample_scores_, t_s);
  trim(peak_scores_, t_s);
}

void ConformalMethod::trim(std::deque<Score>& scores, int64_t now_s) const {
  while (!scores.empty() && scores.front().t_s < now_s - config_.calibration_s)
    scores.pop_front();
}

double ConformalMethod::base_for(const WindowQuery& q) {
  scratch_.clear();
  for (int day = 1; day <= config_.seasonal_days; ++day) {
    const int64_t from = q.start_s - day * kDay_s;
    history_.collect(from, from + q.length_s, scratch_);
  }
  history_.collect(q.gate_s - config_.recent_s, q.gate_s, scratch_);
  if (scratch_.empty()) return 0;
  return quantile_of(scratch_, config_.base_quantile);
}

double ConformalMethod::score_quantile(const std::deque<Score>& scores, double q) {
  scratch_.clear();
  for (const Score& s : scores)
    scratch_.push_back(s.score);
  return quantile_of(scratch_, q);
}

int64_t ConformalMethod::priced_units(double base) {
  // The window's samples are predicted as the base moved by each past score. Holding A units
  // costs A plus the price times the predicted share of samples above A; the cheapest A is at
  // the ceiling of some predicted sample (or the minimum).
  const double per_unit = natural_per_unit(resource_);
  scratch_.clear();
  for (const Score& s : sample_scores_)
    scratch_.push_back(level(base, s.score) / per_unit);
  std::sort(scratch_.begin(), scratch_.end());
  const auto n = static_cast<double>(scratch_.size());
  const int64_t min_units = history_.seen_usage() ? 1 : 0;
  int64_t best = min_units;
  auto cost_of = [&](int64_t a) {
    const auto above = scratch_.end() - std::upper_bound(scratch_.begin(), scratch_.end(),
                                                         static_cast<double>(a) + 1e-9);
    return static_cast<double>(a) + config_.shortfall_price * static_cast<double>(above) / n;
  };
  double best_cost = cost_of(best);
  int64_t last = -1;
  for (double p : scratch_) {
    const auto a = std::max(min_units, static_cast<int64_t>(std::ceil(p - 1e-9)));
    if (a == last) continue;
    last = a;
    const double c = cost_of(a);
    if (c < best_cost) best = a, best_cost = c;
  }
  return best;
}

Decision ConformalMethod::decide(const WindowQuery& q) {
  Decision d;
  if (history_.empty()) return d;
  const double base = base_for(q);
  pending_.push_back({q.start_s, q.start_s + q.length_s, base});
  if (peak_scores_.size() * 4 < config_.min_scores || sample_scores_.size() < config_.min_scores) {
    // Too little of this series' own history to calibrate: hold its largest recent sample.
    scratch_.clear();
    history_.collect(q.gate_s - kDay_s, q.gate_s, scratch_);
    const double peak =
        scratch_.empty() ? base : *std::max_element(scratch_.begin(), scratch_.end());
    d.p50 = d.p90 = d.p99 = d.hold = std::max(peak, base);
  } else {
    d.p50 = level(base, score_quantile(peak_scores_, 0.5));
    d.p90 = level(base, score_quantile(peak_scores_, 0.9));
    d.p99 = level(base, score_quantile(peak_scores_, 0.99));
    if (config_.shortfall_price > 0) {
      d.units = priced_units(base);
      d.hold = static_cast<double>(d.units) * natural_per_unit(resource_);
      return d;
    }
    d.hold = level(base, score_quantile(sample_scores_, 1 - config_.target_shortfall));
  }
  d.units = whole_units(resource_, d.hold, history_.seen_usage());
  return d;
}

}  // namespace swarmex::forecast
