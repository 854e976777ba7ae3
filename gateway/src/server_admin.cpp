// Admin requests: halts, snapshots, listings, and the parameter changes that go through the
// engine as sequenced, journaled commands (answered once the engine has decided).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "server.hpp"
#include "session.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

namespace asio = boost::asio;
using engine::RejectReason;

std::vector<engine::InstrumentId> Server::spot_instruments() const {
  std::lock_guard lock(mu_);
  return spot_ids_;
}

void Server::learn_instrument(const engine::InstrumentSpec& spec) {
  if (spec.id > engine::kMaxInstrumentId || instrument_spec(spec.id) != nullptr) return;
  tradable_.push_back(spec);
  spot_ids_.push_back(spec.id);
  by_instrument_[spec.id].store(&tradable_.back(), std::memory_order_release);
}

void Server::learn_params(engine::InstrumentId id, const engine::BookParams& p) {
  engine::InstrumentSpec* mine =
      id <= engine::kMaxInstrumentId ? by_instrument_[id].load(std::memory_order_relaxed) : nullptr;
  if (mine == nullptr) return;
  mine->band_min = p.band_min;
  mine->band_max = p.band_max;
  mine->min_qty = p.min_qty;
  mine->max_qty = p.max_qty;
  mine->market_protection_ticks = p.market_protection_ticks;
}

void Server::learn_recovered_params() {
  for (std::size_t i = 0; i < exchange_->partitions(); ++i) {
    const engine::Engine& e = exchange_->partition(i).engine();
    for (const engine::InstrumentId id : spot_ids_) {
      const engine::InstrumentSpec* live = e.instrument(id);
      if (live == nullptr || e.product_of(id) != nullptr) continue;
      learn_params(id, engine::BookParams{live->band_min, live->band_max, live->min_qty,
                                          live->max_qty, live->market_protection_ticks});
    }
  }
}

void Server::note_halted(engine::InstrumentId id, bool halted) {
  std::lock_guard lock(mu_);
  halted_[id] = halted;
}

void Server::admin_outcome(const engine::Event& e) {
  const bool ok = e.kind == engine::EventKind::Accepted;
  PendingAdmin pending{};
  {
    std::lock_guard lock(mu_);
    auto it = pending_admin_.find(e.order_id);
    if (it == pending_admin_.end()) return;  // replayed at start-up: nobody waits for it
    pending = it->second;
    pending_admin_.erase(it);
    // Only SetParams and CreateInstrument outcomes carry trading parameters.
    const bool grant = pending.command.kind != engine::CommandKind::SetParams &&
                       pending.command.kind != engine::CommandKind::CreateInstrument;
    const bool create = pending.command.kind == engine::CommandKind::CreateInstrument;
    if (ok && create) {  // routed first: once it is known, orders for it reach its partition
      exchange_->set_route(e.instrument, pending.partition);
      learn_instrument(engine::spec_of(pending.command.create));
    }
    // The parameters in force are the engine's, as its outcome carries them: never the request
    // applied again to the gateway's copy.
    if (ok && !grant) learn_params(e.instrument, engine::book_params_of(e));
  }
  if (pending.command.kind == engine::CommandKind::Autopilot) return autopilot_outcome(pending, e);
  if (pending.command.kind == engine::CommandKind::SetPricing) return pricing_outcome(pending, e);
  if (pending.command.kind == engine::CommandKind::SetTradingMode ||
      pending.command.kind == engine::CommandKind::SetBreaker)
    return auction_outcome(pending, e);
  const bool create = pending.command.kind == engine::CommandKind::CreateInstrument;
  const bool fees = pending.command.kind == engine::CommandKind::SetFees;
  const bool day = pending.command.kind == engine::CommandKind::EndDay;
  const auto why = static_cast<RejectReason>(e.reason);
  const char* done = create ? "instrument created"
                     : fees ? "fees set"
                     : day  ? "trading day ended"
                            : "parameters set";
  if (ok) spdlog::info("instrument {}: {} by operator", e.instrument, done);
  const std::string text = ok ? std::string(done) : std::string(engine::to_string(why));
  protocol::FrameWriter w;
  auto t = w.fbb().CreateString(text);
  const auto f =
      w.finish(wire::CreateAdminAck(w.fbb(), pending.request_id, ok, protocol::to_wire(why), t));
  send_to(pending.thread, pending.session, {f.begin(), f.end()});
}

