// Session: swarm and block orders. Tenants only; a template is expanded here into legs on its
// pool's spot instruments, a block order into legs on its windows, and every leg must be on one
// engine partition (swarm matching is one atomic step of one partition).
#include <array>

#include "server.hpp"
#include "session.hpp"
#include "swarmex/gateway/block_order.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

void Session::on_swarm_order(const wire::NewSwarmOrder& o, RejectReason verdict) {
  Server& server = thread_.server();
  const engine::InstrumentId first =
      o.legs() != nullptr && o.legs()->size() > 0 ? o.legs()->Get(0)->instrument() : 0;
  auto reject = [&](RejectReason why) {
    reject_order(why, o.client_order_id(), 0, first, engine::Side::Buy, o.limit_total(), 0);
  };
  if (const RejectReason r = swarm_admission(o.client_order_id(), verdict); r != RejectReason::None)
    return reject(r);

  engine::Command c = swarm_command(o.client_order_id(), o.time_in_force(), o.limit_total());
  engine::SwarmOrder& s = c.swarm;
  if (o.template_name() != nullptr && o.template_name()->size() > 0) {
    const SwarmTemplate* t = nullptr;
    for (const SwarmTemplate& candidate : server.config().templates)
      if (candidate.name == o.template_name()->string_view()) t = &candidate;
    if (t == nullptr) return reject(RejectReason::UnknownTemplate);
    const std::string pool = o.pool() != nullptr ? o.pool()->str() : std::string{};
    if (const RejectReason r =
            expand_template(*t, o.template_count(), pool, server.config().instruments, s);
        r != RejectReason::None)
      return reject(r);
  } else {
    s.placement = protocol::to_engine(o.placement());
    for (const wire::SwarmLeg* leg : *o.legs())
      s.legs[s.leg_count++] = engine::SwarmLeg{leg->instrument(), leg->qty()};
  }
  submit_swarm(c, reject);
}

void Session::on_block_order(const wire::NewBlockOrder& o, RejectReason verdict) {
  auto reject = [&](RejectReason why) {
    reject_order(why, o.client_order_id(), 0, 0, engine::Side::Buy, o.limit_total(), 0);
  };
  if (const RejectReason r = swarm_admission(o.client_order_id(), verdict); r != RejectReason::None)
    return reject(r);
  const engine::Product* p =
      requested_product(o.resource()->string_view(), o.pool()->string_view(), o.length_s());
  if (p == nullptr) return reject(RejectReason::UnknownProduct);

  engine::Command c = swarm_command(o.client_order_id(), o.time_in_force(), o.limit_total());
  engine::SwarmOrder& s = c.swarm;
  s.placement = protocol::to_engine(o.placement());
  BlockSpec b;
  b.start_ns = o.start_ns();
  b.windows = o.windows();
  b.qty = o.qty();
  if (o.qtys() != nullptr) b.qtys = {o.qtys()->data(), o.qtys()->size()};
  if (const RejectReason r = block_legs(*p, b, wall_ns(), s); r != RejectReason::None)
    return reject(r);
  submit_swarm(c, reject);
}

const engine::Product* Session::requested_product(std::string_view resource, std::string_view pool,
                                                  std::uint32_t length_s) const {
  return find_product(thread_.server().config().products, resource, pool,
                      static_cast<std::int64_t>(length_s) * 1'000'000'000);
}

RejectReason Session::swarm_admission(std::uint64_t client_order_id, RejectReason verdict) const {
  if (verdict != RejectReason::None) return verdict;
  if (principal_->role != Role::Tenant) return RejectReason::WrongRole;
  if (client_order_id == 0) return RejectReason::MalformedMessage;
  if (state_->is_duplicate(client_order_id, wall_ns())) return RejectReason::DuplicateClientOrderId;
  return RejectReason::None;
}

engine::Command Session::swarm_command(std::uint64_t client_order_id, wire::TimeInForce tif,
                                       std::int64_t limit_total) const {
  engine::Command c;
  c.kind = engine::CommandKind::SwarmOrder;
  c.swarm = engine::SwarmOrder{};
  c.swarm.owner = principal_->id;
  c.swarm.tif = static_cast<engine::TimeInForce>(tif);
  c.swarm.limit_total = limit_total;
  c.swarm.client_order_id = client_order_id;
  return c;
}

void Session::submit_swarm(engine::Command& c,
                           const std::function<void(engine::RejectReason)>& reject) {
  Server& server = thread_.server();
  engine::SwarmOrder& s = c.swarm;
  std::array<engine::InstrumentId, engine::kMaxSwarmLegs> legs{};
  for (std::uint8_t i = 0; i < s.leg_count; ++i)
    legs[i] = s.legs[i].instrument;
  if (const RejectReason r = server.pool_verdict({legs.data(), s.leg_count}, &reject_text_);
      r != RejectReason::None)
    return reject(r);
  for (std::uint8_t i = 1; i < s.leg_count; ++i)
    if (server.has_instrument(s.legs[i].instrument) &&
        server.has_instrument(s.legs[0].instrument) &&
        server.exchange().partition_of(s.legs[i].instrument) !=
            server.exchange().partition_of(s.legs[0].instrument))
      return reject(RejectReason::LegsAcrossPartitions);
  if (server.journal_failed()) return reject(RejectReason::JournalUnavailable);
  s.order_id = server.next_order_id();
  state_->remember(s.client_order_id, s.order_id, s.legs[0].instrument);
  server.exchange().submit(c);
}

}  // namespace swarmex::gateway
