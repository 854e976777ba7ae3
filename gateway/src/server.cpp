#include "server.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "session.hpp"
#include "swarmex/gateway/auth.hpp"

namespace swarmex::gateway {

namespace asio = boost::asio;
using engine::RejectReason;

Server::Server(Config config) : config_(std::move(config)) {
  for (const Principal& p : config_.principals) {
    by_name_[p.name] = &p;
    by_id_[p.id] = &p;
    if (p.role == Role::Host) by_host_[p.host_id] = &p;
  }
  tradable_ = tradable_instruments(config_);
  for (const engine::InstrumentSpec& spec : tradable_)
    by_instrument_[spec.id] = &spec;
  for (const engine::Product& p : config_.products)
    for (std::uint32_t s = 0; s < engine::slot_count(p); ++s)
      product_by_slot_[p.rules.id + s] = &p;
  for (std::uint32_t i = 0; i < config_.server.io_threads; ++i)
    io_.push_back(std::make_unique<IoThread>(*this, i));
  for (const Principal& p : config_.principals)
    home_of(p.id).add_principal(p, std::max<std::uint64_t>(1, config_.server.replay_buffer));
  publisher_ = std::make_unique<Publisher>(*this, events_);
  exchange_ = std::make_unique<Exchange>(
      config_, &events_,
      [this](const engine::Command& c, const engine::EventBuffer& ev) { on_replayed(c, ev); });
  for (auto& t : io_)
    t->drain();  // reports rebuilt from the journal, before anyone logs on
}

Server::~Server() {
  stop();
}

// Start-up only (single-threaded): rebuilds ids, client-order maps, report streams, books.
void Server::on_replayed(const engine::Command& c, const engine::EventBuffer& events) {
  if (c.kind == engine::CommandKind::NewOrder) {
    const engine::NewOrder& o = c.new_order;
    if (o.order_id >= next_order_id_.load()) next_order_id_.store(o.order_id + 1);
    if (PrincipalState* ps = home_of(o.owner).principal(o.owner); ps && o.client_order_id != 0)
      ps->remember(o.client_order_id, o.order_id, o.instrument);
  }
  if (c.kind == engine::CommandKind::SwarmOrder) {
    const engine::SwarmOrder& s = c.swarm;
    if (s.order_id >= next_order_id_.load()) next_order_id_.store(s.order_id + 1);
    if (PrincipalState* ps = home_of(s.owner).principal(s.owner); ps && s.client_order_id != 0)
      ps->remember(s.client_order_id, s.order_id, s.legs[0].instrument);
  }
  if (c.kind == engine::CommandKind::Resell) {
    const engine::Resell& r = c.resell;
    if (r.order_id + r.leg_count >= next_order_id_.load())
      next_order_id_.store(r.order_id + r.leg_count);
    if (PrincipalState* ps = home_of(r.owner).principal(r.owner);
        ps && r.client_order_id != 0 && r.leg_count >= 1 && r.leg_count <= engine::kMaxSwarmLegs)
      ps->remember(r);
  }
  if (!events.events().empty() && events[0].kind == engine::EventKind::Accepted &&
      (c.kind == engine::CommandKind::Halt || c.kind == engine::CommandKind::Resume))
    halted_[c.control.instrument] = c.kind == engine::CommandKind::Halt;
  for (const engine::Event& e : events)
    publisher_->route(e, c.time_ns);
  if (c.seq % 4096 == 0)
    for (auto& t : io_)
      t->drain();  // keep the inboxes short during a long replay
}

void Server::start() {
  if (started_) return;
  const auto address = asio::ip::make_address(config_.server.listen_address);
  acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(io_[0]->context());
  const asio::ip::tcp::endpoint ep(address, config_.server.listen_port);
  acceptor_->open(ep.protocol());
  acceptor_->set_option(asio::socket_base::reuse_address(true));
  acceptor_->bind(ep);
  acceptor_->listen();
  port_ = acceptor_->local_endpoint().port();
  publisher_->start();
  exchange_->start();
  for (auto& t : io_)
    t->start();
  asio::post(io_[0]->context(), [this] { accept(); });
  if (!config_.products.empty()) {
    ticking_.store(true, std::memory_order_release);
    tick_timer_ = std::make_unique<asio::steady_timer>(io_[0]->context());
    asio::post(io_[0]->context(), [this] { schedule_tick(); });
  }
  started_ = true;
}

void Server::stop() {
  if (!started_) return;
  started_ = false;
  ticking_.store(false, std::memory_order_release);  // a tick handler in flight does not re-arm
  asio::post(io_[0]->context(), [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
    if (tick_timer_) tick_timer_->cancel();
  });
  for (auto& t : io_)
    t->stop();
  exchange_->stop();
  publisher_->stop();
}

void Server::accept() {
  acceptor_->async_accept(
      io_[0]->context(), [this](const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
        if (!ec) {
          auto s = std::make_shared<Session>(*io_[0], std::move(socket), next_session_id_++);
          const bool over = open_sessions_.fetch_add(1) >= config_.server.max_sessions;
          io_[0]->add_session(s);
          s->start();
          if (over)
            s->close(RejectReason::SessionLimit, "server holds its maximum of " +
                                                     std::to_string(config_.server.max_sessions) +
                                                     " sessions");
        } else {
          spdlog::warn("accept: {}", ec.message());
        }
        accept();
      });
}

const Principal* Server::principal_by_id(engine::OwnerId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

const Principal* Server::principal_of_host(engine::HostId host) const {
  auto it = by_host_.find(host);
  return it == by_host_.end() ? nullptr : it->second;
}

bool Server::has_instrument(engine::InstrumentId id) const {
  return instrument_spec(id) != nullptr;
}

const engine::InstrumentSpec* Server::instrument_spec(engine::InstrumentId id) const {
  auto it = by_instrument_.find(id);
  return it == by_instrument_.end() ? nullptr : it->second;
}

const engine::Product* Server::product_of(engine::InstrumentId id) const {
  auto it = product_by_slot_.find(id);
  return it == product_by_slot_.end() ? nullptr : it->second;
}

void Server::schedule_tick() {
  // The first run ticks at once: windows listed while the exchange was down are listed now,
  // and those that closed meanwhile expire.
  const std::int64_t now = wall_ns();
  if (now >= next_tick_ns_) {
    exchange_->tick();
    next_tick_ns_ = std::numeric_limits<std::int64_t>::max();
    for (const engine::Product& p : config_.products)
      next_tick_ns_ = std::min(next_tick_ns_, engine::next_change_ns(p, now));
  }
  tick_timer_->expires_after(std::chrono::milliseconds(config_.engine.tick_ms));
  tick_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && ticking_.load(std::memory_order_acquire)) schedule_tick();
  });
}

