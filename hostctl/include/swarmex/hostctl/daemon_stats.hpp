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
  std::uint64_t saves = 0;  // states handed to the saver (a newer one may replace one waiting)
  std::uint64_t usage_reports = 0;  // UsageReports sent (one per tenant sampled)

  // A one-line summary of the enactment latencies (p50 / p99 / max) and the saves.
  [[nodiscard]] std::string latency_summary() const;
  // The totals and latency_summary(), as logged at the end.
  [[nodiscard]] std::string summary() const;
};

}  // namespace swarmex::hostctl
