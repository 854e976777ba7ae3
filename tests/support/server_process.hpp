// The tests' swarmexd: the shared launcher (tools/process) and a test configuration.
#pragma once

#include <string>

#include "swarmexd_process.hpp"

namespace swarmex::testing {

// The real swarmexd, started by the tests the same way the demo starts it.
using ServerProcess = tools::SwarmexdProcess;

// A test configuration: instrument 1 (cpu, tick 100, band 100..10,000,000), 2 (mem), 3 (cpu
// pool-b), 9 (a band where price x qty overflows int64), principals tenant-a/b/c, host-a1 (host 1),
// host-b1 (host 2), operator, each with token "<name>-token". `server_extra` lines are added to
// [server]; `extra` (e.g. more [[instruments]]) is added at the end.
std::string test_config(const std::string& server_extra = "",
                        const std::string& durability = "sync", int partitions = 2,
                        const std::string& extra = "");

}  // namespace swarmex::testing
