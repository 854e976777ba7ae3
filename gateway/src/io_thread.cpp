#include "io_thread.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "fill_sink.hpp"
#include "metrics.hpp"
#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

namespace asio = boost::asio;

IoThread::IoThread(Server& server, std::uint32_t index)
    : server_(server),
      index_(index),
      work_(asio::make_work_guard(ctx_)),
      housekeeping_(ctx_),
      writer_(4096) {
  batch_.resize(1024);
}

IoThread::~IoThread() {
  stop();
}

void IoThread::start() {
  schedule_housekeeping();
  thread_ = std::thread([this] {
    run();
    finished_.store(true, std::memory_order_release);
  });
}

void IoThread::run() {
  const auto poll_for = std::chrono::microseconds(server_.config().server.busy_poll_us);
  if (poll_for.count() == 0) {
    ctx_.run();
    return;
  }
  // Sleep until something happens, then poll (a non-blocking epoll_wait and whatever handlers
  // are ready) until nothing has happened for poll_for: a burst of requests finds this thread
  // awake instead of paying a wake-up each.
  while (ctx_.run_one() > 0) {
    auto last = std::chrono::steady_clock::now();
    for (;;) {
      if (ctx_.poll() > 0) {
        last = std::chrono::steady_clock::now();
      } else if (ctx_.stopped() || std::chrono::steady_clock::now() - last >= poll_for) {
        break;
      }
    }
  }
}

void IoThread::stop() {
  if (!thread_.joinable()) return;
  asio::post(ctx_, [this] {
    housekeeping_.cancel();
    for (auto& [id, s] : std::unordered_map(sessions_))
      s->abort("server stopping");
    work_.reset();  // run() returns once the closes (and cancel-on-disconnect) are through
  });
  // A handler that keeps re-arming (a session timer mid-close) must not hold the process: after
  // 2 s of draining, the context is stopped.
  for (int i = 0; i < 200 && !finished_.load(std::memory_order_acquire); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!finished_.load(std::memory_order_acquire)) ctx_.stop();
  thread_.join();
}

void IoThread::set_metrics(ExchangeMetrics* metrics) {
  exchange_metrics_ = metrics;
  metrics_ = metrics != nullptr ? &metrics->io(index_) : nullptr;
}

void IoThread::deliver(OutItem&& item) {
  inbox_.enqueue(std::move(item));
  if (!drain_posted_.exchange(true, std::memory_order_acq_rel))
    asio::post(ctx_, [this] { drain(); });
}

void IoThread::drain() {
  // Clear the flag first: anything delivered from here on posts another drain.
  drain_posted_.store(false, std::memory_order_release);
  for (;;) {
    const std::size_t n = inbox_.try_dequeue_bulk(batch_.data(), batch_.size());
    if (n == 0) return;
    draining_ = true;
    for (std::size_t i = 0; i < n; ++i)
      handle(batch_[i]);
    draining_ = false;
    // After each bulk, not once the inbox is empty: with the publisher on another thread it may
    // never be, and the reports must not wait for that.
    // The sessions with reports first: their acks do not wait behind market data's writes.
    for (const std::shared_ptr<Session>& s : flush_first_)
      s->flush();
    flush_first_.clear();
    for (const std::shared_ptr<Session>& s : flush_due_)
      s->flush();
    flush_due_.clear();
  }
}

void IoThread::note_window_fill(PrincipalState& ps, const ExecReport& r,
                                std::int64_t lease_start_ns, std::int64_t time_ns) {
  if (r.kind != wire::ExecKind::Filled) return;
  const engine::Product* product = server_.product_of(r.instrument);
  if (product == nullptr) return;
  ps.forget_windows_before(time_ns - product->length_ns);  // delivered: keeps the map short
  // The engine dated the lease: a window fill's lease is its window.
  ps.note_fill(product->rules.id, lease_start_ns, r.host,
               r.side == engine::Side::Buy ? r.last_qty : -r.last_qty);
}