void Server::admin(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                   const wire::Admin& a) {
  const std::uint64_t rid = a.request_id();
  auto reply = [&](bool ok, RejectReason why, const std::string& text) {
    protocol::FrameWriter w;
    auto t = w.fbb().CreateString(text);
    const auto f = w.finish(wire::CreateAdminAck(w.fbb(), rid, ok, protocol::to_wire(why), t));
    send_to(thread, session, {f.begin(), f.end()});
  };
  switch (a.action_type()) {
    case wire::AdminAction::Halt:
    case wire::AdminAction::Resume: {
      const bool halt = a.action_type() == wire::AdminAction::Halt;
      const engine::InstrumentId id =
          halt ? a.action_as_Halt()->instrument() : a.action_as_Resume()->instrument();
      if (!has_instrument(id))
        return reply(false, RejectReason::UnknownInstrument, "no such instrument");
      engine::Command c;
      c.kind = halt ? engine::CommandKind::Halt : engine::CommandKind::Resume;
      c.control.instrument = id;
      exchange_->submit(c);  // halted_ follows the engine's outcome (note_halted)
      spdlog::info("instrument {} {} by operator", id, halt ? "halted" : "resumed");
      return reply(true, RejectReason::None, halt ? "halted" : "resumed");
    }
    case wire::AdminAction::TakeSnapshot:
      if (config_.journal.durability == journal::Durability::None)
        return reply(false, RejectReason::InvalidParameter, "durability is none: no snapshots");
      exchange_->request_snapshot();
      return reply(true, RejectReason::None, "snapshot requested on every partition");
    case wire::AdminAction::ListInstruments:
      return list_instruments(thread, session, rid);
    case wire::AdminAction::ListSessions:
      return list_sessions(thread, session, rid);
    case wire::AdminAction::SetParams: {
      // The engine checks everything (it is the source of truth, and replay must reach the same
      // outcome); the AdminAck goes out with its answer (admin_outcome).
      const wire::SetParams& p = *a.action_as_SetParams();
      engine::Command c;
      c.kind = engine::CommandKind::SetParams;
      c.params =
          engine::SetParams{sender,       p.instrument(), 0,           p.band_min(),
                            p.band_max(), p.min_qty(),    p.max_qty(), p.market_protection_ticks()};
      {
        std::lock_guard lock(mu_);
        c.params.request_id = next_admin_request_++;
        pending_admin_.emplace(c.params.request_id, PendingAdmin{thread, session, rid, 0, c});
      }
      exchange_->submit(c);
      return;
    }
    case wire::AdminAction::SetFees: {  // checked by the engine, answered with its outcome
      const wire::SetFees& f = *a.action_as_SetFees();
      engine::Command c;
      c.kind = engine::CommandKind::SetFees;
      c.fees = engine::SetFees{sender, f.instrument(), 0, {f.maker_bps(), f.taker_bps()}};
      {
        std::lock_guard lock(mu_);
        c.fees.request_id = next_admin_request_++;
        pending_admin_.emplace(c.fees.request_id, PendingAdmin{thread, session, rid, 0, c});
      }
      exchange_->submit(c);
      return;
    }
    case wire::AdminAction::EndDay: {
      // One instrument: answered with its partition's outcome. Every instrument: every partition
      // gets it, and the request is answered once they all have it queued.
      const engine::InstrumentId id = a.action_as_EndDay()->instrument();
      engine::Command c;
      c.kind = engine::CommandKind::EndDay;
      c.end_day = engine::EndDay{sender, id, 0};
      if (id == engine::kAllInstruments) {
        exchange_->submit(c);
        spdlog::info("trading day ended on every instrument by operator");
        return reply(true, RejectReason::None, "trading day ended on every instrument");
      }
      if (!has_instrument(id))
        return reply(false, RejectReason::UnknownInstrument, "no such instrument");
      {
        std::lock_guard lock(mu_);
        c.end_day.request_id = next_admin_request_++;
        pending_admin_.emplace(c.end_day.request_id, PendingAdmin{thread, session, rid, 0, c});
      }
      exchange_->submit(c);
      return;
    }
    case wire::AdminAction::SetPricing:
      return set_pricing(thread, session, sender, rid, *a.action_as_SetPricing());
    case wire::AdminAction::SetTradingMode:
    case wire::AdminAction::SetBreaker:
      return auction_rule(thread, session, sender, a);
    case wire::AdminAction::CreateInstrument:
      return create_instrument(thread, session, sender, rid,
                               *a.action_as_CreateInstrument()->spec());
    default:
      return reply(false, RejectReason::UnknownMessage, "unknown admin action");
  }
}

