// Supply groups: a host sells each unit of a resource once per instant. Matching consults the
// group before every fill against a host's own ask (resale asks sell held capacity and are not
// counted), and after the command trims the host's other asks to the room left over their
// leases, with a Modified (or, at no room, a Cancelled) event carrying supply_exhausted.
#include <algorithm>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

std::uint16_t Engine::resource_id(std::string_view resource) const noexcept {
  for (std::size_t i = 0; i < resource_names_.size(); ++i)
    if (resource_names_[i] == resource) return static_cast<std::uint16_t>(i);
  return 0xFFFF;
}

SupplyGroup& Engine::add_group(const SupplyKey& key) {
  auto [it, added] = supply_.try_emplace(key);
  if (added) {
    it->second.resource = key.resource;
    group_index_[group_key(key.host, key.resource)] = &it->second;
    index_group_asks(key);
  }
  return it->second;
}

SupplyGroup* Engine::group_of(const OrderBook& book, HostId host) noexcept {
  if (supply_.empty() || host == 0) return nullptr;
  auto it = group_index_.find(group_key(host, book_resource_[book.index()]));
  return it == group_index_.end() ? nullptr : it->second;
}

SupplyGroup* Engine::seller_group(const OrderBook& book, HostId host, bool resale) {
  SupplyGroup* g = resale ? nullptr : group_of(book, host);
  if (g != nullptr) g->forget_before(now_ns_);
  return g;
}

Engine::Lease Engine::lease_of(const OrderBook& book) const noexcept {
  if (book.product() == OrderBook::kNoProduct)
    return Lease{now_ns_, now_ns_ + std::max<std::int64_t>(book.spec().window.length_ns, 1)};
  const std::int64_t start = book.spec().window.start_ns;
  return Lease{start, start + products_[book.product()].product.length_ns};
}

Qty Engine::room_in(const OrderBook& book, const SupplyGroup& g,
                    const Lease& lease) const noexcept {
  return g.room(book_profile_[book.index()], lease.from_ns, lease.to_ns);
}

void Engine::sell_in(const OrderBook& book, SupplyGroup& g, const Lease& lease, Qty qty) {
  g.sell(book_profile_[book.index()], lease.from_ns, lease.to_ns, qty);
}

void Engine::unsell_in(const OrderBook& book, SupplyGroup& g, const Lease& lease, Qty qty) {
  g.unsell(book_profile_[book.index()], lease.from_ns, lease.to_ns, qty);
}

void Engine::touch(SupplyGroup* g) {
  if (g != nullptr && std::find(touched_.begin(), touched_.end(), g) == touched_.end())
    touched_.push_back(g);
}

void Engine::sell_supply(const OrderBook& book, const Order& ask, const Event& fill,
                         EventBuffer& out) {
  SupplyGroup* g = seller_group(book, ask.host, (ask.flags & Order::kResale) != 0);
  if (g == nullptr) {
    out.entry() = fill;
    return;
  }
  const std::size_t placed_from = g->placements().size();
  sell_in(book, *g, Lease{fill.lease_start_ns, fill.lease_end_ns}, fill.qty);
  touch(g);
  if (g->gpu)
    emit_instances(book, fill, *g, placed_from, out);
  else
    out.entry() = fill;
}

void Engine::emit_instances(const OrderBook& book, const Event& fill, const SupplyGroup& g,
                            std::size_t placed_from, EventBuffer& out) {
  const std::vector<MigPlacement>& placed = g.placements();
  const auto n = static_cast<Qty>(placed.size() - placed_from);
  if (n != fill.qty) {  // never: room was checked, so every unit was placed
    out.entry() = fill;
    return;
  }
  // One fill per instance, in the order placed; leaves count down as if each were its own
  // match, and the last one carries the fill's own leaves.
  for (Qty k = 0; k < n; ++k) {
    const MigPlacement& p = placed[placed_from + static_cast<std::size_t>(k)];
    Event& e = out.entry() = fill;
    e.qty = 1;
    e.leaves_qty = fill.leaves_qty + (n - 1 - k);
    e.maker_leaves_qty = fill.maker_leaves_qty + (n - 1 - k);
    e.gpu = static_cast<std::uint8_t>(p.gpu);
    e.start_slice = p.start;
    charge(book, e);  // each instance is its own fill
  }
}

void Engine::fit_touched(Seq seq, EventBuffer& out) {
  for (std::size_t i = 0; i < touched_.size(); ++i)
    fit_group(*touched_[i], seq, out);
  touched_.clear();
}

void Engine::index_ask(const OrderBook& book, const Order& o) {
  if (o.side != Side::Sell || (o.flags & Order::kResale) != 0) return;
  if (SupplyGroup* g = group_of(book, o.host)) {
    g->asks.insert(o.id);
    const Qty total = o.qty + hidden_of(o);  // an iceberg sells its hidden part too
    g->ask_bound = std::max(g->ask_bound, total);
    // An ask that fits the least room of any lease needs no look after the command.
    if (total > g->least_room()) touch(g);
  }
}