void IoThread::handle(const OutItem& item) {
  switch (item.kind) {
    case OutItem::Kind::Report:
    case OutItem::Kind::MakerReport: {
      PrincipalState* ps = principal(item.principal);
      if (ps == nullptr) return;
      const bool maker = item.kind == OutItem::Kind::MakerReport;
      ExecReport r =
          report_for(item.event, maker ? FillParty::Maker : FillParty::Taker, item.time_ns);
      r.client_order_id = ps->client_of(r.order_id);
      const bool agents_order =
          (item.event.agent & (maker ? engine::kMakerByAgent : engine::kByAgent)) != 0;
      ps->orders.note(r, item.event, item.partition);
      if (ps->principal.role == Role::Agent) {  // its copy: for whom, and nothing held
        r.on_behalf_of = server_.principal_by_id(maker ? item.event.maker_owner : item.event.owner);
      } else {
        if (agents_order) r.agent = server_.agent();
        note_window_fill(*ps, r, item.event.lease_start_ns, item.time_ns);
        ps->view.note(r, item.event, server_.product_of(r.instrument) == nullptr);
      }
      if (stages_ != nullptr && !maker && item.event.command == engine::CommandKind::NewOrder &&
          (item.event.kind == engine::EventKind::Accepted ||
           item.event.kind == engine::EventKind::Rejected))
        stages_->acknowledged(item.event.order_id, item.event.time_ns, item.released_ns, wall_ns());
      ps->note_end(item.event, maker, item.partition, item.time_ns);
      const ExecReport& stamped = ps->append(r);
      if (ps->sessions.empty()) return;
      const auto frame = encode(writer_, stamped, server_.history());
      for (Session* s : ps->sessions)
        s->send(frame);
      if (metrics_ != nullptr && !maker && item.event.command == engine::CommandKind::NewOrder &&
          (item.event.kind == engine::EventKind::Accepted ||
           item.event.kind == engine::EventKind::Rejected))
        metrics_->order_acked(item.event.order_id, item.event.time_ns);
      return;
    }
    case OutItem::Kind::HostFill: {
      PrincipalState* ps = principal(item.principal);
      if (ps == nullptr) return;
      const bool taker_buys = item.event.side == engine::Side::Buy;
      const Principal* seller =
          server_.principal_by_id(taker_buys ? item.event.maker_owner : item.event.owner);
      const HostFill& f = ps->append(host_fill_for(
          item.event, item.time_ns, server_.instrument_spec(item.event.instrument),
          server_.principal_by_id(taker_buys ? item.event.owner : item.event.maker_owner),
          seller != nullptr && seller->role == Role::Tenant ? seller : nullptr));
      if (f.tenant_principal != nullptr && f.tenant_principal->role == Role::Tenant)
        ps->note_holder(f.tenant, f.lease_end_ns);  // whose usage this host may report
      if (exchange_metrics_ != nullptr)
        exchange_metrics_->note_host_fill(item.principal, f.stream_seq);
      FillSink* fanout = server_.fill_sink();
      if (ps->fill_sessions.empty() && fanout == nullptr) return;
      const auto frame = encode(writer_, f, server_.history());
      if (fanout != nullptr) fanout->publish(ps->principal.host_id, f.stream_seq, frame);
      for (Session* s : ps->fill_sessions)
        s->send(frame);
      return;
    }
    case OutItem::Kind::MarketData: {
      if (item.event.kind == engine::EventKind::Incentive) return send_incentive(item.event);
      auto it = market_data_.find(item.event.instrument);
      if (it == market_data_.end() || it->second.empty()) return;
      if (item.frame) {  // encoded once by the publisher (an auction result, a breaker's halt)
        for (Session* s : it->second)
          s->send(*item.frame);
        return;
      }
      const auto frame = item.event.kind == engine::EventKind::Fill
                             ? encode_trade(writer_, item.event)
                             : encode_book_update(writer_, item.event);
      // Encoded once for all of this thread's subscribers; one that has fallen behind drops it.
      for (Session* s : it->second)
        s->send_market_data(item.event.instrument, frame);
      return;
    }
    case OutItem::Kind::Snapshot: {
      auto it = sessions_.find(item.session_id);
      if (it == sessions_.end()) return;  // gone meanwhile
      it->second->send_snapshot(item.event.instrument, *item.frame);
      // From here on the session gets every update after the snapshot, in order.
      subscribe_market_data(it->second.get(), item.event.instrument);
      return;
    }
    case OutItem::Kind::HostLost:
      return tell_host_lost(item.principal, item.time_ns);
    case OutItem::Kind::Answer:
      if (Session* s = find_session(item.session_id)) s->send(*item.frame);
      return;
    case OutItem::Kind::Notice: {
      PrincipalState* ps = principal(item.principal);
      if (ps == nullptr) return;
      for (Session* s : ps->sessions)
        s->send(*item.frame);
      return;
    }
  }
}