void Server::create_instrument(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                               std::uint64_t rid, const wire::InstrumentInfo& info) {
  auto reply = [&](RejectReason why, const std::string& text) {
    protocol::FrameWriter w;
    auto t = w.fbb().CreateString(text);
    const auto f = w.finish(wire::CreateAdminAck(w.fbb(), rid, false, protocol::to_wire(why), t));
    send_to(thread, session, {f.begin(), f.end()});
  };
  if (info.scheduled())
    return reply(RejectReason::InvalidParameter,
                 "delivery windows are products: they come from the configuration");
  engine::InstrumentSpec s;
  s.id = info.id();
  s.symbol = info.symbol() ? info.symbol()->str() : "";
  s.resource = info.resource() ? info.resource()->str() : "";
  s.pool = info.pool() ? info.pool()->str() : "";
  // 0 (absent) takes the [[instruments]] default where the file has one; tick and band have none.
  const engine::InstrumentSpec file_default;
  const auto or_default = [](std::int64_t v, std::int64_t d) { return v != 0 ? v : d; };
  constexpr std::int64_t kDefaultLease_ns = 3600LL * 1'000'000'000;
  s.window = engine::Window{true, 0, or_default(info.window_length_ns(), kDefaultLease_ns)};
  s.tick = info.tick();
  s.lot = or_default(info.lot(), file_default.lot);
  s.min_qty = or_default(info.min_qty(), file_default.min_qty);
  s.max_qty = or_default(info.max_qty(), file_default.max_qty);
  s.band_min = info.band_min();
  s.band_max = info.band_max();
  s.market_protection_ticks =
      or_default(info.market_protection_ticks(), file_default.market_protection_ticks);
  engine::Command c;
  c.kind = engine::CommandKind::CreateInstrument;
  c.create = engine::NewInstrument{};
  c.create.owner = sender;
  if (!engine::set_spec(c.create, s))
    return reply(RejectReason::InvalidParameter, "symbol longer than " +
                                                     std::to_string(engine::kMaxSymbolBytes) +
                                                     " bytes, or resource or pool longer than " +
                                                     std::to_string(engine::kMaxNameBytes));
  std::uint32_t partition = 0;
  {
    // Ids and symbols across every partition (and creations still in an engine) are the gateway's
    // to check; the engine checks its own partition again.
    std::lock_guard lock(mu_);
    bool taken = instrument_spec(s.id) != nullptr || product_of(s.id) != nullptr;
    for (const engine::InstrumentId id : spot_ids_)
      taken = taken || instrument_spec(id)->symbol == s.symbol;
    for (const auto& [request, p] : pending_admin_)
      taken =
          taken ||
          (p.command.kind == engine::CommandKind::CreateInstrument &&
           (p.command.create.id == s.id || engine::spec_of(p.command.create).symbol == s.symbol));
    if (taken)
      return reply(RejectReason::DuplicateInstrument, "instrument id " + std::to_string(s.id) +
                                                          " or symbol '" + s.symbol + "' exists");
    partition = exchange_->partition_for_pool(s.pool);
    c.create.request_id = next_admin_request_++;
    pending_admin_.emplace(c.create.request_id, PendingAdmin{thread, session, rid, partition, c});
  }
  exchange_->submit_to(partition, c);
}

