// A fresh replay of a cluster's journal streams, independent of any node's journal: each
// partition's stream read from its first message, its records up to a sequence written to a
// scratch journal, and the exchange recovered from it offline (never started).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "swarmex/cluster/connection.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::cluster_test {

// (last seq, state hash) per partition, replaying partition i's stream up to `upto[i]`.
std::vector<std::pair<std::uint64_t, std::uint64_t>> replay_streams(
    cluster::JetStream& js, const std::string& cluster_name, const gateway::Config& cfg,
    const std::vector<std::uint64_t>& upto, const std::string& scratch);

}  // namespace swarmex::cluster_test