void IoThread::tell_host_lost(engine::OwnerId host, std::int64_t lost_at_ns) {
  PrincipalState* ps = principal(host);
  if (ps == nullptr) return;
  const Principal* agent = server_.agent();
  // Ordered by tenant id: the notices go out in the same order every time.
  std::map<engine::OwnerId, std::int64_t> holders(ps->holders().begin(), ps->holders().end());
  for (const auto& [tenant_id, lease_end] : holders) {
    const Principal* tenant = server_.principal_by_id(tenant_id);
    if (tenant == nullptr || lease_end <= lost_at_ns) continue;  // nothing left on it
    protocol::FrameWriter w;
    auto& b = w.fbb();
    const auto bytes =
        w.finish(wire::CreateHostLost(b, ps->principal.host_id, b.CreateString(ps->principal.name),
                                      lost_at_ns, b.CreateString(tenant->name), lease_end));
    auto frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
    for (const Principal* to : {tenant, agent}) {
      if (to == nullptr) continue;
      OutItem item;
      item.kind = OutItem::Kind::Notice;
      item.principal = to->id;
      item.frame = frame;
      server_.home_of(to->id).deliver(std::move(item));
    }
  }
}

void IoThread::add_principal(const Principal& p, const PrincipalBounds& bounds) {
  principals_[p.id] = std::make_unique<PrincipalState>(p, bounds);
}

PrincipalState* IoThread::principal(engine::OwnerId id) {
  auto it = principals_.find(id);
  return it == principals_.end() ? nullptr : it->second.get();
}

void IoThread::add_session(std::shared_ptr<Session> s) {
  sessions_[s->id()] = std::move(s);
}

void IoThread::remove_session(Session* s) {
  for (auto& [instrument, subs] : market_data_)
    std::erase(subs, s);
  sessions_.erase(s->id());
}

void IoThread::subscribe_market_data(Session* s, engine::InstrumentId id) {
  auto& subs = market_data_[id];
  if (std::find(subs.begin(), subs.end(), s) == subs.end()) subs.push_back(s);
}

void IoThread::schedule_housekeeping() {
  housekeeping_.expires_after(std::chrono::milliseconds(50));
  housekeeping_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const std::int64_t now = steady_ns();
    // Copy: a session may close (and leave the map) during its check.
    std::vector<std::shared_ptr<Session>> all;
    all.reserve(sessions_.size());
    for (auto& [id, s] : sessions_)
      all.push_back(s);
    for (auto& s : all)
      s->housekeeping(now);
    if (index_ == 0) server_.check_lost_hosts(now);
    schedule_housekeeping();
  });
}

void IoThread::send_incentive(const engine::Event& e) {
  const engine::InstrumentSpec* spec = server_.instrument_spec(e.instrument);
  if (spec == nullptr) return;
  std::vector<Session*> to;
  for (const auto& [id, sessions] : market_data_) {
    const engine::InstrumentSpec* s = server_.instrument_spec(id);
    if (s == nullptr || s->pool != spec->pool || s->resource != spec->resource) continue;
    to.insert(to.end(), sessions.begin(), sessions.end());
  }
  std::sort(to.begin(), to.end());
  to.erase(std::unique(to.begin(), to.end()), to.end());
  if (to.empty()) return;
  auto& b = writer_.fbb();
  const auto frame = writer_.finish(
      wire::CreateIncentiveNotice(b, b.CreateString(spec->pool), b.CreateString(spec->resource),
                                  e.qty != 0, static_cast<std::uint32_t>(e.price),
                                  static_cast<std::uint32_t>(e.leaves_qty), e.lease_end_ns, e.seq));
  for (Session* s : to)
    s->send(frame);
}

}  // namespace swarmex::gateway
