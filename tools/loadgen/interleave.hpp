// The echo baseline interleaved with the gateway: short segments, alternately against swarmexd and
// the bare echo, with both connection sets open all the time, so that both see the same moments of
// a noisy machine. Each pair of segments gives a ratio; the run reports their median.
#pragma once

#include <vector>

#include "driver.hpp"
#include "plan.hpp"
#include "report.hpp"

namespace swarmex::loadgen {

// Runs warm-up segments (not measured), then measured pairs of options.echo_segment_ms each,
// until options.duration_s of each side is measured; the order within a pair alternates.
// `gateway` and `echo` read their schedules from `gateway_schedule` and `echo_schedule`, which
// this rewrites for every segment. Fills result.gateway, result.echo and result.segments.
void run_interleaved(std::vector<Driver>& gateway, Schedule& gateway_schedule,
                     std::vector<Driver>& echo, Schedule& echo_schedule, const Options& options,
                     RunResult& result);

}  // namespace swarmex::loadgen
