// Session: the autopilot's messages. Tenants grant and withdraw (AutopilotSet / AutopilotOff),
// anyone but hosts reads the grants (AutopilotStatus), and the agent principal buys and cancels
// for the tenants that granted it (NewOrder naming on_behalf_of; its cancels are on_cancel's). What
// a grant allows is the engine's to decide, in sequence; here only who may ask.
#include "io_thread.hpp"
#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

namespace {

std::string str(const flatbuffers::String* s) {
  return s != nullptr ? s->str() : std::string();
}

}  // namespace

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
  const Principal* p = thread_.server().principal_by_name(str(name));
  return p != nullptr && p->role == Role::Tenant ? p : nullptr;
}

void Session::on_agent_order(const wire::NewOrder& o,
                             const std::function<void(RejectReason)>& reject) {
  Server& server = thread_.server();
  const Principal* tenant = tenant_named(o.on_behalf_of());
  if (tenant == nullptr) return reject(RejectReason::WrongRole);
  // The agent sells only what the tenant holds: a resale of a window (a downgrade).
  if (o.side() == wire::Side::Sell && o.resale_host() != 0)
    return on_agent_resale(o, *tenant, reject);
  if (o.side() != wire::Side::Buy || o.resale_host() != 0) return reject(RejectReason::WrongRole);
  if (o.client_order_id() == 0) return reject(RejectReason::MalformedMessage);
  if (state_->find_client(o.client_order_id()) != nullptr)
    return reject(RejectReason::DuplicateClientOrderId);
  if (server.journal_failed()) return reject(RejectReason::JournalUnavailable);
  engine::Command c;
  c.kind = engine::CommandKind::NewOrder;
  engine::NewOrder& n = c.new_order;
  n.order_id = server.next_order_id();
  n.instrument = o.instrument();
  n.owner = tenant->id;
  n.agent = principal_->id;
  n.side = engine::Side::Buy;
  n.type = protocol::to_engine(o.type());
  n.tif = protocol::to_engine(o.time_in_force());
  n.stp = protocol::to_engine(o.stp());
  n.post_only = o.post_only();
  n.price = o.price();
  n.qty = o.qty();
  n.min_qty = o.min_qty();
  n.client_order_id = o.client_order_id();
  state_->remember(n.client_order_id, n.order_id, n.instrument);  // the agent's own ids
  server.exchange().submit(c);
}

void Session::on_agent_resale(const wire::NewOrder& o, const Principal& tenant,
                              const std::function<void(RejectReason)>& reject) {
  if (o.client_order_id() == 0) return reject(RejectReason::MalformedMessage);
  if (state_->find_client(o.client_order_id()) != nullptr)
    return reject(RejectReason::DuplicateClientOrderId);
  if (o.type() != wire::OrderType::Limit) return reject(RejectReason::InvalidOrderType);
  if (o.time_in_force() == wire::TimeInForce::Fok) return reject(RejectReason::InvalidTimeInForce);
  if (o.min_qty() != 0 || o.post_only()) return reject(RejectReason::InvalidParameter);
  engine::Command c =
      resell_command(o.client_order_id(), o.resale_host(), o.time_in_force(), o.price());
  c.resell.owner = tenant.id;  // it resells the tenant's holding; the agent's own client ids
  c.resell.agent = principal_->id;
  c.resell.leg_count = 1;
  c.resell.legs[0] = engine::SwarmLeg{o.instrument(), o.qty()};
  submit_resell(c, reject);
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
      b, b.CreateString(tenant->name), b.CreateString(str(f.resource())),
      b.CreateString(str(f.pool())), f.window_start_ns(), f.window_length_s(), f.instrument(),
      f.p50(), f.p90(), f.p99(), f.hold(), f.units(), f.held(), f.bought(), f.price()));
  OutItem item;
  item.kind = OutItem::Kind::Notice;
  item.principal = tenant->id;
  item.frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
  thread_.server().home_of(tenant->id).deliver(std::move(item));
}

}  // namespace swarmex::gateway
