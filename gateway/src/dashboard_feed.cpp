#include "dashboard_feed.hpp"

#include <algorithm>

#include "server.hpp"

namespace swarmex::gateway {

DashboardFeed::Pool* DashboardFeed::pool_named(const std::string& name) {
  auto it = pools_.find(name);
  if (it != pools_.end()) return &it->second;
  if (pools_.size() >= kMaxPools) return nullptr;
  return &pools_[name];
}

void DashboardFeed::note(const engine::Event& e, std::int64_t time_ns) {
  if (e.kind != engine::EventKind::Fill) return;
  const engine::InstrumentSpec* spec = server_.instrument_spec(e.instrument);
  if (spec == nullptr) return;
  Traded& t = traded_[e.instrument];
  t.last_price = e.price;
  t.volume += e.qty;
  ++t.trades;
  ++trades_;
  Pool* pool = pool_named(spec->pool);
  if (pool == nullptr) return;
  pool->tape.push_front(TapeTrade{time_ns, e.instrument, spec->symbol, e.price, e.qty, e.side});
  if (pool->tape.size() > kTapeTrades) pool->tape.pop_back();
}

void DashboardFeed::publish(std::int64_t now_ns, const Levels& levels,
                            std::vector<std::pair<std::string, ResourceUse>> use) {
  next_publish_ns_ = now_ns + kPublishNs;
  const bool sample = now_ns >= next_history_ns_;
  if (sample) next_history_ns_ = now_ns + kHistoryNs;
  auto view = std::make_shared<MarketView>();
  view->time_ns = now_ns;
  view->trades = trades_;
  std::map<std::string, PoolView> by_pool;
  for (const engine::InstrumentId id : server_.spot_instruments()) {
    const engine::InstrumentSpec* spec = server_.instrument_spec(id);
    if (spec == nullptr || pool_named(spec->pool) == nullptr) continue;
    PoolView& pv = by_pool[spec->pool];
    if (pv.instruments.size() >= kMaxPoolInstruments) continue;
    InstrumentView iv;
    iv.id = id;
    iv.symbol = spec->symbol;
    iv.resource = spec->resource;
    if (auto it = traded_.find(id); it != traded_.end()) {
      iv.last_price = it->second.last_price;
      iv.volume = it->second.volume;
      iv.trades = it->second.trades;
    }
    levels(id, iv.bids, iv.asks);
    pv.instruments.push_back(std::move(iv));
  }
  for (auto& [pool, u] : use)
    if (pool_named(pool) != nullptr) by_pool[pool].use.push_back(std::move(u));
  for (auto& [name, pv] : by_pool) {
    pv.name = name;
    Pool& pool = *pool_named(name);
    if (sample) {
      HistoryPoint point;
      point.time_ns = now_ns;
      pool.history_instruments.clear();
      for (const InstrumentView& iv : pv.instruments) {
        pool.history_instruments.push_back(iv.id);
        point.last_price.push_back(iv.last_price);
      }
      pool.history_resources.clear();
      for (const ResourceUse& u : pv.use) {
        pool.history_resources.push_back(u.resource);
        point.utilisation.push_back(
            u.capacity > 0 ? static_cast<double>(u.sold) / static_cast<double>(u.capacity) : -1.0);
      }
      pool.history.push_back(std::move(point));
      if (pool.history.size() > kHistoryPoints) pool.history.pop_front();
      pool.published = std::make_shared<const std::vector<HistoryPoint>>(pool.history.begin(),
                                                                         pool.history.end());
    }
    pv.tape.assign(pool.tape.begin(), pool.tape.end());
    pv.history =
        pool.published ? pool.published : std::make_shared<const std::vector<HistoryPoint>>();
    pv.history_instruments = pool.history_instruments;
    pv.history_resources = pool.history_resources;
    view->pools.push_back(std::move(pv));
  }
  const std::lock_guard lock(mu_);
  view_ = std::move(view);
}

std::shared_ptr<const MarketView> DashboardFeed::view() const {
  const std::lock_guard lock(mu_);
  return view_;
}

}  // namespace swarmex::gateway
