// Pools across clusters (docs/cluster.md): an order is taken only where its pool is served.
// Refused before sequencing, like every gateway check: the engine never sees it.
#include <algorithm>

#include "server.hpp"

namespace swarmex::gateway {

engine::RejectReason Server::pool_verdict(std::span<const engine::InstrumentId> legs,
                                          std::string* text) const {
  if (pool_map_.serves_all()) return engine::RejectReason::None;
  bool here = false;
  std::vector<std::string> elsewhere;  // pools, in leg order, without repeats
  for (const engine::InstrumentId id : legs) {
    const engine::InstrumentSpec* spec = instrument_spec(id);
    if (spec == nullptr) continue;
    if (pool_map_.serves(spec->pool)) {
      here = true;
    } else if (std::find(elsewhere.begin(), elsewhere.end(), spec->pool) == elsewhere.end()) {
      elsewhere.push_back(spec->pool);
    }
  }
  if (elsewhere.empty()) return engine::RejectReason::None;
  std::string clusters;  // of the pools elsewhere: one cluster, or several (or unknown)
  bool one_cluster = true;
  for (const std::string& pool : elsewhere) {
    const std::string c = pool_map_.cluster_of(pool);
    if (c.empty() || (!clusters.empty() && c != clusters)) one_cluster = false;
    if (clusters.empty()) clusters = c;
  }
  if (text != nullptr) {
    text->clear();
    for (const std::string& pool : elsewhere)
      *text += (text->empty() ? "" : "; ") + pool_map_.where(pool);
    if (here) *text += "; the other legs are served here (cluster " + pool_map_.cluster() + ")";
  }
  return !here && (one_cluster || elsewhere.size() == 1) ? engine::RejectReason::PoolOnAnotherNode
                                                         : engine::RejectReason::LegsSpanNodes;
}

}  // namespace swarmex::gateway
