#include "publisher.hpp"

#include <tuple>

#include "event_recipients.hpp"
#include "reports.hpp"

#include "io_thread.hpp"
#include "metrics.hpp"
#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

using engine::Event;
using engine::EventKind;

Publisher::Publisher(Server& server, moodycamel::BlockingConcurrentQueue<Event>& events)
    : server_(server),
      events_(events),
      catalog_(server),
      notices_(static_cast<std::int64_t>(server.config().server.interruption_notice_s) *
               1'000'000'000) {}

Publisher::~Publisher() {
  stop();
}

void Publisher::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void Publisher::stop() {
  if (!running_.exchange(false)) return;
  thread_.join();
}

void Publisher::run() {
  for (;;) {
    serve_requests();
    const std::size_t n = events_.wait_dequeue_bulk_timed(batch_.data(), batch_.size(), 1000);
    if (notices_.size() != 0) send_due_notices(wall_ns());
    if (server_.any_standby()) check_standby(wall_ns());
    if (dashboard_ != nullptr && dashboard_->due(wall_ns())) publish_dashboard(wall_ns());
    if (metrics_ != nullptr) note_pool_use(wall_ns());
    if (n == 0) {
      server_.drop_copy().flush(wall_ns());  // its state file, once a second when it changed
      if (!running_.load(std::memory_order_acquire)) return;
      continue;
    }
    route_batch(n);
  }
}

void Publisher::pump() {
  serve_requests();
  if (notices_.size() != 0) send_due_notices(wall_ns());
  if (server_.any_standby()) check_standby(wall_ns());
  if (dashboard_ != nullptr && dashboard_->due(wall_ns())) publish_dashboard(wall_ns());
  if (metrics_ != nullptr) note_pool_use(wall_ns());
  for (std::size_t n; (n = events_.try_dequeue_bulk(batch_.data(), batch_.size())) != 0;)
    route_batch(n);
}

void Publisher::serve_requests() {
  MarketDataRequest req;
  while (requests_.try_dequeue(req))
    serve(req);
  CatalogQuery q;
  while (catalog_requests_.try_dequeue(q))
    serve(q);
}

void Publisher::route_batch(std::size_t n) {
  const std::int64_t now = wall_ns();
  released_ns_ = now;
  Exchange& exchange = server_.exchange();
  for (std::size_t i = 0; i < n; ++i)
    route(batch_[i], batch_[i].time_ns != 0 ? batch_[i].time_ns : now,
          exchange.partition_of(batch_[i].instrument));
  released_ns_ = 0;
  server_.drop_copy().flush(now);
}

void Publisher::route(const Event& e, std::int64_t time_ns, std::uint32_t partition) {
  auto to_owner = [&](engine::OwnerId owner, OutItem::Kind kind) {
    if (owner == 0 || server_.principal_by_id(owner) == nullptr) return;
    OutItem item;
    item.kind = kind;
    item.principal = owner;
    item.event = e;
    item.time_ns = time_ns;
    item.released_ns = released_ns_;
    item.partition = partition;
    server_.home_of(owner).deliver(std::move(item));
  };
  auto to_market_data = [&](Book& book) {
    for (std::uint64_t mask = book.thread_mask; mask != 0; mask &= mask - 1) {
      OutItem item;
      item.kind = OutItem::Kind::MarketData;
      item.event = e;
      server_.io(static_cast<std::uint32_t>(std::countr_zero(mask))).deliver(std::move(item));
    }
  };
  if (e.kind == EventKind::Accepted &&
      (e.command == engine::CommandKind::Halt || e.command == engine::CommandKind::Resume))
    server_.note_halted(e.instrument, e.command == engine::CommandKind::Halt);
  catalog_.note(e, time_ns);
  if (dashboard_ != nullptr) dashboard_->note(e, time_ns);
  if (metrics_ != nullptr)
    metrics_->note_event(
        e, e.kind == EventKind::Fill ? server_.instrument_spec(e.instrument) : nullptr);
  const EventRecipients to = recipients_of(e);
  if (to.admin_outcome) return server_.admin_outcome(e);
  // The drop copy: the reports as routed to their owners (not the agent's copies).
  if (to.report != 0) server_.drop_copy().add(e, static_cast<std::uint16_t>(partition), false);
  if (to.maker_report != 0) server_.drop_copy().add(e, static_cast<std::uint16_t>(partition), true);
  to_owner(to.report, OutItem::Kind::Report);
  to_owner(to.maker_report, OutItem::Kind::MakerReport);
  if (const Principal* agent = server_.agent(); agent != nullptr) {
    if (to.agent_report) to_owner(agent->id, OutItem::Kind::Report);
    if (to.agent_maker_report) to_owner(agent->id, OutItem::Kind::MakerReport);
  }
  if (to.host_fill)
    if (const Principal* host = server_.principal_of_host(to.host_of_fill))
      to_owner(host->id, OutItem::Kind::HostFill);
  if (e.kind == EventKind::Fill) note_lease(e);
  if (!to.market_data) return;
  if (e.kind == EventKind::Incentive) {  // every thread: its subscribers of the pool hear it
    server_.note_incentive(e);
    for (std::uint32_t t = 0; t < server_.io_threads(); ++t) {
      OutItem item;
      item.kind = OutItem::Kind::MarketData;
      item.event = e;
      server_.io(t).deliver(std::move(item));
    }
    return;
  }
  if (e.kind == EventKind::AuctionResult || e.kind == EventKind::InstrumentState)
    return route_auction(e, time_ns);  // publisher_auctions.cpp
  Book& book = books_[e.instrument];
  book.seq = e.seq;
  if (e.kind == EventKind::BookLevel) {
    const wire::Level level(e.price, e.qty, static_cast<std::uint32_t>(e.leaves_qty));
    if (e.side == engine::Side::Buy) {
      if (e.qty == 0)
        book.bids.erase(e.price);
      else
        book.bids[e.price] = level;
    } else {
      if (e.qty == 0)
        book.asks.erase(e.price);
      else
        book.asks[e.price] = level;
    }
  }
  to_market_data(book);
}

void Publisher::restore_books(const engine::EngineSnapshot& snap) {
  struct Sum {
    engine::Qty qty = 0;
    std::uint32_t orders = 0;
  };
  std::map<std::tuple<engine::InstrumentId, engine::Side, engine::Price>, Sum> levels;
  for (const engine::SnapshotOrder& o : snap.orders) {
    Sum& s = levels[{o.instrument, o.side, o.price}];
    s.qty += o.qty;
    ++s.orders;
  }
  for (const auto& [key, sum] : levels) {
    const auto& [instrument, side, price] = key;
    Book& book = books_[instrument];
    book.seq = std::max(book.seq, snap.last_seq);
    const wire::Level level(price, sum.qty, sum.orders);
    if (side == engine::Side::Buy)
      book.bids[price] = level;
    else
      book.asks[price] = level;
  }
}

void Publisher::note_lease(const Event& e) {
  if (notices_.lead_ns() <= 0) return;
  Notice n;
  const bool taker_buys = e.side == engine::Side::Buy;
  n.instrument = e.instrument;
  n.host = e.host;
  n.tenant = taker_buys ? e.owner : e.maker_owner;
  const Principal* host = server_.principal_of_host(e.host);
  n.host_principal = host ? host->id : 0;
  n.qty = e.qty;
  n.engine_seq = e.seq;
  n.buy_order_id = taker_buys ? e.order_id : e.maker_order_id;
  n.sell_order_id = taker_buys ? e.maker_order_id : e.order_id;
  n.lease_start_ns = e.lease_start_ns;  // the engine dated the lease
  n.lease_end_ns = e.lease_end_ns;
  notices_.add(n, wall_ns());
}

void Publisher::send_due_notices(std::int64_t now_ns) {
  due_.clear();
  notices_.take_due(now_ns, due_);
  for (const Notice& n : due_) {
    protocol::FrameWriter w;
    const auto bytes = w.finish(wire::CreateInterruptionNotice(
        w.fbb(), n.instrument, n.host, n.tenant, n.qty, n.engine_seq, n.buy_order_id,
        n.sell_order_id, n.lease_start_ns, n.lease_end_ns));
    auto frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
    for (const engine::OwnerId who : {n.tenant, n.host_principal}) {
      if (who == 0 || server_.principal_by_id(who) == nullptr) continue;
      OutItem item;
      item.kind = OutItem::Kind::Notice;
      item.principal = who;
      item.frame = frame;
      server_.home_of(who).deliver(std::move(item));
    }
  }
}

void Publisher::serve(const MarketDataRequest& r) {
  std::vector<engine::InstrumentId> ids = r.instruments;
  if (ids.empty()) ids = server_.spot_instruments();
  protocol::FrameWriter w;
  for (const engine::InstrumentId id : ids) {
    if (!server_.has_instrument(id)) continue;
    Book& book = books_[id];
    std::vector<wire::Level> bids, asks;
    for (const auto& [p, l] : book.bids) {
      if (bids.size() >= r.depth) break;
      bids.push_back(l);
    }
    for (const auto& [p, l] : book.asks) {
      if (asks.size() >= r.depth) break;
      asks.push_back(l);
    }
    auto snap = wire::CreateBookSnapshot(w.fbb(), id, book.seq, w.fbb().CreateVectorOfStructs(bids),
                                         w.fbb().CreateVectorOfStructs(asks));
    const auto bytes = w.finish(snap);
    OutItem item;
    item.kind = OutItem::Kind::Snapshot;
    item.session_id = r.session_id;
    item.event.instrument = id;
    item.frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
    book.thread_mask |= 1ull << r.thread;
    server_.io(r.thread).deliver(std::move(item));
  }
}

}  // namespace swarmex::gateway

