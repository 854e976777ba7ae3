// Runs a plan on the threaded path: the partitions' own threads apply the commands, a collector
// thread drains every partition's event queue into the ledger, and this thread submits (paced when
// asked).
#pragma once

#include <cstdint>

#include "ledger.hpp"
#include "plan.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::demo {

struct RunTimes {
  double random_phase_s = 0;  // first random submit until every partition applied its last command
  double total_s = 0;
};

// Starts the partitions, submits the whole plan, waits until every command is applied and every
// event collected, then stops the partitions so their engines can be inspected.
// `rate_per_s` paces the random phase (0 = as fast as the queues take it).
RunTimes run_plan(journal::ExchangeAssembly& exchange, const Plan& plan, Ledger& ledger,
                  double rate_per_s);

}  // namespace swarmex::demo
