#include "server.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "exchange_history.hpp"
#include "fill_sink.hpp"
#include "session.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/token_hash.hpp"
#include "swarmex/engine/order_arena.hpp"

namespace swarmex::gateway {

namespace asio = boost::asio;
using engine::RejectReason;

namespace {

// An iceberg's hidden remainder in a snapshot (0 for any other order).
engine::Qty hidden_in(const engine::EngineSnapshot& snap, engine::OrderId id) {
  const auto it = std::lower_bound(snap.order_terms.begin(), snap.order_terms.end(), id,
                                   [](const auto& t, engine::OrderId v) { return t.first < v; });
  return it != snap.order_terms.end() && it->first == id ? it->second.hidden : 0;
}

}  // namespace

Server::Server(Config config, std::vector<journal::JournalReplicator*> replicators)
    : config_(std::move(config)),
      usage_(config_.telemetry.history_samples, config_.telemetry.max_tenants),
      pool_map_(config_.cluster.name, config_.cluster.pools) {
  open_history();
  for (const Principal& p : config_.principals) {
    by_name_[p.name] = &p;
    by_id_[p.id] = &p;
    if (p.role == Role::Host) by_host_[p.host_id] = &p;
    if (p.role == Role::Agent) agent_ = &p;
  }
  init_logons();
  for (const engine::InstrumentSpec& spec : tradable_instruments(config_))
    tradable_.push_back(spec);
  by_instrument_ =
      std::make_unique<std::atomic<engine::InstrumentSpec*>[]>(engine::kMaxInstrumentId + 1);
  for (engine::InstrumentSpec& spec : tradable_)
    by_instrument_[spec.id].store(&spec, std::memory_order_relaxed);
  for (const engine::InstrumentSpec& spec : config_.instruments)
    spot_ids_.push_back(spec.id);
  for (const engine::Product& p : config_.products)
    for (std::uint32_t s = 0; s < engine::book_count(p); ++s)
      product_by_book_[p.rules.id + s] = &p;
  if (!config_.server.dashboard_address.empty())
    dashboard_ = std::make_unique<Dashboard>(*this, config_);
  for (std::uint32_t i = 0; i < config_.server.io_threads; ++i) {
    io_.push_back(std::make_unique<IoThread>(*this, i));
    if (dashboard_) io_.back()->set_stages(dashboard_->stages(i));
  }
  const PrincipalBounds bounds = principal_bounds(config_);
  for (const Principal& p : config_.principals)
    home_of(p.id).add_principal(p, bounds);
  drop_copy_ = std::make_unique<DropCopyLog>(
      DropCopyOptions{.dir = config_.journal.durability == journal::Durability::None
                                 ? std::string()
                                 : config_.journal.path + "/dropcopy",
                      .segment_entries = config_.dropcopy.segment_entries,
                      .retain_segments = config_.dropcopy.retain_segments,
                      .ring_entries = config_.dropcopy.ring_entries,
                      .partitions = config_.engine.partitions});
  publisher_ = std::make_unique<Publisher>(*this, events_);
  if (dashboard_) publisher_->set_dashboard(&dashboard_->feed());
  if (!config_.server.metrics_listen.empty())
    metrics_ = std::make_unique<ExchangeMetrics>(
        config_, config_.server.io_threads, std::max<std::uint32_t>(config_.engine.partitions, 1));
  exchange_ = std::make_unique<Exchange>(
      config_, &events_,
      [this](std::uint32_t partition, const engine::Command& c, const engine::EventBuffer& ev) {
        on_replayed(partition, c, ev);
      },
      [this](const engine::InstrumentSpec& spec) { learn_instrument(spec); },
      [this](std::uint32_t partition, const engine::Engine& e, const StreamLedger* ledger) {
        on_restored(partition, e, ledger);
      },
      inline_engine() ? std::function<void()>([this] { schedule_pump(); })
                      : std::function<void()>(),
      metrics_.get(), std::move(replicators));
  learn_recovered_params();
  drop_copy_->flush(wall_ns());
  for (auto& t : io_)
    t->drain();  // reports rebuilt from the journal, before anyone logs on
  check_ledgers();
}

// Before the journal is opened: a new journal starts a new history; one without a history file
// (written before there was one) gets its id now, and keeps it from then on.
void Server::open_history() {
  if (config_.journal.durability == journal::Durability::None) {
    history_ = random_history_id();
    spdlog::info("no journal: exchange history {} (a new one at every start)",
                 format_history_id(history_));
    return;
  }
  const bool had_journal = std::filesystem::exists(config_.journal.path + "/partition-0") ||
                           std::filesystem::exists(config_.journal.path + "/shard-0");
  const HistoryFile h = load_or_create_history(config_.journal.path);
  history_ = h.id;
  if (!h.created)
    spdlog::info("exchange history {} ({}/history)", format_history_id(history_),
                 config_.journal.path);
  else if (had_journal)
    spdlog::warn("the journal at {} had no history id: it is exchange history {} from now on",
                 config_.journal.path, format_history_id(history_));
  else
    spdlog::info("new journal at {}: new exchange history {}", config_.journal.path,
                 format_history_id(history_));
}

Server::~Server() {
  stop();
  // The timers and the acceptor live on io_[0]'s context: they go before it does.
  roll_timer_.reset();
  pump_timer_.reset();
  acceptor_.reset();
}

// Start-up only (single-threaded): rebuilds ids, client-order maps, report streams, books.
void Server::on_replayed(std::uint32_t partition, const engine::Command& c,
                         const engine::EventBuffer& events) {
  if (c.kind == engine::CommandKind::NewOrder) {
    const engine::NewOrder& o = c.new_order;
    if (o.order_id >= next_order_id_.load()) next_order_id_.store(o.order_id + 1);
    // An agent's order is in the agent's client ids (the tenant owns what it buys).
    const engine::OwnerId sender = o.agent != 0 ? o.agent : o.owner;
    if (PrincipalState* ps = home_of(sender).principal(sender)) {
      if (o.client_order_id != 0) ps->remember(o.client_order_id, o.order_id, o.instrument);
      ps->orders.add(o.order_id, partition);  // fair share: counted again, never checked
    }
    if (o.expire_time_ns != 0) expiries_.note(o.expire_time_ns);
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
    const engine::OwnerId sender = r.agent != 0 ? r.agent : r.owner;
    if (PrincipalState* ps = home_of(sender).principal(sender);
        ps && r.client_order_id != 0 && r.leg_count >= 1 && r.leg_count <= engine::kMaxSwarmLegs) {
      ps->remember(r);
      ps->orders.add(r.order_id, partition, r.leg_count);
    }
  }
  if (c.kind == engine::CommandKind::Autopilot && !events.empty() &&
      events[0].kind == engine::EventKind::Accepted)
    note_grant(c.autopilot);
  if (c.kind == engine::CommandKind::SetPricing && !events.empty() &&
      events[0].kind == engine::EventKind::Accepted)
    note_pricing(c.pricing);
  for (const engine::Event& e : events)
    publisher_->route(e, c.time_ns, partition);
  if (c.seq % 4096 == 0)
    for (auto& t : io_)
      t->drain();  // keep the inboxes short during a long replay
}

void Server::on_restored(std::uint32_t partition, const engine::Engine& e,
                         const StreamLedger* ledger) {
  engine::EngineSnapshot snap;
  e.snapshot(snap);
  for (const engine::SnapshotInstrument& i : snap.instruments)
    if (i.halted) halted_[i.spec.id] = true;
  publisher_->restore_books(snap);
  publisher_->restore_catalog(snap);
  restore_holdings(snap);
  restore_grants(e);
  restore_pricing(e);
  if (!e.auctions().empty()) note_auctions();
  // The next order id is above every one in use, even when the snapshot has no ledger.
  engine::OrderId top = ledger != nullptr ? ledger->max_order_id() : 0;
  for (const engine::SnapshotOrder& o : snap.orders)
    top = std::max(top, o.id);
  for (const engine::RestingSwarm& s : snap.swarms)
    top = std::max(top, s.order.order_id);
  if (top >= next_order_id_.load()) next_order_id_.store(top + 1);
  restore_own_orders(partition, snap);
  if (ledger == nullptr) return;
  for (const engine::OwnerId owner : ledger->owners()) {
    const StreamCounts c = ledger->counts(owner);
    if (PrincipalState* ps = home_of(owner).principal(owner)) ps->skip_numbered(c.reports, c.fills);
  }
  // Room for every id first (no growth on the way), each principal looked up once.
  std::vector<std::pair<engine::OwnerId, std::size_t>> ids;  // (owner, ids), sorted by owner
  for (const engine::OwnerId owner : ledger->owners())
    ids.emplace_back(owner, ledger->ended(owner).size());
  for (const auto& [id, o] : ledger->orders())
    if (const auto it =
            std::lower_bound(ids.begin(), ids.end(), std::pair{o.owner, std::size_t{0}});
        it != ids.end() && it->first == o.owner)
      ++it->second;
  std::vector<PrincipalState*> states(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    if ((states[i] = home_of(ids[i].first).principal(ids[i].first)) != nullptr)
      states[i]->reserve_ids(ids[i].second);
  // The ended ids first (oldest first): a live order reusing an id is restored over it.
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (states[i] != nullptr)
      states[i]->restore_ended(ledger->partition(), ledger->ended(ids[i].first));
  for (const auto& [id, o] : ledger->orders())
    if (const auto it =
            std::lower_bound(ids.begin(), ids.end(), std::pair{o.owner, std::size_t{0}});
        it != ids.end() && it->first == o.owner && states[it - ids.begin()] != nullptr)
      states[it - ids.begin()]->restore_live(o.client_order_id, o.first, id, o.instrument, o.legs);
}

void Server::restore_own_orders(std::uint32_t partition, const engine::EngineSnapshot& snap) {
  for (const auto& [id, terms] : snap.order_terms)  // restored GTD orders still expire on time
    if (terms.expire_ns != 0) expiries_.note(terms.expire_ns);
  // By owner, then id: each principal is looked up once, its quota reserved once, and its view
  // (a std::map) filled in ascending ids, each insert at the end.
  std::vector<std::uint32_t> order(snap.orders.size());
  for (std::uint32_t k = 0; k < order.size(); ++k)
    order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const engine::SnapshotOrder& x = snap.orders[a];
    const engine::SnapshotOrder& y = snap.orders[b];
    return x.owner != y.owner ? x.owner < y.owner : x.id < y.id;
  });
  PrincipalState* agent = agent_ != nullptr ? home_of(agent_->id).principal(agent_->id) : nullptr;
  for (std::size_t k = 0; k < order.size();) {
    const engine::OwnerId owner = snap.orders[order[k]].owner;
    std::size_t end = k;
    while (end < order.size() && snap.orders[order[end]].owner == owner)
      ++end;
    PrincipalState* ps = home_of(owner).principal(owner);
    if (ps != nullptr) ps->orders.reserve(end - k);
    for (; k < end; ++k) {
      const engine::SnapshotOrder& o = snap.orders[order[k]];
      const bool by_agent = (o.flags & engine::Order::kAgent) != 0;
      // Fair share: the owner's, and the agent's that placed it, count it again.
      if (agent != nullptr && by_agent) agent->orders.add(o.id, partition);
      if (ps == nullptr) continue;
      ps->orders.add(o.id, partition);
      ps->view.restore(o.id, OpenOrder{.instrument = o.instrument,
                                       .side = o.side,
                                       .price = o.price,
                                       .remaining = o.qty + hidden_in(snap, o.id),
                                       .host = o.host,
                                       .by_agent = by_agent});
    }
  }
  for (const engine::RestingSwarm& s : snap.swarms)
    if (PrincipalState* ps = home_of(s.order.owner).principal(s.order.owner))
      ps->view.restore(s.order.order_id, OpenOrder{.instrument = s.order.legs[0].instrument,
                                                   .price = s.order.limit_total,
                                                   .remaining = s.units,
                                                   .swarm = true});
}

