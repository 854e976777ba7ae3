// Session: the autopilot's messages. Tenants grant and withdraw (AutopilotSet / AutopilotOff),
// anyone but hosts reads the grants (AutopilotStatus), and the agent tells tenants its decisions
// (Forecast). The agent's orders, resales and cancels for a tenant go through on_new_order,
// on_resale and on_cancel; what a grant allows is the engine's to decide, in sequence.
#include "io_thread.hpp"
#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

using engine::RejectReason;
using protocol::text_of;

void Session::on_autopilot_set(const wire::AutopilotSet& a) {
  thread_.server().autopilot_request(thread_.index(), id_, *principal_, a.request_id(), true,
                                     a.resource()->str(), a.pool()->str(), a.length_s(),
                                     a.max_unit_price(), a.budget_per_hour(), a.target());
}

void Session::on_autopilot_off(const wire::AutopilotOff& a) {
  thread_.server().autopilot_request(thread_.index(), id_, *principal_, a.request_id(), false,
                                     a.resource()->str(), a.pool()->str(), 0, 0, 0, 0);
}

void Session::on_autopilot_status(const wire::AutopilotStatus& a) {
  if (principal_->role == Role::Host)
    return send_error(RejectReason::WrongRole, "hosts hold no autopilot grants");
  thread_.server().autopilot_status(thread_.index(), id_, *principal_, a.request_id());
}

const Principal* Session::tenant_named(const flatbuffers::String* name) const {
  const Principal* p = thread_.server().principal_by_name(text_of(name));
  return p != nullptr && p->role == Role::Tenant ? p : nullptr;
}

void Session::on_forecast(const wire::Forecast& f) {
  if (principal_->role != Role::Agent)
    return send_error(RejectReason::WrongRole, "only the agent sends forecasts");
  const Principal* tenant = tenant_named(f.tenant());
  if (tenant == nullptr) return send_error(RejectReason::InvalidParameter, "no such tenant");
  // Re-encoded from its fields: the frame forwarded is the exchange's, never the client's bytes.
  protocol::FrameWriter w;
  auto& b = w.fbb();
  const auto bytes = w.finish(wire::CreateForecast(
      b, b.CreateString(tenant->name), b.CreateString(text_of(f.resource())),
      b.CreateString(text_of(f.pool())), f.window_start_ns(), f.window_length_s(), f.instrument(),
      f.p50(), f.p90(), f.p99(), f.hold(), f.units(), f.held(), f.bought(), f.price()));
  OutItem item;
  item.kind = OutItem::Kind::Notice;
  item.principal = tenant->id;
  item.frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
  thread_.server().home_of(tenant->id).deliver(std::move(item));
  if (Dashboard* d = thread_.server().dashboard())
    d->ops().forecast(ForecastView{.tenant = tenant->name,
                                   .resource = text_of(f.resource()),
                                   .pool = text_of(f.pool()),
                                   .window_start_ns = f.window_start_ns(),
                                   .window_length_s = f.window_length_s(),
                                   .p50 = f.p50(),
                                   .p90 = f.p90(),
                                   .p99 = f.p99(),
                                   .units = f.units(),
                                   .bought = f.bought()});
}

}  // namespace swarmex::gateway