const Principal* Server::authenticate(const std::string& name, const std::string& token,
                                      Role role) {
  auto it = by_name_.find(name);
  if (it == by_name_.end() || it->second->role != role) return nullptr;
  {
    std::lock_guard lock(mu_);
    auto v = verified_tokens_.find(name);
    if (v != verified_tokens_.end() && v->second.size() == token.size() &&
        CRYPTO_memcmp(v->second.data(), token.data(), token.size()) == 0)
      return it->second;
  }
  if (!verify_token(token, it->second->token_hash)) return nullptr;  // PBKDF2: once per token
  std::lock_guard lock(mu_);
  verified_tokens_[name] = token;
  return it->second;
}

void Server::note_logon(Session&) {}

void Server::note_logoff(Session& s, PrincipalState& state) {
  if (!s.cancel_on_disconnect()) return;
  for (const Session* other : state.sessions)
    if (other->cancel_on_disconnect()) return;  // another session still speaks for it
  engine::Command c;
  c.kind = engine::CommandKind::MassCancel;
  c.mass_cancel = engine::MassCancel{state.principal.id, engine::kAllInstruments};
  exchange_->submit(c);
  spdlog::info("{} '{}' disconnected: its orders are cancelled", to_string(state.principal.role),
               state.principal.name);
}

