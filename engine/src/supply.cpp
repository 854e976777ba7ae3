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

SupplyGroup* Engine::group_of(const OrderBook& book, HostId host) noexcept {
  if (supply_.empty() || host == 0) return nullptr;
  auto it = supply_.find(SupplyKey{host, book_resource_[book.index()]});
  return it == supply_.end() ? nullptr : &it->second;
}

void Engine::lease_of(const OrderBook& book, std::int64_t* from_ns,
                      std::int64_t* to_ns) const noexcept {
  if (book.product() == OrderBook::kNoProduct) {
    *from_ns = now_ns_;
    *to_ns = now_ns_ + std::max<std::int64_t>(book.spec().window.length_ns, 1);
  } else {
    *from_ns = book.spec().window.start_ns;
    *to_ns = *from_ns + products_[book.product()].product.length_ns;
  }
}

void Engine::touch(const OrderBook& book, HostId host) {
  if (group_of(book, host) == nullptr) return;
  const SupplyKey key{host, book_resource_[book.index()]};
  if (std::find(touched_.begin(), touched_.end(), key) == touched_.end()) touched_.push_back(key);
}

void Engine::sell_supply(const OrderBook& book, const Order& ask, Qty qty) {
  if ((ask.flags & Order::kResale) != 0) return;
  if (SupplyGroup* g = group_of(book, ask.host)) {
    std::int64_t from = 0, to = 0;
    lease_of(book, &from, &to);
    g->sell(from, to, qty);
    touch(book, ask.host);
  }
}

void Engine::fit_touched(Seq seq, EventBuffer& out) {
  for (std::size_t i = 0; i < touched_.size(); ++i)
    fit_group(touched_[i], seq, out);
  touched_.clear();
}

void Engine::fit_group(const SupplyKey& key, Seq seq, EventBuffer& out) {
  const SupplyGroup& g = supply_.at(key);
  for (OrderBook& book : books_) {
    if (book_resource_[book.index()] != key.resource || !book.trading_at(now_ns_)) continue;
    std::int64_t from = 0, to = 0;
    lease_of(book, &from, &to);
    const Qty room = std::max<Qty>(g.capacity - g.peak(from, to), 0);
    BookSide& asks = book.side(Side::Sell);
    for (std::int64_t lvl = asks.best(); lvl != LevelBitmap::kNone;) {
      const std::int64_t next_level = asks.next_worse(lvl);
      Level& level = asks.level(static_cast<std::uint32_t>(lvl));
      bool changed = false;
      for (std::uint32_t o = level.head; o != kNil;) {
        Order& m = pool_[o];
        const std::uint32_t next = m.next;
        if (m.host == key.host && (m.flags & Order::kResale) == 0 && m.qty > room) {
          changed = true;
          if (room == 0) {
            cancel_resting(book, o, CancelReason::SupplyExhausted, seq, out);
          } else {
            orders_hash_ -= hash_of(book, m);
            level.total -= m.qty - room;
            m.qty = room;
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
            e.price = book.price_of(static_cast<std::uint32_t>(lvl));
            e.qty = room;
            e.leaves_qty = room;
          }
        }
        o = next;
      }
      if (changed) emit_level(book, Side::Sell, static_cast<std::uint32_t>(lvl), seq, out);
      lvl = next_level;
    }
  }
}

bool Engine::plan_fits_supply() {
  if (supply_.empty()) return true;
  std::size_t sold = 0;
  bool fits = true;
  for (; sold < plan_.size() && fits; ++sold) {
    const Order& m = pool_[plan_[sold].order];
    SupplyGroup* g = (m.flags & Order::kResale) != 0 ? nullptr : group_of(books_[m.book], m.host);
    if (g == nullptr) continue;
    std::int64_t from = 0, to = 0;
    lease_of(books_[m.book], &from, &to);
    fits = g->capacity - g->peak(from, to) >= plan_[sold].qty;
    if (fits) g->sell(from, to, plan_[sold].qty);
  }
  // Take every trial sale back: execute_swarm records the real ones.
  for (std::size_t i = 0; i < sold; ++i) {
    const Order& m = pool_[plan_[i].order];
    SupplyGroup* g = (m.flags & Order::kResale) != 0 ? nullptr : group_of(books_[m.book], m.host);
    if (g == nullptr || (!fits && i + 1 == sold)) continue;  // the failed one was never sold
    std::int64_t from = 0, to = 0;
    lease_of(books_[m.book], &from, &to);
    g->sell(from, to, -plan_[i].qty);
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
  else if (s.capacity < 0)
    why = RejectReason::InvalidQuantity;
  if (why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  supply_[SupplyKey{s.host, book_resource_[book->index()]}].capacity = s.capacity;
  touch(*book, s.host);
}

}  // namespace swarmex::engine
