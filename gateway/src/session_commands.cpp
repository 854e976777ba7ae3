// Session: each client message after logon, checked (role, ownership, the codec's verdict) and
// translated into engine commands or requests to the server. Swarm and block orders are in
// session_swarm.cpp, resales and reservation changes in session_resale.cpp.
#include "session.hpp"

#include "exchange_history.hpp"
#include "io_thread.hpp"
#include "metrics.hpp"
#include "server.hpp"
#include "usage_rules.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

void Session::handle(const wire::Message& m, RejectReason verdict) {
  if (m.body_type() == wire::Body::Logon) return on_logon(*m.body_as_Logon());
  if (principal_ == nullptr) return close(RejectReason::NotLoggedOn, "log on first");
  const bool order = m.body_type() == wire::Body::NewOrder ||
                     m.body_type() == wire::Body::NewSwarmOrder ||
                     m.body_type() == wire::Body::NewBlockOrder ||
                     m.body_type() == wire::Body::ChangeReservation;  // answered by a report
  if (verdict != RejectReason::None && !order) return send_error(verdict, "invalid message");
  if (m.body_type() == wire::Body::Heartbeat) return;
  if (!admit(m)) return;  // over the rate limit: answered
  switch (m.body_type()) {
    case wire::Body::NewOrder:
      return on_new_order(*m.body_as_NewOrder(), verdict);
    case wire::Body::NewSwarmOrder:
      return on_swarm_order(*m.body_as_NewSwarmOrder(), verdict);
    case wire::Body::NewBlockOrder:
      return on_block_order(*m.body_as_NewBlockOrder(), verdict);
    case wire::Body::ChangeReservation:
      return on_change_reservation(*m.body_as_ChangeReservation(), verdict);
    case wire::Body::CancelOrder:
      return on_cancel(*m.body_as_CancelOrder());
    case wire::Body::ModifyOrder:
      return on_modify(*m.body_as_ModifyOrder());
    case wire::Body::MassCancel:
      return on_mass_cancel(*m.body_as_MassCancel());
    case wire::Body::SubscribeMarketData:
      return on_subscribe_market_data(*m.body_as_SubscribeMarketData());
    case wire::Body::SubscribeFills:
      return on_subscribe_fills(*m.body_as_SubscribeFills());
    case wire::Body::EnactmentReport:
      return on_enactment(*m.body_as_EnactmentReport());
    case wire::Body::DeclareSupply:
      return on_declare_supply(*m.body_as_DeclareSupply());
    case wire::Body::Admin:
      return on_admin(*m.body_as_Admin());
    case wire::Body::UsageReport:
      return on_usage_report(*m.body_as_UsageReport());
    case wire::Body::SubscribeUsage:
      return on_subscribe_usage(*m.body_as_SubscribeUsage());
    case wire::Body::SubscribeDropCopy:
      return on_subscribe_drop_copy(*m.body_as_SubscribeDropCopy());
    case wire::Body::AutopilotSet:
      return on_autopilot_set(*m.body_as_AutopilotSet());
    case wire::Body::AutopilotOff:
      return on_autopilot_off(*m.body_as_AutopilotOff());
    case wire::Body::AutopilotStatus:
      return on_autopilot_status(*m.body_as_AutopilotStatus());
    case wire::Body::Forecast:
      return on_forecast(*m.body_as_Forecast());
    case wire::Body::CatalogRequest:
      return on_catalog_request(*m.body_as_CatalogRequest());
    case wire::Body::OrdersRequest:
      return on_own_view(m.body_as_OrdersRequest()->request_id(),
                         m.body_as_OrdersRequest()->tenant(), false);
    case wire::Body::HoldingsRequest:
      return on_own_view(m.body_as_HoldingsRequest()->request_id(),
                         m.body_as_HoldingsRequest()->tenant(), true);
    default:
      return send_error(RejectReason::UnknownMessage, "not a message a client sends");
  }
}

void Session::reject_order(RejectReason why, std::uint64_t client_order_id, engine::OrderId id,
                           engine::InstrumentId instrument, engine::Side side, engine::Price price,
                           engine::Qty qty) {
  // Refused before the engine: not journaled, so not on the replayable stream (stream_seq 0)
  // and answered to this session only.
  ExecReport r{};
  r.kind = wire::ExecKind::Rejected;
  r.reject_reason = why;
  r.client_order_id = client_order_id;
  r.order_id = id;
  r.instrument = instrument;
  r.side = side;
  r.price = price;
  r.qty = qty;
  r.time_ns = wall_ns();
  if (ExchangeMetrics* m = thread_.exchange_metrics()) m->note_gateway_reject(why);
  send(encode(thread_.writer(), r, thread_.server().history(), reject_text_));
  reject_text_.clear();
}

