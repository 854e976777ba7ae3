// Counts of log-ratio scores in fixed bins of 0.01 (1% in ratio), so that adding, forgetting and
// asking a quantile cost O(bins) at worst and O(1) for the first two: the conformal method asks a
// quantile of a week of samples at every gate.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace swarmex::forecast {

class ScoreHistogram {
 public:
  static constexpr double kWidth = 0.01;
  static constexpr double kLow = -12.0;  // e^-12: far below any ratio worth holding
  static constexpr int kBins = 2400;

  static int bin_of(double score) {
    const int b = static_cast<int>(std::floor((score - kLow) / kWidth));
    return b < 0 ? 0 : (b >= kBins ? kBins - 1 : b);
  }
  void add(int bin) { ++counts_[bin], ++total_; }
  void remove(int bin) { --counts_[bin], --total_; }
  int64_t size() const { return total_; }

  // The upper edge of the bin that holds the q-quantile (0 < q <= 1); needs size() > 0.
  double quantile(double q) const {
    const auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(total_)));
    int64_t above = total_ - std::max<int64_t>(rank, 1);  // scores allowed above the answer
    int b = kBins - 1;
    for (int64_t seen = counts_[b]; seen <= above; seen += counts_[--b]) {
    }
    return kLow + (b + 1) * kWidth;
  }

 private:
  std::vector<int32_t> counts_ = std::vector<int32_t>(kBins, 0);
  int64_t total_ = 0;
};

}  // namespace swarmex::forecast