void Server::note_enactment(const Principal& host, std::uint64_t fill_seq, bool enforced,
                            std::int64_t latency_ns, const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    ++enactments_;
    if (!enforced) ++enactment_failures_;
  }
  if (enforced)
    spdlog::info("host '{}' enforced fill {} in {} us", host.name, fill_seq, latency_ns / 1000);
  else
    spdlog::warn("host '{}' failed to enforce fill {}: {}", host.name, fill_seq, reason);
}

void Server::subscribe_market_data(std::uint32_t thread, std::uint64_t session,
                                   std::vector<engine::InstrumentId> ids, std::uint32_t depth) {
  publisher_->request(MarketDataRequest{thread, session, std::move(ids), depth});
}

void Server::send_to(std::uint32_t thread, std::uint64_t session, std::vector<std::uint8_t> frame) {
  IoThread& t = *io_[thread];
  asio::post(t.context(), [&t, session, frame = std::move(frame)] {
    if (Session* s = t.find_session(session)) s->send(frame);
  });
}

void Server::admin(std::uint32_t thread, std::uint64_t session, const wire::Admin& a) {
  const std::uint64_t rid = a.request_id();
  auto reply = [&](bool ok, RejectReason why, const std::string& text) {
    FrameWriter w;
    auto t = w.fbb().CreateString(text);
    const auto f =
        w.finish(wire::CreateAdminAck(w.fbb(), rid, ok, static_cast<wire::RejectReason>(why), t));
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
      exchange_->submit(c);
      {
        std::lock_guard lock(mu_);
        halted_[id] = halt;
      }
      spdlog::info("instrument {} {} by operator", id, halt ? "halted" : "resumed");
      return reply(true, RejectReason::None, halt ? "halted" : "resumed");
    }
    case wire::AdminAction::TakeSnapshot:
      if (config_.journal.durability == journal::Durability::None)
        return reply(false, RejectReason::InvalidParameter, "durability is none: no snapshots");
      exchange_->request_snapshot();
      return reply(true, RejectReason::None, "snapshot requested on every shard");
    case wire::AdminAction::ListInstruments:
      return list_instruments(thread, session, rid);
    case wire::AdminAction::ListSessions:
      return list_sessions(thread, session, rid);
    case wire::AdminAction::CreateInstrument:
    case wire::AdminAction::SetParams:
      // Not yet: instruments and their parameters come from the configuration. Changing them
      // live needs journaled admin commands in the engine (the operations issue).
      return reply(false, RejectReason::InvalidParameter,
                   "not supported yet: instruments and parameters come from the configuration");
    default:
      return reply(false, RejectReason::UnknownMessage, "unknown admin action");
  }
}

// Spot instruments, then the windows trading now, by product and start (idle slots are left out).
void Server::list_instruments(std::uint32_t thread, std::uint64_t session, std::uint64_t rid) {
  FrameWriter w;
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
  for (const auto& s : config_.instruments)
    add(s, s.symbol, 0, 0);
  const std::int64_t now = wall_ns();
  for (const engine::Product& p : config_.products) {
    std::vector<std::int64_t> windows;
    for (std::uint32_t s = 0; s < engine::slot_count(p); ++s)
      if (const std::int64_t win = engine::trading_window(p, s, now); win != engine::kNoWindow)
        windows.push_back(win);
    std::sort(windows.begin(), windows.end());
    for (const std::int64_t win : windows)
      add(*by_instrument_.at(p.rules.id + engine::slot_of(p, win)), engine::window_symbol(p, win),
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
      FrameWriter w;
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
