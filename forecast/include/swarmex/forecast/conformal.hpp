// Seasonal quantiles with a per-series conformal margin. The base is a quantile of the samples in
// the same window on each of the past days and of the hours just before the gate; the margin is
// learned from this tenant's own past windows: the hold is the base times the ratio (sample /
// base) that past samples exceeded only a target fraction of the time. Each series is so held to
// its own shortfall, whatever its shape.
#pragma once

#include <deque>
#include <vector>

#include "swarmex/forecast/method.hpp"
#include "swarmex/forecast/sample_history.hpp"

namespace swarmex::forecast {

struct ConformalConfig {
  double target_shortfall = 0.02;         // the share of samples allowed above the hold
  int seasonal_days = 1;                  // past days whose same window feeds the base
  int64_t recent_s = 2 * 3600;            // the hours before the gate that feed the base
  double base_quantile = 0.95;            // of those samples
  int64_t calibration_s = 7 * 24 * 3600;  // how far back the margin's ratios reach
  size_t min_scores = 48;                 // fewer ratios than this: hold the base's peak instead
  double shortfall_price = 0;  // >0: hold what minimises units + price x predicted shortfall
  double shift_units = 1.0;    // scores are log((sample + shift) / (base + shift))
};

class ConformalMethod final : public Method {
 public:
  ConformalMethod(Resource resource, ConformalConfig config);
  std::string_view name() const override { return "conformal"; }
  void observe(int64_t t_s, double value) override;
  Decision decide(const WindowQuery& query) override;

 private:
  struct Pending {
    int64_t start_s;
    int64_t end_s;
    double base;
    double peak = -1;
  };
  struct Score {
    int64_t t_s;
    double score;
  };

  double base_for(const WindowQuery& q);
  double score_of(double value, double base) const;
  double level(double base, double score) const;
  int64_t priced_units(double base);
  double score_quantile(const std::deque<Score>& scores, double q);
  void trim(std::deque<Score>& scores, int64_t now_s) const;

  Resource resource_;
  ConformalConfig config_;
  double shift_;  // keeps scores finite and additive near zero, proportional far above
  SampleHistory history_;
  std::deque<Pending> pending_;
  std::deque<Score> sample_scores_;  // sample / base, per sample of a decided window
  std::deque<Score> peak_scores_;    // window peak / base, per decided window
  std::vector<double> scratch_;
};

}  // namespace swarmex::forecast
