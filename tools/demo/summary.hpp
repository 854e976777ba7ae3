// What the demo shows at the end: books, fills, allocations, enactment and order→ack latency;
// then the checks a newcomer (and the e2e test) reads to know that it worked.
#pragma once

#include "autopilot_scene.hpp"
#include "operator_view.hpp"
#include "scenario.hpp"
#include "stack.hpp"

namespace swarmex::demo {

// Prints the tables; reads the host controllers' state files (call before teardown).
void print_summary(const Results& results, const BookView& book, const Stack& stack);

// Prints one line per check (ok / FAIL / skip, and why); returns how many failed. After an
// interruption (`completed` false) only the clean-up checks apply.
// `autopilot` is null when the demo stopped before the autopilot scene.
int print_checks(const Results& results, const AutopilotResults* autopilot,
                 const ReportCheck& report, const TeardownReport& teardown, const CgroupMode& mode,
                 bool completed);

}  // namespace swarmex::demo
