// A captured snapshot's orders put back in book order (snapshot_capture.hpp).
#include "swarmex/engine/snapshot_capture.hpp"

#include <algorithm>
#include <stdexcept>

namespace swarmex::engine {

void finish_snapshot(EngineSnapshot& out, const SnapshotCapture& capture) {
  const std::vector<CapturedOrder>& orders = capture.orders;
  // Where each captured slot is, to follow the FIFO links.
  std::vector<std::uint32_t> at(capture.capacity, kNil);
  std::vector<std::uint32_t> heads;
  for (std::uint32_t k = 0; k < orders.size(); ++k) {
    if (orders[k].slot >= capture.capacity || orders[k].order.book >= capture.books.size())
      throw std::runtime_error("captured order outside the arena or the books");
    at[orders[k].slot] = k;
    if (orders[k].order.prev == kNil) heads.push_back(k);
  }
  // Per book, bids then asks, best level first (a bid's best is its highest level).
  std::sort(heads.begin(), heads.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Order& x = orders[a].order;
    const Order& y = orders[b].order;
    if (x.book != y.book) return x.book < y.book;
    if (x.side != y.side) return x.side == Side::Buy;
    return x.side == Side::Buy ? x.level > y.level : x.level < y.level;
  });
  out.orders.clear();
  out.orders.reserve(orders.size());
  for (const std::uint32_t h : heads) {
    const Order& head = orders[h].order;
    const CapturedBook& book = capture.books[head.book];
    const Price price = book.base + static_cast<Price>(head.level) * book.tick;
    for (std::uint32_t k = h; k != kNil;) {
      const Order& o = orders[k].order;
      if (o.book != head.book || o.side != head.side || o.level != head.level ||
          out.orders.size() == orders.size())
        throw std::runtime_error("captured order links do not form the books' FIFOs");
      out.orders.push_back(SnapshotOrder{o.id, book.instrument, o.side, o.flags, o.owner, o.host,
                                         price, o.qty, o.priority_seq});
      if (o.next == kNil) break;
      if (o.next >= capture.capacity || at[o.next] == kNil)
        throw std::runtime_error("captured order links to an order not captured");
      k = at[o.next];
    }
  }
  if (out.orders.size() != orders.size())
    throw std::runtime_error("captured orders outside the books' FIFOs");
}

}  // namespace swarmex::engine
