#include "stream_ledger.hpp"

#include <algorithm>
#include <map>

#include "event_recipients.hpp"
#include "ledger_capture.hpp"

namespace swarmex::gateway {

namespace {

// Format of the encoded ledger (little-endian):
//   u32 version | u64 max_order_id | u32 n | n x (u32 owner, u64 reports, u64 fills)
//   | u64 m | m x (u64 order_id, u32 owner, u32 instrument, u64 client_order_id, u64 first
//                  [, u8 legs: version 2])
//   [version 2: | u64 k | k x (u32 owner, u64 client_order_id, u64 first, u32 instrument,
//                              u8 legs, i64 end_ns): the dedup windows, by owner, oldest first]
// Version 1 (snapshot format 7 to 10) still decodes: no ended ids, every order one leg.
constexpr std::uint32_t kLedgerVersion = 2;
constexpr std::size_t kEndedBytes = 4 + 8 + 8 + 4 + 1 + 8;

template <typename T>
void put(std::vector<std::uint8_t>& out, T v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
}

struct Reader {
  std::span<const std::uint8_t> bytes;
  std::size_t at = 0;
  bool ok = true;
  template <typename T>
  T get() {
    if (bytes.size() - at < sizeof(T)) {
      ok = false;
      return T{};
    }
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<std::uint64_t>(bytes[at++]) << (8 * i);
    return static_cast<T>(u);
  }
  [[nodiscard]] std::size_t left() const { return bytes.size() - at; }
};

bool resting(const engine::Engine& e, engine::OrderId id) {
  return e.order(id).has_value() || e.swarms().find(id) != engine::SwarmBook::kNotFound;
}

// Writes `v` little-endian at `at`.
template <typename T>
std::uint8_t* put_at(std::uint8_t* at, T v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (std::size_t i = 0; i < sizeof(T); ++i)
    *at++ = static_cast<std::uint8_t>(u >> (8 * i));
  return at;
}

std::vector<std::uint8_t> encode_sorted(
    const std::vector<engine::OwnerId>& owners, const std::vector<StreamCounts>& counts,
    engine::OrderId max_order_id,
    const std::vector<std::pair<engine::OrderId, LedgerOrder>>& orders,
    const std::vector<std::pair<engine::OwnerId, EndedOrder>>& ended) {
  std::vector<std::uint8_t> out;
  out.reserve(32 + owners.size() * 20);
  put(out, kLedgerVersion);
  put(out, max_order_id);
  std::uint32_t n = 0;
  for (const StreamCounts& c : counts)
    n += c.reports != 0 || c.fills != 0;
  put(out, n);
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if (counts[i].reports == 0 && counts[i].fills == 0) continue;
    put(out, owners[i]);
    put(out, counts[i].reports);
    put(out, counts[i].fills);
  }
  put(out, static_cast<std::uint64_t>(orders.size()));
  // The orders, 33 bytes each, written in place rather than byte by byte.
  const std::size_t at = out.size();
  out.resize(at + orders.size() * 33);
  std::uint8_t* p = out.data() + at;
  for (const auto& [id, o] : orders) {
    p = put_at(p, id);
    p = put_at(p, o.owner);
    p = put_at(p, o.instrument);
    p = put_at(p, o.client_order_id);
    p = put_at(p, o.first);
    p = put_at(p, o.legs);
  }
  // The ended orders' client order ids within the dedup horizon, by owner, oldest first.
  put(out, static_cast<std::uint64_t>(ended.size()));
  for (const auto& [owner, e] : ended) {
    put(out, owner);
    put(out, e.client_order_id);
    put(out, e.first);
    put(out, e.instrument);
    put(out, e.legs);
    put(out, e.end_ns);
  }
  return out;
}

}  // namespace

