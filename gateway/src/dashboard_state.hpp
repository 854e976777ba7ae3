// The dashboard's state as one JSON object (docs/dashboard.md lists its fields): built once per
// push on the dashboard thread from the market view, the operations view and the stage latency,
// and sent as is to every WebSocket client (and to GET /state).
#pragma once

#include <cstdint>
#include <string>

#include "dashboard_feed.hpp"
#include "dashboard_ops.hpp"
#include "stage_latency.hpp"

namespace swarmex::gateway {

std::string render_state(const MarketView& market, const OpsView& ops, const StageSummary& stages,
                         std::int64_t now_ns);

}  // namespace swarmex::gateway
