// Drives sessions on a few I/O threads (epoll, nanosecond timeouts) until a phase's schedule
// ends and its answers are in.
#pragma once

#include <vector>

#include "driver.hpp"

namespace swarmex::loadgen {

// Spreads `drivers` over `io_threads` threads, runs them to schedule.drain_end_ns (or until
// every request is answered after send_end_ns), closes them (unless `keep_open`: a segment of an
// interleaved run, the same sessions go on in the next one), and returns the merged stats.
Stats run_phase(std::vector<Driver>& drivers, const Schedule& schedule, int io_threads,
                bool keep_open = false);

}  // namespace swarmex::loadgen
