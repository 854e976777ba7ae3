// Seasonal quantiles with a per-series conformal margin. The base is a quantile of the samples in
// the same window yesterday and in the hours just before the gate; the margin is learnt from this
// tenant's own past windows: scores are log((sample + 1 unit) / (base + 1 unit)), and the hold is
// the base moved by the score that past samples exceeded only a target share of the time. Each
// series is so held to its own shortfall, whatever its shape and size.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "swarmex/forecast/method.hpp"
#include "swarmex/forecast/sample_history.hpp"

namespace swarmex::forecast {

class ScoreHistogram;

struct ConformalConfig {
  double target_shortfall = 0.06;         // the share of samples allowed above the hold
  int seasonal_days = 1;                  // past days whose same window feeds the base
  int64_t recent_s = 2 * 3600;            // the hours before the gate that feed the base
  double base_quantile = 0.95;            // of those samples
  int64_t calibration_s = 7 * 24 * 3600;  // how far back the scores reach
  size_t min_scores = 48;  // fewer sample scores than this: hold the last day's peak instead
};

class ConformalMethod final : public Method {
 public:
  ConformalMethod(Resource resource, ConformalConfig config);
  ~ConformalMethod() override;
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
  struct Scored {
    int64_t t_s;
    int bin;
  };
  struct Scores {
    std::deque<Scored> by_time;
    std::unique_ptr<ScoreHistogram> histogram;
  };

  double base_for(const WindowQuery& q);
  double score_of(double value, double base) const;
  double level(double base, double score) const;
  void add(Scores& scores, int64_t t_s, double score);
  void forget_before(Scores& scores, int64_t t_s);

  Resource resource_;
  ConformalConfig config_;
  double shift_;  // one unit: scores are additive near zero, proportional far above
  SampleHistory history_;
  std::deque<Pending> pending_;
  Scores sample_scores_;  // per sample of a decided window
  Scores peak_scores_;    // per decided window, of its peak
  std::vector<double> scratch_;
};

}  // namespace swarmex::forecast