StreamLedger::StreamLedger(const std::vector<Principal>& principals, DedupHorizon horizon,
                           std::uint32_t partition)
    : horizon_(horizon), partition_(partition) {
  std::map<engine::HostId, engine::OwnerId> hosts;  // the last host principal of an id wins
  for (const Principal& p : principals) {
    owners_.push_back(p.id);
    if (p.role == Role::Host) hosts[p.host_id] = p.id;
    if (p.role == Role::Agent) agent_ = p.id;
  }
  std::sort(owners_.begin(), owners_.end());
  owners_.erase(std::unique(owners_.begin(), owners_.end()), owners_.end());
  counts_.resize(owners_.size());
  windows_.resize(owners_.size());
  host_of_.assign(hosts.begin(), hosts.end());
}

StreamCounts* StreamLedger::find(engine::OwnerId owner) noexcept {
  if (owner == 0) return nullptr;
  const auto it = std::lower_bound(owners_.begin(), owners_.end(), owner);
  if (it == owners_.end() || *it != owner) return nullptr;
  return &counts_[static_cast<std::size_t>(it - owners_.begin())];
}

const std::deque<EndedOrder>& StreamLedger::ended(engine::OwnerId owner) const noexcept {
  static const std::deque<EndedOrder> none;
  const auto it = std::lower_bound(owners_.begin(), owners_.end(), owner);
  if (owner == 0 || it == owners_.end() || *it != owner) return none;
  return windows_[static_cast<std::size_t>(it - owners_.begin())].ended();
}

StreamCounts StreamLedger::counts(engine::OwnerId owner) const noexcept {
  const StreamCounts* c = const_cast<StreamLedger*>(this)->find(owner);
  return c != nullptr ? *c : StreamCounts{};
}

void StreamLedger::note(const engine::Command& c) {
  time_ns_ = c.time_ns;
  switch (c.kind) {
    case engine::CommandKind::NewOrder: {
      const engine::NewOrder& o = c.new_order;
      max_order_id_ = std::max(max_order_id_, o.order_id);
      if (o.client_order_id != 0)  // an agent's order is in the agent's client ids
        orders_[o.order_id] = LedgerOrder{o.agent != 0 ? o.agent : o.owner, o.instrument,
                                          o.client_order_id, o.order_id};
      return;
    }
    case engine::CommandKind::SwarmOrder: {
      const engine::SwarmOrder& s = c.swarm;
      max_order_id_ = std::max(max_order_id_, s.order_id);
      if (s.client_order_id != 0)
        orders_[s.order_id] =
            LedgerOrder{s.owner, s.legs[0].instrument, s.client_order_id, s.order_id};
      return;
    }
    case engine::CommandKind::Resell: {
      const engine::Resell& r = c.resell;
      if (r.leg_count == 0) return;
      max_order_id_ = std::max(max_order_id_, r.order_id + r.leg_count - 1);
      if (r.client_order_id == 0 || r.leg_count > engine::kMaxSwarmLegs) return;
      for (std::uint8_t i = 0; i < r.leg_count; ++i)
        orders_[r.order_id + i] =
            LedgerOrder{r.agent != 0 ? r.agent : r.owner, r.legs[i].instrument, r.client_order_id,
                        r.order_id, r.leg_count};
      return;
    }
    default:
      return;
  }
}

void StreamLedger::note_end(const engine::Event& e, bool maker) {
  const engine::OrderId id = ended_order(e, maker);
  if (id == 0) return;
  const auto it = orders_.find(id);
  if (it == orders_.end() || it->second.ended) return;
  const LedgerOrder o = it->second;
  it->second.ended = true;
  // A resale request ends with its last leg (a leg no longer here ended earlier).
  for (std::uint8_t i = 0; i < o.legs; ++i) {
    const auto leg = orders_.find(o.first + i);
    if (leg == orders_.end() || leg->second.first != o.first || leg->second.ended) continue;
    if (!ends_all_legs(e)) return;
    leg->second.ended = true;
  }
  const auto first = orders_.find(o.first);
  const auto at = std::lower_bound(owners_.begin(), owners_.end(), o.owner);
  if (at == owners_.end() || *at != o.owner) return;
  const auto w = static_cast<std::size_t>(at - owners_.begin());
  windows_[w].add(EndedOrder{o.client_order_id, o.first,
                             first != orders_.end() ? first->second.instrument : o.instrument,
                             o.legs, e.time_ns != 0 ? e.time_ns : time_ns_},
                  horizon_, [this, w](const EndedOrder& gone) {
                    if (capture_ != nullptr) capture_->forgetting(w, gone);
                  });
}