void Server::restore_holdings(const engine::EngineSnapshot& snap) {
  // Each window book holds the window it trades at the snapshot's latest roll.
  const auto add = [&](engine::OwnerId owner, engine::InstrumentId book, engine::HostId host,
                       engine::Qty qty) {
    const engine::Product* p = product_of(book);
    PrincipalState* ps = home_of(owner).principal(owner);
    if (p == nullptr || ps == nullptr) return;
    const std::int64_t w = engine::trading_window(*p, book - p->rules.id, snap.calendar_ns);
    if (w != engine::kNoWindow)
      ps->note_fill(p->rules.id, engine::window_start_ns(*p, w), host, qty);
  };
  for (const engine::SnapshotHolding& h : snap.holdings)
    add(h.key.owner, h.key.instrument, h.key.host, h.qty);
  // A resale ask still resting is offered, not yet sold: still held (a tenant's asks are resales).
  for (const engine::SnapshotOrder& o : snap.orders)
    if (const Principal* who = principal_by_id(o.owner);
        o.side == engine::Side::Sell && who != nullptr && who->role == Role::Tenant)
      add(o.owner, o.instrument, o.host, o.qty);
}

void Server::check_ledgers() {
  for (const Principal& p : config_.principals) {
    StreamCounts sum;
    bool any = false;
    for (std::size_t i = 0; i < exchange_->partitions(); ++i)
      if (const StreamLedger* l = exchange_->ledger(i)) {
        any = true;
        sum.reports += l->counts(p.id).reports;
        sum.fills += l->counts(p.id).fills;
      }
    const PrincipalState* ps = home_of(p.id).principal(p.id);
    if (!any || ps == nullptr) continue;
    if (ps->next_stream_seq() != sum.reports + 1 || ps->next_fill_seq() != sum.fills + 1)
      spdlog::error("principal '{}': streams at {} reports, {} fills, but the ledgers count {}, {}",
                    p.name, ps->next_stream_seq() - 1, ps->next_fill_seq() - 1, sum.reports,
                    sum.fills);
  }
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
  if (metrics_) {  // counts from here on: the start-up replay is not new work
    metrics_->set_levels([this] {
      QueueLevels l;
      for (std::size_t p = 0; p < exchange_->partitions(); ++p)
        l.partitions.push_back(exchange_->partition(p).queued());
      l.events = events_.size_approx();
      for (const auto& t : io_)
        l.inboxes.push_back(t->inbox_depth());
      l.open_sessions = open_sessions_.load(std::memory_order_relaxed);
      if (fill_sink_ != nullptr) {
        const FillSinkStats f = fill_sink_->stats();
        l.fill_fanout = {f.published, f.stored, f.failed, f.dropped};
      }
      return l;
    });
    publisher_->set_metrics(metrics_.get());
    for (auto& t : io_)
      t->set_metrics(metrics_.get());
    serve_metrics();
  }
  if (inline_engine()) {
    publisher_->set_wake([this] { schedule_pump(); });
    pump_timer_ = std::make_unique<asio::steady_timer>(io_[0]->context());
    pumping_.store(true, std::memory_order_release);
    asio::post(io_[0]->context(), [this] { schedule_notice_pump(); });
  } else {
    publisher_->start();
  }
  exchange_->start();
  for (auto& t : io_)
    t->start();
  verifier_->start();
  asio::post(io_[0]->context(), [this] { accept(); });
  if (dashboard_) dashboard_->start();
  {  // the product calendar, and sequenced time for pool pricing while a policy exists
    rolling_.store(true, std::memory_order_release);
    roll_timer_ = std::make_unique<asio::steady_timer>(io_[0]->context());
    asio::post(io_[0]->context(), [this] { schedule_roll(); });
  }
  started_ = true;
}

