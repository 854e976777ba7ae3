// The reference book's supply groups: per (host, resource) a capacity and a plain list of sales
// (qty over a lease). Room over a lease is the capacity less the most sold at any instant of it,
// found by trying every instant where a sale starts. Sales before the group's fold time count
// as one change at it, which is how the engine keeps them and what its state hash sees.
#include <algorithm>
#include <stdexcept>

#include "reference_book.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::testing {

using namespace swarmex::engine;

void ReferenceBook::on_set_supply(const Command& cmd, EventBuffer& out) {
  const SupplyCapacity& s = cmd.supply;
  const Book* b = find_book(s.instrument);
  RejectReason why = RejectReason::None;
  if (s.owner == 0 || s.host == 0)
    why = RejectReason::UnknownCommandOwner;
  else if (b == nullptr)
    why = RejectReason::UnknownInstrument;
  else if (s.capacity < 0 || (b->gpu && s.capacity > 64))  // at most 64 GPUs per host
    why = RejectReason::InvalidQuantity;
  if (why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, why));
    return;
  }
  if (b->gpu) throw std::logic_error("reference: GPU supply groups are not modelled");
  out.push(echo(cmd, EventKind::Accepted));
  Group* g = nullptr;
  for (Group& x : groups_)
    if (x.host == s.host && x.resource == b->resource) g = &x;
  if (g == nullptr) {
    g = &groups_.emplace_back();
    g->host = s.host;
    g->resource = b->resource;
  }
  g->capacity = s.capacity;
  touch(g);
}

ReferenceBook::Group* ReferenceBook::group_of(const Book& b, HostId host) {
  if (host == 0) return nullptr;
  for (Group& g : groups_)
    if (g.host == host && g.resource == b.resource) return &g;
  return nullptr;
}

ReferenceBook::Lease ReferenceBook::lease_of(const Book& b) const {
  if (b.product < 0)  // spot: from now, for the instrument's lease length
    return Lease{now_ns_, now_ns_ + std::max<std::int64_t>(b.spec.window.length_ns, 1)};
  const std::int64_t length = products_[static_cast<std::size_t>(b.product)].p.length_ns;
  const std::int64_t start = b.window == kIdle ? 0 : b.window * length;
  return Lease{start, start + length};
}

void ReferenceBook::fold(Group& g, std::int64_t time_ns) {
  if (time_ns <= g.folded_ns) return;
  g.folded_ns = time_ns;
  std::erase_if(g.sales, [&](const Sale& s) { return s.to_ns <= time_ns; });  // sum to nothing
}

Qty ReferenceBook::sold_at(const Group& g, std::int64_t time_ns) {
  if (time_ns < g.folded_ns) return 0;
  Qty sold = 0;
  for (const Sale& s : g.sales)
    if (s.from_ns <= time_ns && time_ns < s.to_ns) sold += s.qty;
  return sold;
}

Qty ReferenceBook::room(const Group& g, const Lease& lease) {
  std::vector<std::int64_t> instants{lease.from_ns, g.folded_ns};
  for (const Sale& s : g.sales)
    instants.push_back(std::max(s.from_ns, g.folded_ns));
  Qty most = 0;
  for (const std::int64_t t : instants)
    if (t >= lease.from_ns && t < lease.to_ns) most = std::max(most, sold_at(g, t));
  return std::max<Qty>(g.capacity - most, 0);
}

std::map<std::int64_t, Qty> ReferenceBook::timeline(const Group& g) {
  std::map<std::int64_t, Qty> changes;
  for (const Sale& s : g.sales) {
    changes[std::max(s.from_ns, g.folded_ns)] += s.qty;
    changes[std::max(s.to_ns, g.folded_ns)] -= s.qty;
  }
  std::erase_if(changes, [](const auto& c) { return c.second == 0; });
  return changes;
}

Qty ReferenceBook::peak_ever(const Group& g) {
  Qty sold = 0, most = 0;
  for (const auto& [at, change] : timeline(g)) {
    sold += change;
    most = std::max(most, sold);
  }
  return most;
}

void ReferenceBook::touch(Group* g) {
  if (g != nullptr && std::find(touched_.begin(), touched_.end(), g) == touched_.end())
    touched_.push_back(g);
}

void ReferenceBook::note_ask(const Book& b, const Order& o) {
  if (o.side != Side::Sell || (o.flags & kResaleFlag) != 0) return;
  Group* g = group_of(b, o.host);
  if (g != nullptr && o.qty > g->capacity - peak_ever(*g)) touch(g);
}

void ReferenceBook::fit(Group& g, EventBuffer& out) {
  fold(g, now_ns_);
  struct Ask {
    OrderId id;
    Book* book;
    Price price;
  };
  std::vector<Ask> asks;
  for (Book& b : books_) {
    if (b.resource != g.resource) continue;
    for (auto& [price, fifo] : b.levels[static_cast<int>(Side::Sell)])
      for (const Order& o : fifo)
        if (o.host == g.host && (o.flags & kResaleFlag) == 0) asks.push_back(Ask{o.id, &b, price});
  }
  std::sort(asks.begin(), asks.end(), [](const Ask& a, const Ask& b) { return a.id < b.id; });
  for (const Ask& a : asks) {
    Book& b = *a.book;
    Fifo& fifo = b.levels[static_cast<int>(Side::Sell)][a.price];
    const auto it =
        std::find_if(fifo.begin(), fifo.end(), [&](const Order& o) { return o.id == a.id; });
    const Qty left = room(g, lease_of(b));
    if (it->qty <= left) continue;
    if (left == 0) {
      out.push(cancelled(b, *it, CancelReason::SupplyExhausted));
      remove(b, fifo, it, true);
    } else {
      it->qty = left;
      Event e;
      e.seq = seq_;
      e.kind = EventKind::Modified;
      e.command = kind_;
      e.reason = static_cast<std::uint8_t>(CancelReason::SupplyExhausted);
      e.side = Side::Sell;
      e.instrument = b.spec.id;
      e.order_id = it->id;
      e.owner = it->owner;
      e.host = it->host;
      e.price = a.price;
      e.qty = left;
      e.leaves_qty = left;
      out.push(e);
    }
    emit_level(b, Side::Sell, a.price, out);
    if (fifo.empty()) b.levels[static_cast<int>(Side::Sell)].erase(a.price);
  }
}

std::uint64_t ReferenceBook::supply_hash() const {
  std::uint64_t sum = 0;
  for (const Group& g : groups_) {
    const std::uint64_t k =
        mix64(0x5355504cull ^ (static_cast<std::uint64_t>(g.host) << 16) ^ g.resource);
    std::uint64_t h = mix64(k ^ static_cast<std::uint64_t>(g.capacity));
    for (const auto& [at, d] : timeline(g))
      h += mix64(k ^ mix64(static_cast<std::uint64_t>(at)) ^
                 static_cast<std::uint64_t>(d) * 0x9E3779B97F4A7C15ull);
    sum += h;
  }
  return sum;
}

}  // namespace swarmex::testing
