#include "swarmex/hostctl/daemon_stats.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace swarmex::hostctl {

std::int64_t percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

std::string DaemonStats::latency_summary() const {
  const auto& v = latency_ns;
  const auto& m = match_latency_ns;
  const std::int64_t max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  return fmt::format(
      "{} enacted, fill->enforced p50 {} us, p99 {} us, max {} us; match->enforced p50 {} us, "
      "p99 {} us; {} state saves",
      v.size(), percentile(v, 0.50) / 1000, percentile(v, 0.99) / 1000, max / 1000,
      percentile(m, 0.50) / 1000, percentile(m, 0.99) / 1000, saves);
}

std::string DaemonStats::summary() const {
  return fmt::format("{} fills, {} duplicates skipped, {} enforced, {} failed, {} reclaimed; {}",
                     fills, duplicates, enforced, failed, reclaimed, latency_summary());
}

}  // namespace swarmex::hostctl