void StreamLedger::note(const engine::Event& e) {
  note_end(e, false);
  if (e.kind == engine::EventKind::Fill) note_end(e, true);
  const EventRecipients to = recipients_of(e);
  if (StreamCounts* c = find(to.report)) ++c->reports;
  if (StreamCounts* c = find(to.maker_report)) ++c->reports;
  if (StreamCounts* c = find(agent_); c != nullptr)
    c->reports += (to.agent_report ? 1 : 0) + (to.agent_maker_report ? 1 : 0);
  if (!to.host_fill) return;
  const auto h = std::lower_bound(host_of_.begin(), host_of_.end(), to.host_of_fill,
                                  [](const std::pair<engine::HostId, engine::OwnerId>& p,
                                     engine::HostId id) { return p.first < id; });
  if (h != host_of_.end() && h->first == to.host_of_fill)
    if (StreamCounts* c = find(h->second)) ++c->fills;
}

void StreamLedger::note_batch(std::span<const engine::Command> commands,
                              const engine::EventBuffer& events, const engine::Engine& engine) {
  ended_.clear();
  for (const engine::Command& c : commands) {
    note(c);
    if (c.kind == engine::CommandKind::NewOrder) ended_.push_back(c.new_order.order_id);
  }
  for (const engine::Event& e : events) {
    note(e);
    if (e.kind == engine::EventKind::Cancelled) ended_.push_back(e.order_id);
    if (e.kind == engine::EventKind::Fill) {
      if (e.leaves_qty == 0) ended_.push_back(e.order_id);
      if (e.maker_leaves_qty == 0) ended_.push_back(e.maker_order_id);
    }
  }
  // Orders this batch may have ended, while the engine still has them in cache: those no longer
  // resting are forgotten now. Anything this misses (a swarm's legs) waits for the full pass,
  // which comes only when the ledger has doubled since the last one and holds twice what rests:
  // a pass that would find nothing to forget is a stall of milliseconds for nothing.
  if (capture_ != nullptr) {  // a snapshot's copy in progress: forgotten once it is done
    deferred_.insert(deferred_.end(), ended_.begin(), ended_.end());
    return;
  }
  for (std::size_t k = 0; k < kDeferredPerBatch && !deferred_.empty(); ++k) {
    ended_.push_back(deferred_.back());
    deferred_.pop_back();
  }
  for (const engine::OrderId id : ended_) {
    const auto it = orders_.find(id);
    if (it != orders_.end() && !resting(engine, id)) orders_.erase(it);
  }
  if (orders_.size() >= prune_at_ &&
      orders_.size() > 2 * (std::size_t{engine.resting_orders()} + engine.swarms().size()))
    prune(engine);
}

void StreamLedger::prune(const engine::Engine& engine) {
  std::erase_if(orders_, [&](const auto& kv) { return !resting(engine, kv.first); });
  prune_at_ = std::max(kMinPrune, 2 * orders_.size());
}

