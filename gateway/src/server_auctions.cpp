// Trading modes and circuit breakers as the gateway serves them (docs/auctions.md): an
// operator's SetTradingMode or SetBreaker goes to the instrument's partition as one engine
// command, answered by AdminAck with the engine's outcome. Once any instrument has either, the
// roll timer sends every partition a Roll each engine.roll_ms, so batches end and halts resume on
// sequenced time even when no order arrives.
#include <spdlog/spdlog.h>

#include <limits>

#include "server.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

void Server::auction_rule(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                          const wire::Admin& a) {
  constexpr std::int64_t kMs = 1'000'000;
  engine::Command c;
  std::uint64_t* request_id = nullptr;
  if (const auto* m = a.action_as_SetTradingMode()) {
    c.kind = engine::CommandKind::SetTradingMode;
    c.trading_mode = engine::SetTradingMode{m->instrument(), sender, 0,
                                            static_cast<engine::TradingMode>(m->mode()),
                                            static_cast<std::int64_t>(m->interval_ms()) * kMs};
    request_id = &c.trading_mode.request_id;
  } else {
    const wire::SetBreaker& b = *a.action_as_SetBreaker();
    // The engine checks the ranges; a value past int32 reaches it as out of range.
    const auto bps = static_cast<std::int32_t>(
        std::min<std::uint32_t>(b.max_move_bps(), std::numeric_limits<std::int32_t>::max()));
    c.kind = engine::CommandKind::SetBreaker;
    c.breaker = engine::SetBreaker{b.instrument(),
                                   sender,
                                   0,
                                   !b.off(),
                                   bps,
                                   static_cast<std::int64_t>(b.window_ms()) * kMs,
                                   static_cast<std::int64_t>(b.cooloff_ms()) * kMs};
    request_id = &c.breaker.request_id;
  }
  const engine::InstrumentId instrument = engine::routing_instrument(c);
  if (!has_instrument(instrument)) {
    protocol::FrameWriter w;
    auto t = w.fbb().CreateString("no such instrument");
    const auto f = w.finish(wire::CreateAdminAck(w.fbb(), a.request_id(), false,
                                                 wire::RejectReason::UnknownInstrument, t));
    send_to(thread, session, {f.begin(), f.end()});
    return;
  }
  {
    std::lock_guard lock(mu_);
    *request_id = next_admin_request_++;
    pending_admin_.emplace(*request_id, PendingAdmin{thread, session, a.request_id(), 0, c});
  }
  exchange_->submit(c);
}

void Server::auction_outcome(const PendingAdmin& pending, const engine::Event& e) {
  const bool ok = e.kind == engine::EventKind::Accepted;
  const auto why = static_cast<RejectReason>(e.reason);
  const bool mode = pending.command.kind == engine::CommandKind::SetTradingMode;
  std::string text;
  if (ok) {
    note_auctions();
    if (mode) {
      const engine::SetTradingMode& m = pending.command.trading_mode;
      text = m.mode == engine::TradingMode::Batch
                 ? "batch auctions every " + std::to_string(m.interval_ns / 1'000'000) + " ms"
                 : std::string("continuous trading");
    } else {
      text = pending.command.breaker.on ? "breaker set" : "breaker off";
    }
    spdlog::info("instrument {}: {} by operator", e.instrument, text);
  } else {
    text = std::string(engine::to_string(why));
  }
  protocol::FrameWriter w;
  auto t = w.fbb().CreateString(text);
  const auto f =
      w.finish(wire::CreateAdminAck(w.fbb(), pending.request_id, ok, protocol::to_wire(why), t));
  send_to(pending.thread, pending.session, {f.begin(), f.end()});
}

}  // namespace swarmex::gateway
