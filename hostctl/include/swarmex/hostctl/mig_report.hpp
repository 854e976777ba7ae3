// A read-only, human-readable report of a host's MIG state (swarmex-mig-list prints it).
#pragma once

#include <string>

#include "swarmex/hostctl/mig_backend.hpp"

namespace swarmex::hostctl {

// GPUs and their MIG mode; for each GPU in MIG mode its profiles (placements, free/max counts)
// and existing instances with a map of the memory slices they hold. Only queries the backend.
std::string describe(MigBackend& backend);

}  // namespace swarmex::hostctl
