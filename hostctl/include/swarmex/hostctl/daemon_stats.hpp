// What swarmex-hostctl counts while it runs: fills taken, enforced and failed, and the latency of
// each enactment (from the fill's arrival and from the exchange's match), summarised at the end.
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/common/latency_histogram.hpp"

namespace swarmex::hostctl {

struct DaemonStats {
  std::uint64_t fills = 0;       // new fills taken (duplicates not counted)
  std::uint64_t duplicates = 0;  // fills seen again (replay) and skipped
  std::uint64_t enforced = 0;
  std::uint64_t failed = 0;
  std::uint64_t reclaimed = 0;  // allocations ended
  // Fill received -> enforced, per enacted fill. A fixed-size histogram: a controller that runs
  // for months keeps no sample of its own.
  common::LatencyHistogram latency_ns;
  // The exchange's match time (Fill.time_ns) -> enforced, per enacted fill: what a fill waited
  // in the gateway and in this host's socket too (one wall clock when both run on one machine).
  common::LatencyHistogram match_latency_ns;
  // Window start -> enforced (from the lease start, wall clock), per window that started: those
  // for which nothing was created at the start (pre-staged: the cgroup and the MIG instances
  // existed) and the cold ones (a cgroup or an instance was made then).
  common::LatencyHistogram start_prestaged_ns;
  common::LatencyHistogram start_cold_ns;
  std::uint64_t prestaged = 0;  // allocations whose cgroup and instances were made ahead
  std::uint64_t unstaged = 0;   // pre-staged cgroups or instances torn down before their start
  std::uint64_t saves = 0;      // states handed to the saver (a newer one may replace one waiting)
  std::uint64_t usage_reports = 0;  // UsageReports sent (one per tenant sampled)

  // A one-line summary of the enactment latencies (p50 / p99 / max) and the saves.
  [[nodiscard]] std::string latency_summary() const;
  // Window start -> enforced, pre-staged and cold (p50 / p99 / max).
  [[nodiscard]] std::string start_summary() const;
  // The totals and latency_summary(), as logged at the end.
  [[nodiscard]] std::string summary() const;
};

}  // namespace swarmex::hostctl