namespace swarmex::gateway {

void Publisher::serve(const CatalogQuery& q) {
  protocol::FrameWriter w;
  const auto best = [this](engine::InstrumentId id) {
    auto it = books_.find(id);
    if (it == books_.end()) return std::pair<engine::Price, engine::Price>{0, 0};
    const Book& book = it->second;
    return std::pair<engine::Price, engine::Price>{
        book.bids.empty() ? 0 : book.bids.begin()->first,
        book.asks.empty() ? 0 : book.asks.begin()->first};
  };
  const auto bytes = catalog_.answer(w, q, wall_ns(), best, server_.standby_listing());
  OutItem item;
  item.kind = OutItem::Kind::Answer;
  item.session_id = q.session_id;
  item.frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
  server_.io(q.thread).deliver(std::move(item));
}

void Publisher::publish_dashboard(std::int64_t now_ns) {
  const auto levels = [this](engine::InstrumentId id, std::vector<LadderLevel>& bids,
                             std::vector<LadderLevel>& asks) {
    auto it = books_.find(id);
    if (it == books_.end()) return;
    for (const auto& [px, l] : it->second.bids) {
      if (bids.size() >= kLadderDepth) break;
      bids.push_back(LadderLevel{px, l.qty(), l.orders()});
    }
    for (const auto& [px, l] : it->second.asks) {
      if (asks.size() >= kLadderDepth) break;
      asks.push_back(LadderLevel{px, l.qty(), l.orders()});
    }
  };
  std::vector<std::pair<std::string, ResourceUse>> use;
  for (PoolUse& u : catalog_.pool_use(now_ns))
    use.emplace_back(std::move(u.pool), ResourceUse{std::move(u.resource), u.capacity, u.sold});
  dashboard_->publish(now_ns, levels, std::move(use));
}

engine::Qty Publisher::unmet_bids(const std::string& pool, const std::string& resource) const {
  engine::Qty bids = 0, asks = 0;
  for (const engine::InstrumentId id : server_.spot_instruments()) {
    const engine::InstrumentSpec* s = server_.instrument_spec(id);
    auto it = books_.find(id);
    if (s == nullptr || s->pool != pool || s->resource != resource || it == books_.end()) continue;
    for (const auto& [px, level] : it->second.bids)
      bids += level.qty();
    for (const auto& [px, level] : it->second.asks)
      asks += level.qty();
  }
  return bids - asks;
}

void Publisher::note_pool_use(std::int64_t now_ns) {
  if (now_ns < next_pool_use_ns_) return;
  next_pool_use_ns_ = now_ns + kPoolUseCheckNs;
  for (const PoolUse& u : catalog_.pool_use(now_ns))
    if (!u.mig) metrics_->note_pool_use(u.pool, u.resource, u.capacity, u.sold);
}

void Publisher::check_standby(std::int64_t now_ns) {
  if (now_ns < next_standby_check_ns_) return;
  next_standby_check_ns_ = now_ns + kStandbyCheckNs;
  for (const StandbyListing& l : server_.standby_listing()) {
    if (l.groups.empty()) continue;  // nothing declared yet: nothing to sell
    // The busiest of the host's groups decides.
    std::uint32_t u = 0;
    for (const StandbyGroup& g : l.groups) {
      const engine::Qty unmet = g.resource == "mig" ? 0 : unmet_bids(g.pool, g.resource);
      u = std::max(u, catalog_.demand_ppm(g.pool, g.resource, l.host, unmet, now_ns));
    }
    server_.standby_observe(l.host, u, catalog_.sells_from(l.host, now_ns), now_ns);
  }
}

}  // namespace swarmex::gateway
