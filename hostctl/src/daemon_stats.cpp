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

std::string DaemonStats::start_summary() const {
  const auto& p = start_prestaged_ns;
  const auto& c = start_cold_ns;
  return fmt::format(
      "window start->enforced: {} pre-staged p50 {} us, p99 {} us, max {} us; {} cold p50 {} us, "
      "p99 {} us, max {} us; {} staged ahead, {} torn down before their start",
      p.count(), p.percentile(50) / 1000, p.percentile(99) / 1000, p.max() / 1000, c.count(),
      c.percentile(50) / 1000, c.percentile(99) / 1000, c.max() / 1000, prestaged, unstaged);
}

std::string DaemonStats::summary() const {
  return fmt::format(
      "{} fills, {} duplicates skipped, {} enforced, {} failed, {} reclaimed; {}; {}", fills,
      duplicates, enforced, failed, reclaimed, latency_summary(), start_summary());
}

}  // namespace swarmex::hostctl