void Session::on_new_order(const wire::NewOrder& o, RejectReason verdict) {
  Server& server = thread_.server();
  const auto side = protocol::to_engine(o.side());
  auto reject = [&](RejectReason why) {
    reject_order(why, o.client_order_id(), 0, o.instrument(), side, o.price(), o.qty());
  };
  if (verdict != RejectReason::None) return reject(verdict);
  const engine::InstrumentId instrument = o.instrument();
  if (const RejectReason r = server.pool_verdict({&instrument, 1}, &reject_text_);
      r != RejectReason::None)
    return reject(r);
  // The agent's order is the tenant's it names (which must have granted it: the engine checks);
  // the agent is recorded beside it, and the client id is the agent's own.
  const bool agent = principal_->role == Role::Agent;
  const Principal* owner = agent ? tenant_named(o.on_behalf_of()) : principal_;
  if (owner == nullptr) return reject(RejectReason::WrongRole);
  // Tenants (and the agent for them) buy and hosts sell; a tenant sells only what it holds,
  // naming the host (resale).
  if (o.resale_host() != 0) return on_resale(o, *owner, reject);
  if (principal_->role == Role::Operator ||
      (owner->role == Role::Tenant && side != engine::Side::Buy) ||
      (principal_->role == Role::Host && side != engine::Side::Sell))
    return reject(RejectReason::WrongRole);
  if (o.client_order_id() == 0) return reject(RejectReason::MalformedMessage);
  if (principal_->role == Role::Host && server.on_standby(principal_->host_id))
    return reject(RejectReason::HostStandby);
  if (state_->is_duplicate(o.client_order_id(), wall_ns()))
    return reject(RejectReason::DuplicateClientOrderId);
  if (server.journal_failed()) return reject(RejectReason::JournalUnavailable);
  // Fair share of the partition's order pool: an order that would rest, counted with those sent.
  const std::uint32_t partition = server.exchange().partition_of(o.instrument());
  if (o.type() != wire::OrderType::Market &&
      engine::rests(protocol::to_engine(o.time_in_force())) &&
      state_->orders.in(partition) >= principal_->limits.resting_orders_per_partition)
    return reject(RejectReason::PrincipalOrderLimit);
  engine::Command c;
  c.kind = engine::CommandKind::NewOrder;
  engine::NewOrder& n = c.new_order;
  n.order_id = server.next_order_id();
  n.instrument = o.instrument();
  n.owner = owner->id;
  n.agent = agent ? principal_->id : 0;
  n.host = principal_->role == Role::Host ? principal_->host_id : 0;
  n.side = side;
  n.type = protocol::to_engine(o.type());
  n.tif = protocol::to_engine(o.time_in_force());
  n.stp = protocol::to_engine(o.stp());
  n.post_only = o.post_only();
  n.pegged = o.pegged();
  n.price = o.price();
  n.qty = o.qty();
  n.min_qty = o.min_qty();
  n.client_order_id = o.client_order_id();
  n.expire_time_ns = o.expire_time_ns();
  n.display_qty = o.display_qty();
  state_->remember(n.client_order_id, n.order_id, n.instrument);
  state_->orders.add(n.order_id, partition);
  if (StageRecorder* stages = thread_.stages()) stages->received(n.order_id, wall_ns());
  if (n.expire_time_ns != 0) server.note_expiry(n.expire_time_ns);
  server.exchange().submit(c);
  if (IoMetrics* m = thread_.metrics()) m->order_submitted(n.order_id, last_rx_ns_);
}

void Session::on_cancel(const wire::CancelOrder& c) {
  Server& server = thread_.server();
  std::uint64_t client = c.orig_client_order_id();
  const ClientOrder* co = state_->resolve(&client, c.order_id());
  // The agent's orders are the tenant's it names; the engine checks the order is that tenant's,
  // so a wrong name cancels nothing.
  const Principal* owner =
      principal_->role == Role::Agent ? tenant_named(c.on_behalf_of()) : principal_;
  if (co == nullptr || owner == nullptr)  // not this principal's: leak nothing
    return reject_order(RejectReason::UnknownOrder, client, c.order_id(), c.instrument(),
                        engine::Side::Buy, 0, 0);
  if (server.journal_failed())
    return reject_order(RejectReason::JournalUnavailable, client, co->order_id, co->instrument,
                        engine::Side::Buy, 0, 0);
  engine::Command cmd;
  cmd.kind = engine::CommandKind::CancelOrder;
  cmd.cancel = engine::CancelOrder{co->order_id, owner->id, co->instrument};
  server.exchange().submit(cmd);
}

