#include "swarmex/hostctl/daemon_stats.hpp"

#include <fmt/format.h>

namespace swarmex::hostctl {

std::string DaemonStats::latency_summary() const {
  const auto& v = latency_ns;
  const auto& m = match_latency_ns;
  return fmt::format(
      "{} enacted, fill->enforced p50 {} us, p99 {} us, max {} us; match->enforced p50 {} us, "
      "p99 {} us; {} state saves",
      v.count(), v.percentile(50) / 1000, v.percentile(99) / 1000, v.max() / 1000,
      m.percentile(50) / 1000, m.percentile(99) / 1000, saves);
}

std::string DaemonStats::summary() const {
  return fmt::format("{} fills, {} duplicates skipped, {} enforced, {} failed, {} reclaimed; {}",
                     fills, duplicates, enforced, failed, reclaimed, latency_summary());
}

}  // namespace swarmex::hostctl