void Engine::unindex_ask(const OrderBook& book, const Order& o) {
  if (o.side != Side::Sell || (o.flags & Order::kResale) != 0) return;
  if (SupplyGroup* g = group_of(book, o.host)) g->asks.erase(o.id);
}

void Engine::index_group_asks(const SupplyKey& key) {
  for (const OrderBook& book : books_) {
    if (book_resource_[book.index()] != key.resource) continue;
    const BookSide& asks = book.side(Side::Sell);
    for (std::int64_t lvl = asks.best(); lvl != LevelBitmap::kNone; lvl = asks.next_worse(lvl))
      for (std::uint32_t o = asks.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;
           o = arena_[o].next)
        if (arena_[o].host == key.host) index_ask(book, arena_[o]);
  }
}

void Engine::fit_group(SupplyGroup& g, Seq seq, EventBuffer& out) {
  g.forget_before(now_ns_);
  // No lease has less room than the capacity less the most ever sold: while every ask fits that,
  // nothing needs trimming.
  if (g.ask_bound <= g.least_room()) return;
  fitting_.assign(g.asks.begin(), g.asks.end());
  std::sort(fitting_.begin(), fitting_.end());  // order ids: a deterministic order of events
  Qty bound = 0;
  for (const OrderId id : fitting_) {
    const std::uint32_t idx = index_.find(id);
    if (idx == kNil) continue;  // never: the set holds resting orders only
    Order& m = arena_[idx];
    OrderBook& book = books_[m.book];
    const Qty room = room_in(book, g, lease_of(book));
    const Qty hidden = hidden_of(m);
    bound = std::max(bound, std::min(m.qty + hidden, room));
    if (m.qty + hidden <= room) continue;
    const std::uint32_t level = m.level;
    if (room == 0) {
      cancel_resting(book, idx, CancelReason::SupplyExhausted, seq, out);
    } else {  // trimmed to the room: an iceberg's hidden part first
      const Qty shown = std::min(m.qty, room);
      orders_hash_ -= hash_of(book, m);
      book.side(Side::Sell).level(level).total -= m.qty - shown;
      m.qty = shown;
      if (hidden != 0) terms_.set_hidden(m.id, room - shown);
      orders_hash_ += hash_of(book, m);
      Event& e = out.emplace();
      e.seq = seq;
      e.kind = EventKind::Modified;
      e.command = current_command_;
      e.reason = static_cast<std::uint8_t>(CancelReason::SupplyExhausted);
      e.side = Side::Sell;
      e.instrument = book.spec().id;
      e.order_id = m.id;
      e.owner = m.owner;
      e.host = m.host;
      e.price = book.price_of(level);
      e.qty = room;
      e.leaves_qty = room;
    }
    emit_level(book, Side::Sell, level, seq, out);
  }
  g.ask_bound = bound;
}

bool Engine::plan_fits_supply() {
  if (supply_.empty()) return true;
  std::size_t sold = 0;
  bool fits = true;
  for (; sold < plan_.size() && fits; ++sold) {
    const Order& m = arena_[plan_[sold].order];
    const OrderBook& book = books_[m.book];
    SupplyGroup* g = seller_group(book, m.host, (m.flags & Order::kResale) != 0);
    if (g == nullptr) continue;
    const Lease lease = lease_of(book);
    fits = room_in(book, *g, lease) >= plan_[sold].qty;
    if (fits) sell_in(book, *g, lease, plan_[sold].qty);
  }
  // Take every trial sale back: execute_swarm records the real ones.
  for (std::size_t i = 0; i < sold; ++i) {
    const Order& m = arena_[plan_[i].order];
    const OrderBook& book = books_[m.book];
    SupplyGroup* g = (m.flags & Order::kResale) != 0 ? nullptr : group_of(book, m.host);
    if (g == nullptr || (!fits && i + 1 == sold)) continue;  // the failed one was never sold
    unsell_in(book, *g, lease_of(book), plan_[i].qty);
  }
  return fits;
}

void Engine::on_set_supply(const Command& cmd, EventBuffer& out) {
  const SupplyCapacity& s = cmd.supply;
  const OrderBook* book = book_of(s.instrument);
  RejectReason why = RejectReason::None;
  if (s.owner == 0 || s.host == 0)
    why = RejectReason::UnknownCommandOwner;
  else if (book == nullptr)
    why = RejectReason::UnknownInstrument;
  else if (s.capacity < 0 ||
           (book_profile_[book->index()] != nullptr && s.capacity > kMaxGpusPerHost))
    why = RejectReason::InvalidQuantity;
  if (why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  SupplyGroup& g = add_group(SupplyKey{s.host, book_resource_[book->index()]});
  g.capacity = s.capacity;
  g.gpu = book_profile_[book->index()] != nullptr;
  g.pool = book_pool_[book->index()];
  touch(&g);
}

}  // namespace swarmex::engine