void Session::on_modify(const wire::ModifyOrder& m) {
  Server& server = thread_.server();
  if (principal_->role == Role::Agent)  // a grant bounds what the agent places, not a change
    return reject_order(RejectReason::WrongRole, m.orig_client_order_id(), m.order_id(),
                        m.instrument(), engine::Side::Buy, m.price(), m.qty());
  std::uint64_t client = m.orig_client_order_id();
  const ClientOrder* co = state_->resolve(&client, m.order_id());
  if (co == nullptr)
    return reject_order(RejectReason::UnknownOrder, client, m.order_id(), m.instrument(),
                        engine::Side::Buy, m.price(), m.qty());
  if (server.journal_failed())
    return reject_order(RejectReason::JournalUnavailable, client, co->order_id, co->instrument,
                        engine::Side::Buy, m.price(), m.qty());
  engine::Command cmd;
  cmd.kind = engine::CommandKind::ModifyOrder;
  cmd.modify =
      engine::ModifyOrder{co->order_id, principal_->id, co->instrument, m.price(), m.qty()};
  server.exchange().submit(cmd);
}

void Session::on_mass_cancel(const wire::MassCancel& m) {
  engine::Command cmd;
  cmd.kind = engine::CommandKind::MassCancel;
  cmd.mass_cancel = engine::MassCancel{principal_->id, m.instrument()};
  thread_.server().exchange().submit(cmd);
}

void Session::on_subscribe_market_data(const wire::SubscribeMarketData& s) {
  std::vector<engine::InstrumentId> ids;
  if (s.instruments() != nullptr) ids.assign(s.instruments()->begin(), s.instruments()->end());
  if (!take_subscriptions(ids, s.depth())) return;  // answered
  subscribe_books(std::move(ids), std::min<std::uint32_t>(s.depth(), 1000));
}

void Session::on_subscribe_fills(const wire::SubscribeFills& s) {
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts subscribe to fills");
  if (s.host_id() != principal_->host_id)
    return send_error(RejectReason::NotYourHost, "fills of another host");
  const std::uint64_t history = thread_.server().history();
  if (s.from_seq() >= state_->next_fill_seq())  // another history's position: not subscribed
    return send_error(RejectReason::ResumeBeyondEnd,
                      "from_seq " + std::to_string(s.from_seq()) +
                          " is past the end of this host's fill stream (last sent " +
                          std::to_string(state_->next_fill_seq() - 1) + ") in exchange history " +
                          format_history_id(history));
  protocol::FrameWriter& w = thread_.writer();
  const bool complete =
      state_->replay_fills(s.from_seq(), [&](const HostFill& f) { send(encode(w, f, history)); });
  if (!complete)
    send_error(RejectReason::InvalidParameter, "fills after " + std::to_string(s.from_seq()) +
                                                   " are no longer all held (the oldest held is " +
                                                   std::to_string(state_->oldest_fill()) +
                                                   "); those held were replayed");
  auto& subs = state_->fill_sessions;
  if (std::find(subs.begin(), subs.end(), this) == subs.end()) subs.push_back(this);
}

void Session::on_declare_supply(const wire::DeclareSupply& d) {
  Server& server = thread_.server();
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts declare supply");
  if (!server.has_instrument(d.instrument()))
    return reject_order(RejectReason::UnknownInstrument, 0, 0, d.instrument(), engine::Side::Sell,
                        0, d.capacity());
  const engine::InstrumentId instrument = d.instrument();
  if (const RejectReason r = server.pool_verdict({&instrument, 1}, &reject_text_);
      r != RejectReason::None)
    return reject_order(r, 0, 0, d.instrument(), engine::Side::Sell, 0, d.capacity());
  if (server.journal_failed())
    return reject_order(RejectReason::JournalUnavailable, 0, 0, d.instrument(), engine::Side::Sell,
                        0, d.capacity());
  if (const engine::InstrumentSpec* spec = server.instrument_spec(d.instrument());
      spec != nullptr && spec->resource == "mem" && d.capacity() >= 0)  // the usage bound
    state_->declared_memory_bytes = d.capacity() * kMemShardBytes;
  // On standby the capacity is held for activation; the engine gets 0 so that nothing sells.
  const bool held = server.standby_hold(*principal_, d.instrument(), d.capacity());
  engine::Command cmd;
  cmd.kind = engine::CommandKind::SetSupply;
  cmd.supply = engine::SupplyCapacity{principal_->id, principal_->host_id, d.instrument(),
                                      held ? 0 : d.capacity()};
  server.exchange().submit(cmd);
}

void Session::on_enactment(const wire::EnactmentReport& r) {
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts report enactments");
  thread_.server().note_enactment(*principal_, r.fill_stream_seq(), r.enforced(),
                                  r.fill_to_enforced_ns(),
                                  r.reason() ? r.reason()->str() : std::string());
}

void Session::on_admin(const wire::Admin& a) {
  // Listing instruments is public (what trades, and which ids the windows have); the rest is
  // the operators'.
  if (principal_->role != Role::Operator && a.action_type() != wire::AdminAction::ListInstruments) {
    protocol::FrameWriter& w = thread_.writer();
    auto text = w.fbb().CreateString("only operators send Admin");
    return send(w.finish(
        wire::CreateAdminAck(w.fbb(), a.request_id(), false, wire::RejectReason::WrongRole, text)));
  }
  thread_.server().admin(thread_.index(), id_, principal_->id, a);
}

}  // namespace swarmex::gateway