std::vector<std::uint8_t> StreamLedger::encode_resting(const engine::Engine& engine) {
  // Copied out as it is pruned, then sorted by id: no second lookup per order.
  std::vector<std::pair<engine::OrderId, LedgerOrder>> orders;
  orders.reserve(orders_.size());
  for (auto it = orders_.begin(); it != orders_.end();) {
    if (!resting(engine, it->first)) {
      it = orders_.erase(it);
      continue;
    }
    orders.emplace_back(it->first, it->second);
    ++it;
  }
  prune_at_ = std::max(kMinPrune, 2 * orders_.size());
  std::sort(orders.begin(), orders.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return encode_sorted(owners_, counts_, max_order_id_, orders, ended_ids());
}

std::vector<std::pair<engine::OwnerId, EndedOrder>> StreamLedger::ended_ids() const {
  std::vector<std::pair<engine::OwnerId, EndedOrder>> out;
  std::size_t k = 0;
  for (const DedupWindow& w : windows_)
    k += w.size();
  out.reserve(k);
  for (std::size_t i = 0; i < owners_.size(); ++i)
    for (const EndedOrder& e : windows_[i].ended())
      out.emplace_back(owners_[i], e);
  return out;
}

LedgerCopy StreamLedger::copy() const {
  LedgerCopy c;
  c.owners = owners_;
  c.counts = counts_;
  c.max_order_id = max_order_id_;
  c.ended = ended_ids();
  c.orders.reserve(orders_.size());
  for (const auto& kv : orders_)
    c.orders.emplace_back(kv.first, kv.second);
  return c;
}

std::vector<std::uint8_t> StreamLedger::encode_copy(LedgerCopy c,
                                                    const engine::EngineSnapshot& snap) {
  std::vector<engine::OrderId> rest;
  rest.reserve(snap.orders.size() + snap.swarms.size());
  for (const engine::SnapshotOrder& o : snap.orders)
    rest.push_back(o.id);
  for (const engine::RestingSwarm& s : snap.swarms)
    rest.push_back(s.order.order_id);
  std::sort(rest.begin(), rest.end());
  std::sort(c.orders.begin(), c.orders.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::erase_if(c.orders, [&](const auto& kv) {
    return !std::binary_search(rest.begin(), rest.end(), kv.first);
  });
  return encode_sorted(c.owners, c.counts, c.max_order_id, c.orders, c.ended);
}

bool StreamLedger::decode(std::span<const std::uint8_t> bytes) {
  clear();
  Reader r{bytes};
  const auto version = r.get<std::uint32_t>();
  if (version < 1 || version > kLedgerVersion || !r.ok) return false;
  max_order_id_ = r.get<std::uint64_t>();
  const auto n = r.get<std::uint32_t>();
  if (!r.ok || n > r.left() / 20) {
    clear();
    return false;
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto owner = r.get<engine::OwnerId>();
    const StreamCounts c{r.get<std::uint64_t>(), r.get<std::uint64_t>()};
    if (StreamCounts* mine = find(owner)) *mine = c;  // a principal no longer configured: dropped
  }
  const auto m = r.get<std::uint64_t>();
  if (!r.ok || m > r.left() / (version >= 2 ? 33 : 32)) {
    clear();
    return false;
  }
  orders_.reserve(static_cast<std::size_t>(m));
  for (std::uint64_t i = 0; i < m; ++i) {
    const auto id = r.get<engine::OrderId>();
    LedgerOrder o{};
    o.owner = r.get<engine::OwnerId>();
    o.instrument = r.get<engine::InstrumentId>();
    o.client_order_id = r.get<std::uint64_t>();
    o.first = r.get<engine::OrderId>();
    o.legs = version >= 2 ? r.get<std::uint8_t>() : std::uint8_t{1};
    orders_[id] = o;
  }
  if (version >= 2) {
    const auto k = r.get<std::uint64_t>();
    if (!r.ok || k > r.left() / kEndedBytes) {
      clear();
      return false;
    }
    for (std::uint64_t i = 0; i < k; ++i) {
      const auto owner = r.get<engine::OwnerId>();
      EndedOrder e;
      e.client_order_id = r.get<std::uint64_t>();
      e.first = r.get<engine::OrderId>();
      e.instrument = r.get<engine::InstrumentId>();
      e.legs = r.get<std::uint8_t>();
      e.end_ns = r.get<std::int64_t>();
      const auto at = std::lower_bound(owners_.begin(), owners_.end(), owner);
      if (at != owners_.end() && *at == owner)  // a principal no longer configured: dropped
        windows_[static_cast<std::size_t>(at - owners_.begin())].add(e, horizon_,
                                                                     [](const EndedOrder&) {});
    }
  }
  if (!r.ok || r.left() != 0) {
    clear();
    return false;
  }
  prune_at_ = std::max(kMinPrune, 2 * orders_.size());
  return true;
}

void StreamLedger::clear() {
  std::fill(counts_.begin(), counts_.end(), StreamCounts{});
  max_order_id_ = 0;
  orders_.clear();
  for (DedupWindow& w : windows_)
    w.clear();
  prune_at_ = kMinPrune;
}

}  // namespace swarmex::gateway
