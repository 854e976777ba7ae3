// Session: resale of held window capacity and reservation changes. A tenant sells only what it
// holds (the engine checks, per window and host); a change buys its delta as a block order or
// sells it back as one resale request, so either way the request has one outcome.
#include <array>

#include "server.hpp"
#include "session.hpp"
#include "swarmex/engine/checked_math.hpp"
#include "swarmex/gateway/block_order.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

void Session::on_resale(const wire::NewOrder& o, const Principal& owner,
                        const std::function<void(RejectReason)>& reject) {
  if (owner.role != Role::Tenant || o.side() != wire::Side::Sell)
    return reject(RejectReason::WrongRole);
  if (o.client_order_id() == 0) return reject(RejectReason::MalformedMessage);
  if (state_->is_duplicate(o.client_order_id(), wall_ns()))
    return reject(RejectReason::DuplicateClientOrderId);
  // A resale is a plain limit ask: nothing the engine would have to ignore.
  if (o.type() != wire::OrderType::Limit) return reject(RejectReason::InvalidOrderType);
  if (o.time_in_force() == wire::TimeInForce::Fok) return reject(RejectReason::InvalidTimeInForce);
  if (o.min_qty() != 0) return reject(RejectReason::InvalidMinQuantity);
  if (o.post_only()) return reject(RejectReason::InvalidParameter);
  engine::Command c =
      resell_command(o.client_order_id(), o.resale_host(), o.time_in_force(), o.price());
  if (&owner != principal_) {  // the agent resells the tenant's holding (a downgrade)
    c.resell.owner = owner.id;
    c.resell.agent = principal_->id;
  }
  c.resell.leg_count = 1;
  c.resell.legs[0] = engine::SwarmLeg{o.instrument(), o.qty()};
  submit_resell(c, reject);
}

void Session::on_change_reservation(const wire::ChangeReservation& o, RejectReason verdict) {
  const bool sell = o.delta_qty() < 0 || o.delta_pct() < 0;
  auto reject = [&](RejectReason why) {
    reject_order(why, o.client_order_id(), 0, 0, sell ? engine::Side::Sell : engine::Side::Buy,
                 o.unit_price(), 0);
  };
  if (const RejectReason r = swarm_admission(o.client_order_id(), verdict); r != RejectReason::None)
    return reject(r);
  const engine::Product* p =
      requested_product(o.resource()->string_view(), o.pool()->string_view(), o.length_s());
  if (p == nullptr) return reject(RejectReason::UnknownProduct);
  BlockSpec b;
  b.start_ns = o.start_ns();
  b.windows = o.windows();
  b.qty = sell ? -o.delta_qty() : o.delta_qty();  // the codec refused INT64_MIN
  engine::Qty by_pct[engine::kMaxSwarmLegs] = {};
  if (o.delta_pct() != 0) {  // a share of what is held in each window: its own quantity
    if (engine::window_at(*p, o.start_ns()) == engine::kNoWindow)
      return reject(RejectReason::InvalidWindow);
    state_->forget_windows_before(wall_ns() - p->length_ns);
    const engine::Qty pct = sell ? -o.delta_pct() : o.delta_pct();
    for (std::uint32_t i = 0; i < o.windows(); ++i) {
      const engine::Qty held =
          state_->held(p->rules.id, o.start_ns() + static_cast<std::int64_t>(i) * p->length_ns,
                       sell ? o.host() : 0);
      engine::Qty scaled = 0;
      if (!engine::checked_mul(held, pct, &scaled)) return reject(RejectReason::InvalidQuantity);
      // Buys round up (+10% of 4 is 1 more), sells down (never more than the share asked).
      by_pct[i] = sell ? scaled / 100 : (scaled + 99) / 100;
      if (by_pct[i] <= 0) return reject(RejectReason::InvalidQuantity);  // nothing held there
    }
    b.qtys = {by_pct, o.windows()};
  }
  engine::SwarmOrder legs{};
  if (const RejectReason r = block_legs(*p, b, wall_ns(), legs); r != RejectReason::None)
    return reject(r);

  if (!sell) {  // buy the delta in every window, all or none, within unit_price per unit
    engine::Qty units = 0;
    std::int64_t limit_total = 0;
    for (std::uint8_t i = 0; i < legs.leg_count; ++i)
      if (!engine::checked_add(units, legs.legs[i].qty, &units))
        return reject(RejectReason::NotionalOverflow);
    if (!engine::checked_mul(o.unit_price(), units, &limit_total))
      return reject(RejectReason::NotionalOverflow);
    engine::Command c = swarm_command(o.client_order_id(), o.time_in_force(), limit_total);
    c.swarm.placement = protocol::to_engine(o.placement());
    c.swarm.leg_count = legs.leg_count;
    std::copy_n(legs.legs, legs.leg_count, c.swarm.legs);
    return submit_swarm(c, reject);
  }
  // Sell it back: one resale request over every window.
  engine::Command c =
      resell_command(o.client_order_id(), o.host(), o.time_in_force(), o.unit_price());
  c.resell.leg_count = legs.leg_count;
  std::copy_n(legs.legs, legs.leg_count, c.resell.legs);
  submit_resell(c, reject);
}

engine::Command Session::resell_command(std::uint64_t client_order_id, engine::HostId host,
                                        wire::TimeInForce tif, std::int64_t price) const {
  engine::Command c;
  c.kind = engine::CommandKind::Resell;
  c.resell = engine::Resell{};
  c.resell.owner = principal_->id;
  c.resell.host = host;
  c.resell.tif = static_cast<engine::TimeInForce>(tif);
  c.resell.price = price;
  c.resell.client_order_id = client_order_id;
  return c;
}

void Session::submit_resell(engine::Command& c, const std::function<void(RejectReason)>& reject) {
  Server& server = thread_.server();
  if (server.journal_failed()) return reject(RejectReason::JournalUnavailable);
  engine::Resell& r = c.resell;
  std::array<engine::InstrumentId, engine::kMaxSwarmLegs> legs{};
  for (std::uint8_t i = 0; i < r.leg_count; ++i)
    legs[i] = r.legs[i].instrument;
  if (const RejectReason v = server.pool_verdict({legs.data(), r.leg_count}, &reject_text_);
      v != RejectReason::None)
    return reject(v);
  // Fair share of the partition's order pool: every leg rests as its own ask.
  const std::uint32_t partition = server.exchange().partition_of(r.legs[0].instrument);
  if (state_->orders.in(partition) + r.leg_count > principal_->limits.resting_orders_per_partition)
    return reject(RejectReason::PrincipalOrderLimit);
  r.order_id = server.next_order_ids(r.leg_count);
  state_->remember(r);
  state_->orders.add(r.order_id, partition, r.leg_count);
  server.exchange().submit(c);
}

}  // namespace swarmex::gateway