void Server::stop() {
  if (!started_) return;
  started_ = false;
  if (dashboard_) dashboard_->stop();
  rolling_.store(false, std::memory_order_release);  // a tick handler in flight does not re-arm
  pumping_.store(false, std::memory_order_release);
  asio::post(io_[0]->context(), [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
    if (roll_timer_) roll_timer_->cancel();
    if (pump_timer_) pump_timer_->cancel();
  });
  if (metrics_) {  // nothing reads the threads' counters once they stop
    metrics_->stop_serving();
    metrics_->set_levels({});
  }
  // Each step is bounded (docs/operations.md, "Journal retention and restart time"); each is
  // logged with what it took, so a slow stop names its step.
  auto step = [t = common::steady_ns()](const char* what) mutable {
    const std::int64_t now = common::steady_ns();
    spdlog::info("stop: {} in {:.1f} ms", what, static_cast<double>(now - t) / 1e6);
    t = now;
  };
  for (auto& t : io_)
    t->stop();
  verifier_->stop();  // after the I/O threads: the sessions its dropped jobs hold go here
  step("sessions closed");
  exchange_->stop();
  step("partitions drained, journals written, snapshot in progress finished");
  publisher_->stop();
  step("publisher drained");
}

void Server::accept() {
  acceptor_->async_accept(
      io_[0]->context(), [this](const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
        if (!ec) {
          // Not logged on yet: bounded per source address and in total (apart from
          // max_sessions, which logged-on sessions take).
          boost::system::error_code ep_ec;
          const auto ep = socket.remote_endpoint(ep_ec);
          std::string source = ep_ec ? std::string("?") : ep.address().to_string();
          const Admission::Verdict verdict = admission_->open(source);
          if (verdict != Admission::Verdict::Admit) {
            refuse_connection(socket, verdict);
          } else {
            auto s = std::make_shared<Session>(*io_[0], std::move(socket), next_session_id_++);
            open_sessions_.fetch_add(1);
            s->hold_pending_slot(std::move(source));
            io_[0]->add_session(s);
            s->start();
          }
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

const Principal* Server::principal_by_name(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

const Principal* Server::principal_of_host(engine::HostId host) const {
  auto it = by_host_.find(host);
  return it == by_host_.end() ? nullptr : it->second;
}

bool Server::has_instrument(engine::InstrumentId id) const {
  return instrument_spec(id) != nullptr;
}

const engine::InstrumentSpec* Server::instrument_spec(engine::InstrumentId id) const {
  return id <= engine::kMaxInstrumentId ? by_instrument_[id].load(std::memory_order_acquire)
                                        : nullptr;
}

const engine::Product* Server::product_of(engine::InstrumentId id) const {
  auto it = product_by_book_.find(id);
  return it == product_by_book_.end() ? nullptr : it->second;
}

void Server::schedule_roll() {
  // The first run ticks at once: windows listed while the exchange was down are listed now,
  // and those that closed meanwhile expire.
  const std::int64_t now = wall_ns();
  if (now >= next_tick_ns_) {
    exchange_->roll();
    next_tick_ns_ = std::numeric_limits<std::int64_t>::max();
    for (const engine::Product& p : config_.products)
      next_tick_ns_ = std::min(next_tick_ns_, engine::next_change_ns(p, now));
  }
  // Pricing moves with time too (spot leases end, pools sit idle): every partition hears it.
  // So do GTD orders whose time has come (the engine expires them at the next command).
  const bool expiry_due = expiries_.take_due(now);
  bool rolled_all = false;
  if (pricing_active_.load(std::memory_order_acquire) && now >= next_pricing_tick_ns_) {
    exchange_->roll_all();
    rolled_all = true;
    next_pricing_tick_ns_ =
        now + static_cast<std::int64_t>(config_.engine.pricing_tick_ms) * 1'000'000;
  } else if (expiry_due) {
    exchange_->roll_all();
    rolled_all = true;
  }
  // Batches end and breaker halts resume on sequenced time: every partition hears each tick.
  if (!rolled_all && auctions_active_.load(std::memory_order_acquire)) exchange_->roll_all();
  roll_timer_->expires_after(std::chrono::milliseconds(config_.engine.roll_ms));
  roll_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && rolling_.load(std::memory_order_acquire)) schedule_roll();
  });
}

void Server::schedule_pump() {
  if (pump_posted_.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(io_[0]->context(), [this] {
    // What the sessions submitted since the last round, as one batch.
    const bool snapshot_steps_left = exchange_->flush();
    // Cleared after the flush (whose events this pump routes), before the pump: events the
    // journal releases from here on post another round.
    pump_posted_.store(false, std::memory_order_release);
    // A snapshot in steps goes on in later rounds, one step each, between the sessions' work.
    if (snapshot_steps_left) schedule_pump();
    // Stopping: the sessions are closing and no report reaches them; the cancel-on-disconnect
    // mass cancels are applied and journaled (the restart replays them), but their events are
    // not routed to principals' state that is about to go (that was most of a stop's time).
    if (!pumping_.load(std::memory_order_acquire)) return;
    io_[0]->hold_drain();  // this round drains what the pump delivers, without another post
    publisher_->pump();
    io_[0]->drain();
  });
}

void Server::schedule_notice_pump() {
  publisher_->pump();
  pump_timer_->expires_after(std::chrono::milliseconds(10));
  pump_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && pumping_.load(std::memory_order_acquire)) schedule_notice_pump();
  });
}

void Server::note_logoff(Session& s, PrincipalState& state) {
  if (dashboard_) dashboard_->ops().session_closed(state.principal);
  if (metrics_) metrics_->note_logoff(state.principal.role);
  if (s.standby()) standby_logoff(state.principal, s.id());
  if (state.principal.role == Role::Host && state.sessions.empty()) note_host_gone(state.principal);
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
  if (dashboard_) dashboard_->ops().enactment(host, fill_seq, enforced, latency_ns, wall_ns());
  if (metrics_) metrics_->note_enactment(host, fill_seq, enforced, latency_ns);
  if (enforced)
    spdlog::info("host '{}' enforced fill {} in {} us", host.name, fill_seq, latency_ns / 1000);
  else
    spdlog::warn("host '{}' failed to enforce fill {}: {}", host.name, fill_seq, reason);
  note_enactment_outcome(host, enforced);
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

}  // namespace swarmex::gateway