// Spot instruments, then the windows trading now, by product and start (idle books are left out).
void Server::list_instruments(std::uint32_t thread, std::uint64_t session, std::uint64_t rid) {
  protocol::FrameWriter w;
  auto& b = w.fbb();
  std::vector<flatbuffers::Offset<wire::InstrumentInfo>> infos;
  std::lock_guard lock(mu_);
  auto add = [&](const engine::InstrumentSpec& s, const std::string& symbol, std::int64_t start_ns,
                 std::int64_t until_ns) {
    infos.push_back(wire::CreateInstrumentInfoDirect(
        b, s.id, symbol.c_str(), s.resource.c_str(), s.pool.c_str(), s.tick, s.lot, s.min_qty,
        s.max_qty, s.band_min, s.band_max, s.market_protection_ticks, halted_[s.id], !s.window.spot,
        start_ns, s.window.length_ns, until_ns));
  };
  for (const engine::InstrumentId id : spot_ids_) {  // the live parameters, created ones too
    const engine::InstrumentSpec& s = *by_instrument_[id].load(std::memory_order_relaxed);
    add(s, s.symbol, 0, 0);
  }
  const std::int64_t now = wall_ns();
  for (const engine::Product& p : config_.products) {
    std::vector<std::int64_t> windows;
    for (std::uint32_t s = 0; s < engine::book_count(p); ++s)
      if (const std::int64_t win = engine::trading_window(p, s, now); win != engine::kNoWindow)
        windows.push_back(win);
    std::sort(windows.begin(), windows.end());
    for (const std::int64_t win : windows)
      add(*instrument_spec(p.rules.id + engine::book_of(p, win)), engine::window_symbol(p, win),
          engine::window_start_ns(p, win), engine::gate_close_ns(p, win));
  }
  auto vec = b.CreateVector(infos);
  const auto f = w.finish(wire::CreateAdminAck(b, rid, true, wire::RejectReason::None, 0, vec));
  send_to(thread, session, {f.begin(), f.end()});
}

void Server::list_sessions(std::uint32_t thread, std::uint64_t session, std::uint64_t rid) {
  struct Row {
    std::uint64_t id;
    std::string principal;
    Role role;
    std::string remote;
    std::uint64_t in, out;
  };
  struct Gather {
    std::mutex mu;
    std::vector<Row> rows;
    std::size_t remaining;
  };
  auto g = std::make_shared<Gather>();
  g->remaining = io_.size();
  for (auto& t : io_) {
    asio::post(t->context(), [this, g, &t = *t, thread, session, rid] {
      std::vector<Row> mine;
      t.for_each_session([&](const Session& s) {
        if (s.logged_on())
          mine.push_back(Row{s.id(), s.principal()->name, s.principal()->role, s.remote(),
                             s.messages_in(), s.messages_out()});
      });
      std::lock_guard lock(g->mu);
      g->rows.insert(g->rows.end(), mine.begin(), mine.end());
      if (--g->remaining != 0) return;
      protocol::FrameWriter w;
      std::vector<flatbuffers::Offset<wire::SessionInfo>> infos;
      for (const Row& r : g->rows)
        infos.push_back(wire::CreateSessionInfoDirect(w.fbb(), r.id, r.principal.c_str(),
                                                      static_cast<wire::Role>(r.role),
                                                      r.remote.c_str(), r.in, r.out));
      auto vec = w.fbb().CreateVector(infos);
      const auto f =
          w.finish(wire::CreateAdminAck(w.fbb(), rid, true, wire::RejectReason::None, 0, 0, vec));
      send_to(thread, session, {f.begin(), f.end()});
    });
  }
}

}  // namespace swarmex::gateway
