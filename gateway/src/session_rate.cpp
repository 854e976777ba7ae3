// Session: the message rate limits — a token bucket per session (server.rate_limit_per_s, burst
// server.rate_burst) and one per principal over all its sessions (limits.requests_per_s, burst
// limits.requests_burst; its sessions all live on its home thread). An order over either is
// answered by a rejected report, anything else by an Error; a client that keeps flooding after
// being told is cut off.
#include "session.hpp"

#include "io_thread.hpp"
#include "server.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

bool Session::admit(const wire::Message& m) {
  RejectReason why = RejectReason::None;
  if (!take_token(last_rx_ns_))
    why = RejectReason::RateLimited;
  else if (!state_->take_request_token(last_rx_ns_))
    why = RejectReason::PrincipalRateLimited;
  const auto& sc = thread_.server().config().server;
  if (why == RejectReason::None) {
    rate_rejects_in_row_ = 0;
    return true;
  }
  // A client that keeps flooding after being told is cut off.
  if (++rate_rejects_in_row_ > static_cast<std::uint64_t>(sc.rate_burst) * 10)
    close(why, "flooding past the rate limit");
  if (m.body_type() == wire::Body::NewOrder) {
    const auto* o = m.body_as_NewOrder();
    reject_order(why, o->client_order_id(), 0, o->instrument(), protocol::to_engine(o->side()),
                 o->price(), o->qty());
    return false;
  }
  if (m.body_type() == wire::Body::NewSwarmOrder) {
    const auto* o = m.body_as_NewSwarmOrder();
    reject_order(why, o->client_order_id(), 0, 0, engine::Side::Buy, o->limit_total(), 0);
    return false;
  }
  if (m.body_type() == wire::Body::NewBlockOrder) {
    const auto* o = m.body_as_NewBlockOrder();
    reject_order(why, o->client_order_id(), 0, 0, engine::Side::Buy, o->limit_total(), 0);
    return false;
  }
  if (m.body_type() == wire::Body::ChangeReservation) {
    const auto* o = m.body_as_ChangeReservation();
    reject_order(why, o->client_order_id(), 0, 0,
                 o->delta_qty() < 0 ? engine::Side::Sell : engine::Side::Buy, o->unit_price(), 0);
    return false;
  }
  send_error(why, why == RejectReason::RateLimited ? "message rate limit exceeded"
                                                   : "the principal's request rate over all its "
                                                     "sessions exceeded");
  return false;
}

bool Session::take_token(std::int64_t now_ns) {
  const auto& sc = thread_.server().config().server;
  tokens_ = std::min(sc.rate_burst, tokens_ + static_cast<double>(now_ns - tokens_at_ns_) *
                                                  sc.rate_limit_per_s / 1e9);
  tokens_at_ns_ = now_ns;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace swarmex::gateway
