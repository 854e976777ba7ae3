// Seasonal naive: the window will peak as the same window did a day and a week ago (the larger
// of the two); with neither seen, as the last day did. A margin scales the hold for the sweep.
#pragma once

#include "swarmex/forecast/method.hpp"
#include "swarmex/forecast/sample_history.hpp"

namespace swarmex::forecast {

class SeasonalNaive final : public Method {
 public:
  SeasonalNaive(Resource resource, double margin);
  std::string_view name() const override { return "seasonal"; }
  void observe(int64_t t_s, double value) override { history_.add(t_s, value); }
  Decision decide(const WindowQuery& query) override;

  // The forecast of the window's peak alone (no margin), or nothing without history.
  std::optional<double> peak_forecast(const WindowQuery& query) const;

 private:
  Resource resource_;
  double margin_;
  SampleHistory history_;
};

}  // namespace swarmex::forecast
