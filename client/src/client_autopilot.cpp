// Client: the autopilot's requests (tenants grant and withdraw; anyone but hosts reads grants).
#include "swarmex/client/client.hpp"

namespace swarmex::client {

void Client::autopilot_set(const AutopilotSpec& g) {
  auto& b = writer().fbb();
  const auto resource = b.CreateString(g.resource);
  const auto pool = b.CreateString(g.pool);
  emit(writer().finish(wire::CreateAutopilotSet(b, g.request_id, resource, pool, g.length_s,
                                                g.max_unit_price, g.budget_per_hour, g.target)));
}

void Client::autopilot_off(std::uint64_t request_id, std::string_view resource,
                           std::string_view pool) {
  auto& b = writer().fbb();
  const auto r = b.CreateString(resource);
  const auto p = b.CreateString(pool);
  emit(writer().finish(wire::CreateAutopilotOff(b, request_id, r, p)));
}

void Client::autopilot_status(std::uint64_t request_id) {
  emit(writer().finish(wire::CreateAutopilotStatus(writer().fbb(), request_id)));
}

}  // namespace swarmex::client
