#include "catalog_board.hpp"

#include <algorithm>
#include <set>

#include "server.hpp"
#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/mig_profiles.hpp"

namespace swarmex::gateway {

namespace {

bool is_mig(std::string_view resource) {
  return resource.starts_with("mig.");
}

// The engine's name of a resource's supply group: every mig.* profile shares the host's GPUs.
std::string group_resource(const std::string& resource) {
  return is_mig(resource) ? std::string("mig") : resource;
}

}  // namespace

void CatalogBoard::sell(Entry& entry, std::int64_t from_ns, std::int64_t to_ns, engine::Qty qty) {
  entry.sold_changes[from_ns] += qty;
  entry.sold_changes[to_ns] -= qty;
}

engine::Qty CatalogBoard::sold_at(Entry& entry, std::int64_t now_ns) {
  // The past is folded into one number: the map holds only leases that still change it.
  auto it = entry.sold_changes.begin();
  for (; it != entry.sold_changes.end() && it->first <= now_ns; ++it)
    entry.sold_before += it->second;
  entry.sold_changes.erase(entry.sold_changes.begin(), it);
  return entry.sold_before;
}

void CatalogBoard::note(const engine::Event& e, std::int64_t time_ns) {
  const bool supply =
      e.kind == engine::EventKind::Accepted && e.command == engine::CommandKind::SetSupply;
  if (!supply && e.kind != engine::EventKind::Fill) return;
  const engine::InstrumentSpec* spec = server_.instrument_spec(e.instrument);
  if (spec == nullptr) return;
  if (supply) {
    if (is_mig(spec->resource))
      gpus_[{spec->pool, e.host}] = e.qty;
    else
      entries_[{spec->pool, spec->resource}].capacity[e.host] = e.qty;
    return;
  }
  if (std::int64_t& until = sold_until_ns_[e.host]; e.lease_end_ns > until) until = e.lease_end_ns;
  // A tenant's resale moves capacity already sold from one tenant to another: no new sale.
  const Principal* seller =
      server_.principal_by_id(e.side == engine::Side::Buy ? e.maker_owner : e.owner);
  const bool resale = seller != nullptr && seller->role != Role::Host;
  Entry& entry = entries_[{spec->pool, spec->resource}];
  if (const engine::Product* p = server_.product_of(e.instrument)) {
    Window& w = windows_[{p->rules.id, e.lease_start_ns}];
    w.end_ns = e.lease_end_ns;
    w.last_price = e.price;
    if (!resale) w.sold += e.qty;
    // Delivered windows are forgotten (a few hundred at most are listed at once).
    std::erase_if(windows_, [&](const auto& kv) { return kv.second.end_ns <= time_ns; });
  } else {
    entry.last_price = e.price;
  }
  if (!resale) {
    sell(entry, e.lease_start_ns, e.lease_end_ns, e.qty);
    sold_at(entry, time_ns);
  }
}

std::string CatalogBoard::pool_of_group(const engine::EngineSnapshot& snap, engine::HostId host,
                                        const std::string& resource) const {
  std::vector<std::string> pools;
  for (const engine::SnapshotInstrument& i : snap.instruments)
    if (group_resource(i.spec.resource) == resource) pools.push_back(i.spec.pool);
  if (pools.empty()) return {};
  // Several pools on the partition: where the host has asks resting; else the first.
  for (const engine::SnapshotOrder& o : snap.orders)
    if (o.side == engine::Side::Sell && o.host == host)
      if (const engine::InstrumentSpec* s = server_.instrument_spec(o.instrument);
          s != nullptr && group_resource(s->resource) == resource)
        return s->pool;
  return pools.front();
}

void CatalogBoard::restore(const engine::EngineSnapshot& snap) {
  std::set<std::pair<engine::HostId, std::string>> grouped;
  for (const engine::SnapshotSupply& s : snap.supply) {
    const std::string pool = pool_of_group(snap, s.host, s.resource);
    if (pool.empty()) continue;
    grouped.emplace(s.host, s.resource);
    for (const auto& [time_ns, delta] : s.changes)
      if (std::int64_t& until = sold_until_ns_[s.host]; time_ns > until) until = time_ns;
    for (const engine::MigPlacement& m : s.placements)
      if (std::int64_t& until = sold_until_ns_[s.host]; m.to_ns > until) until = m.to_ns;
    if (s.resource == "mig") {
      gpus_[{pool, s.host}] = s.capacity;
      for (const engine::MigPlacement& m : s.placements)
        if (m.profile < engine::kH100Profiles.size())
          sell(entries_[{pool, "mig." + std::string(engine::kH100Profiles[m.profile].name)}],
               m.from_ns, m.to_ns, 1);
      continue;
    }
    Entry& entry = entries_[{pool, s.resource}];
    entry.capacity[s.host] = s.capacity;
    for (const auto& [time_ns, delta] : s.changes)
      entry.sold_changes[time_ns] += delta;
  }
  // What tenants hold of each window trading at the snapshot (and offer for resale) was sold;
  // it counts in a supply group's changes already, where the host has one.
  const auto held = [&](engine::InstrumentId book, engine::HostId host, engine::Qty qty) {
    const engine::Product* p = server_.product_of(book);
    const engine::InstrumentSpec* spec = server_.instrument_spec(book);
    if (p == nullptr || spec == nullptr) return;
    const std::int64_t w = engine::trading_window(*p, book - p->rules.id, snap.calendar_ns);
    if (w == engine::kNoWindow) return;
    const std::int64_t start = engine::window_start_ns(*p, w);
    Window& win = windows_[{p->rules.id, start}];
    win.end_ns = start + p->length_ns;
    win.sold += qty;
    if (std::int64_t& until = sold_until_ns_[host]; start + p->length_ns > until)
      until = start + p->length_ns;
    if (grouped.count({host, group_resource(spec->resource)}) == 0)
      sell(entries_[{spec->pool, spec->resource}], start, start + p->length_ns, qty);
  };
  for (const engine::SnapshotHolding& h : snap.holdings)
    held(h.key.instrument, h.key.host, h.qty);
  for (const engine::SnapshotOrder& o : snap.orders)
    if (const Principal* who = server_.principal_by_id(o.owner);
        o.side == engine::Side::Sell && who != nullptr && who->role == Role::Tenant)
      held(o.instrument, o.host, o.qty);
}

std::vector<PoolUse> CatalogBoard::pool_use(std::int64_t now_ns) {
  std::vector<PoolUse> out;
  for (auto& [key, entry] : entries_) {
    PoolUse u{key.first, key.second, 0, sold_at(entry, now_ns), is_mig(key.second)};
    if (!u.mig)
      for (const auto& [host, qty] : entry.capacity)
        u.capacity += qty;
    out.push_back(std::move(u));
  }
  return out;
}

bool CatalogBoard::sells_from(engine::HostId host, std::int64_t now_ns) const {
  auto it = sold_until_ns_.find(host);
  return it != sold_until_ns_.end() && it->second > now_ns;
}

std::uint32_t CatalogBoard::demand_ppm(const std::string& pool, const std::string& group,
                                       engine::HostId host, engine::Qty unmet,
                                       std::int64_t now_ns) {
  const auto ppm = [](engine::Qty wanted, engine::Qty declared) -> std::uint32_t {
    if (wanted <= 0) return 0;
    if (declared <= 0 || wanted >= declared) return 1'000'000;
    return static_cast<std::uint32_t>(wanted * 1'000'000 / declared);
  };
  if (group != "mig") {
    Entry& entry = entries_[{pool, group}];
    engine::Qty others = 0;
    for (const auto& [h, units] : entry.capacity)
      if (h != host) others += units;
    return ppm(sold_at(entry, now_ns) + std::max<engine::Qty>(unmet, 0), others);
  }
  engine::Qty gpus = 0;
  for (const auto& [where, n] : gpus_)
    if (where.first == pool && where.second != host) gpus += n;
  std::uint32_t busiest = 0;
  for (auto& [key, entry] : entries_)
    if (key.first == pool && is_mig(key.second))
      if (const engine::MigProfile* p = engine::find_mig_profile(key.second.substr(4)))
        busiest = std::max(busiest, ppm(sold_at(entry, now_ns), gpus * p->max_count));
  return busiest;
}

std::span<const std::uint8_t> CatalogBoard::answer(protocol::FrameWriter& w, const CatalogQuery& q,
                                                   std::int64_t now_ns, const BestPrices& best,
                                                   const std::vector<StandbyListing>& standby) {
  // Every pool and resource something trades in: spot instruments, then scheduled products.
  std::map<Key, std::vector<engine::InstrumentId>> spot;
  for (const engine::InstrumentId id : server_.spot_instruments())
    if (const engine::InstrumentSpec* s = server_.instrument_spec(id))
      spot[{s->pool, s->resource}].push_back(id);
  std::map<Key, std::vector<const engine::Product*>> products;
  for (const engine::Product& p : server_.config().products)
    products[{p.rules.pool, p.rules.resource}].push_back(&p);
  const auto policies = server_.policies();
  std::set<Key> keys;
  for (const auto& [k, ids] : spot)
    keys.insert(k);
  for (const auto& [k, ps] : products)
    keys.insert(k);

  auto& b = w.fbb();
  std::vector<flatbuffers::Offset<wire::CatalogEntry>> entries;
  bool truncated = false;
  for (const Key& key : keys) {
    const auto& [pool, resource] = key;
    if ((!q.pool.empty() && q.pool != pool) || (!q.resource.empty() && q.resource != resource))
      continue;
    if (entries.size() >= kCatalogMaxEntries) {
      truncated = true;
      break;
    }
    Entry& entry = entries_[key];
    std::map<engine::HostId, engine::Qty> capacity = entry.capacity;
    if (is_mig(resource)) {
      const engine::MigProfile* profile = engine::find_mig_profile(resource.substr(4));
      for (const auto& [where, gpus] : gpus_)
        if (where.first == pool && profile != nullptr)
          capacity[where.second] = gpus * profile->max_count;
    }
    // Standby hosts of the pool: (held capacity, active).
    std::map<engine::HostId, std::pair<engine::Qty, bool>> held;
    for (const StandbyListing& l : standby)
      for (const StandbyGroup& g : l.groups)
        if (g.pool == pool && g.resource == group_resource(resource)) {
          const engine::MigProfile* profile =
              is_mig(resource) ? engine::find_mig_profile(resource.substr(4)) : nullptr;
          if (is_mig(resource) && profile == nullptr) continue;
          held[l.host] = {profile != nullptr ? g.capacity * profile->max_count : g.capacity,
                          l.active};
          capacity.try_emplace(l.host, l.active ? held[l.host].first : 0);
        }
    std::vector<flatbuffers::Offset<wire::CatalogHost>> hosts;
    engine::Qty declared = 0;
    for (auto [host, units] : capacity) {
      auto s = held.find(host);
      const bool on_standby = s != held.end();
      const bool active = !on_standby || s->second.second;
      if (active)
        declared += units;
      else
        units = s->second.first;  // listed, not sold: the engine has 0 of it
      if (hosts.size() >= kCatalogMaxHosts) {
        truncated = true;
        continue;
      }
      const Principal* who = server_.principal_of_host(host);
      hosts.push_back(wire::CreateCatalogHost(
          b, host, who != nullptr ? b.CreateString(who->name) : 0, units, active, on_standby));
    }
    engine::Price bid = 0, ask = 0;
    if (auto it = spot.find(key); it != spot.end())
      for (const engine::InstrumentId id : it->second) {
        const auto [b_px, a_px] = best(id);
        if (b_px != 0) bid = std::max(bid, b_px);
        if (a_px != 0 && (ask == 0 || a_px < ask)) ask = a_px;
      }
    struct Listed {
      std::int64_t start_ns, end_ns;
      engine::InstrumentId book;
      const engine::Product* product;
      std::int64_t window;
    };
    std::vector<Listed> listed;
    if (auto it = products.find(key); it != products.end())
      for (const engine::Product* p : it->second)
        for (std::uint32_t s = 0; s < engine::book_count(*p); ++s)
          if (const std::int64_t win = engine::trading_window(*p, s, now_ns);
              win != engine::kNoWindow) {
            const std::int64_t start = engine::window_start_ns(*p, win);
            listed.push_back({start, start + p->length_ns, p->rules.id + s, p, win});
          }
    std::sort(listed.begin(), listed.end(), [](const Listed& a, const Listed& c) {
      return std::tie(a.start_ns, a.book) < std::tie(c.start_ns, c.book);
    });
    if (listed.size() > kCatalogMaxWindows) {
      listed.resize(kCatalogMaxWindows);
      truncated = true;
    }
    std::vector<flatbuffers::Offset<wire::CatalogWindow>> windows;
    for (const Listed& l : listed) {
      Window win;
      if (auto it = windows_.find({l.product->rules.id, l.start_ns}); it != windows_.end())
        win = it->second;
      const auto [w_bid, w_ask] = best(l.book);
      windows.push_back(wire::CreateCatalogWindow(
          b, l.book, b.CreateString(engine::window_symbol(*l.product, l.window)), l.start_ns,
          l.end_ns, win.sold, w_bid, w_ask, win.last_price));
    }
    const engine::Qty sold = sold_at(entry, now_ns);
    std::vector<flatbuffers::Offset<wire::CurvePoint>> points;
    if (auto it = policies.find({pool, resource}); it != policies.end())
      for (std::uint8_t i = 0; i < it->second.points; ++i)
        points.push_back(wire::CreateCurvePoint(b, it->second.curve[i].utilisation_ppm,
                                                it->second.curve[i].multiplier_ppm));
    const auto curve = b.CreateVector(points);
    entries.push_back(wire::CreateCatalogEntry(b, b.CreateString(pool), b.CreateString(resource),
                                               b.CreateVector(hosts), declared, sold,
                                               engine::utilisation_ppm(sold, declared), bid, ask,
                                               entry.last_price, b.CreateVector(windows), curve));
  }
  return w.finish(wire::CreateCatalog(b, q.request_id, now_ns, b.CreateVector(entries), truncated));
}

}  // namespace swarmex::gateway
