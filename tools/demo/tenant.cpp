#include "tenant.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace swarmex::demo {

namespace {
constexpr auto kReplyTimeout = std::chrono::seconds(5);
}

Tenant::Tenant(std::string name, int port) : name_(std::move(name)) {
  client_.connect("127.0.0.1", static_cast<std::uint16_t>(port), kReplyTimeout);
  const auto r = client_.logon(name_, name_ + "-token", wire::Role::Tenant);
  if (!r.ok())
    throw std::runtime_error(
        fmt::format("{} could not log on: {} {}", name_, engine::to_string(r.reason), r.text));
}

const wire::ExecutionReport* Tenant::take(const wire::Message* m, std::uint64_t client_order_id) {
  if (m == nullptr) return nullptr;
  const auto* r = m->body_as_ExecutionReport();
  if (r == nullptr) return nullptr;
  if (r->kind() == wire::ExecKind::Filled)
    fills_.push_back({r->instrument(), r->host(),
                      r->side() == wire::Side::Sell ? -r->last_qty() : r->last_qty(),
                      r->last_price()});
  return r->client_order_id() == client_order_id ? r : nullptr;
}

void Tenant::poll() {
  while (const wire::Message* m = client_.try_receive())
    (void)take(m, 0);
  if (Clock::now() - last_sent_ > std::chrono::seconds(1)) {
    client_.heartbeat();
    last_sent_ = Clock::now();
  }
}

OrderOutcome Tenant::send(std::uint32_t instrument, std::int64_t price, std::int64_t qty,
                          wire::TimeInForce tif) {
  client::OrderSpec o;
  o.client_order_id = next_client_order_id_++;
  o.instrument = instrument;
  o.side = wire::Side::Buy;
  o.time_in_force = tif;
  o.price = price;
  o.qty = qty;
  const auto sent = Clock::now();
  client_.new_order(o);
  last_sent_ = sent;
  OrderOutcome out;
  const auto deadline = sent + kReplyTimeout;
  for (;;) {
    if (Clock::now() > deadline)
      throw std::runtime_error(fmt::format("{}: no reply to order {}", name_, o.client_order_id));
    const wire::ExecutionReport* r =
        take(client_.receive(deadline - Clock::now()), o.client_order_id);
    if (r == nullptr) continue;
    if (out.ack_ns == 0) {
      out.ack_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent).count();
      acks_.record(out.ack_ns);
      last_ack_ns_ = out.ack_ns;
    }
    out.order_id = r->order_id();
    switch (r->kind()) {
      case wire::ExecKind::Rejected:
        out.reject = engine::to_string(protocol::to_engine(r->reject_reason()));
        out.done_at = Clock::now();
        return out;
      case wire::ExecKind::Accepted:
        out.accepted = true;
        break;
      case wire::ExecKind::Filled:
        out.accepted = true;
        out.filled_qty += r->last_qty();
        out.last_price = r->last_price();
        out.host = r->host();
        break;
      default:  // Cancelled (the rest of an IOC), Expired
        out.done_at = Clock::now();
        return out;
    }
    // Done when nothing is left, or a GTC order rests (its later fills arrive through poll()).
    if (r->leaves_qty() == 0 ||
        (tif == wire::TimeInForce::Gtc && r->kind() == wire::ExecKind::Accepted)) {
      out.done_at = Clock::now();
      return out;
    }
  }
}

OrderOutcome Tenant::buy_now(std::uint32_t instrument, std::int64_t price, std::int64_t qty) {
  return send(instrument, price, qty, wire::TimeInForce::Ioc);
}

OrderOutcome Tenant::bid(std::uint32_t instrument, std::int64_t price, std::int64_t qty) {
  return send(instrument, price, qty, wire::TimeInForce::Gtc);
}

SwarmOutcome Tenant::swarm(client::SwarmSpec spec) {
  spec.client_order_id = next_client_order_id_++;
  spec.time_in_force = wire::TimeInForce::Ioc;
  const auto sent = Clock::now();
  client_.new_swarm_order(spec);
  return await_swarm(spec.client_order_id, sent);
}

SwarmOutcome Tenant::block(client::BlockOrderSpec spec) {
  spec.client_order_id = next_client_order_id_++;
  spec.time_in_force = wire::TimeInForce::Ioc;
  const auto sent = Clock::now();
  client_.new_block_order(spec);
  return await_swarm(spec.client_order_id, sent);
}

SwarmOutcome Tenant::change(client::ChangeSpec spec) {
  spec.client_order_id = next_client_order_id_++;
  const auto sent = Clock::now();
  client_.change_reservation(spec);
  return await_swarm(spec.client_order_id, sent,
                     spec.delta_qty < 0 && spec.time_in_force == wire::TimeInForce::Gtc);
}

SwarmOutcome Tenant::await_swarm(std::uint64_t client_order_id, Clock::time_point sent,
                                 bool until_accepted) {
  last_sent_ = sent;
  SwarmOutcome out;
  const auto deadline = sent + kReplyTimeout;
  for (;;) {
    if (Clock::now() > deadline)
      throw std::runtime_error(
          fmt::format("{}: no reply to swarm order {}", name_, client_order_id));
    const wire::ExecutionReport* r =
        take(client_.receive(deadline - Clock::now()), client_order_id);
    if (r == nullptr) continue;
    if (out.ack_ns == 0) {
      out.ack_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - sent).count();
      acks_.record(out.ack_ns);
      last_ack_ns_ = out.ack_ns;
    }
    out.done_at = Clock::now();
    switch (r->kind()) {
      case wire::ExecKind::Rejected:
        out.reject = engine::to_string(protocol::to_engine(r->reject_reason()));
        return out;
      case wire::ExecKind::Accepted:
        out.accepted = true;
        out.units = r->qty();
        if (until_accepted) return out;
        break;
      case wire::ExecKind::Filled:
        out.fills.push_back({r->instrument(), r->host(), r->last_qty(), r->last_price()});
        out.engine_seqs.insert(r->engine_seq());
        out.total += r->last_qty() * r->last_price();
        if (r->leaves_qty() == 0) return out;
        break;
      default:  // Cancelled: no leg traded
        out.cancel = engine::to_string(protocol::to_engine(r->cancel_reason()));
        return out;
    }
  }
}

bool Tenant::cancel(std::uint32_t instrument, std::uint64_t order_id) {
  client_.cancel_order(instrument, client::OrderRef{0, order_id});
  last_sent_ = Clock::now();
  const auto deadline = Clock::now() + kReplyTimeout;
  while (Clock::now() < deadline) {
    const wire::Message* m = client_.receive(deadline - Clock::now());
    if (m == nullptr) continue;
    (void)take(m, 0);
    const auto* r = m->body_as_ExecutionReport();
    if (r != nullptr && r->order_id() == order_id &&
        (r->kind() == wire::ExecKind::Cancelled || r->kind() == wire::ExecKind::Rejected))
      return r->kind() == wire::ExecKind::Cancelled;
    if (const auto* e = m->body_as_Error(); e != nullptr)
      throw std::runtime_error(
          fmt::format("{}: error {}", name_, e->text() ? e->text()->str() : ""));
  }
  throw std::runtime_error(fmt::format("{}: no reply to cancel of order {}", name_, order_id));
}

}  // namespace swarmex::demo
