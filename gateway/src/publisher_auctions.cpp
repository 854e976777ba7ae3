// Market data of batch auctions and circuit breakers (docs/auctions.md). The engine announces a
// batch as its curve points, then its result (EventKind::AuctionResult); the publisher collects
// the points per instrument and, at the result, encodes one AuctionResult message for the
// instrument's subscribers. A breaker's halt or resume (EventKind::InstrumentState) becomes an
// InstrumentState message to them, and for a halt to the owner of the order that tripped it (a
// notice: not part of its replayable report stream).
#include <spdlog/spdlog.h>

#include "publisher.hpp"

#include "io_thread.hpp"
#include "server.hpp"

namespace swarmex::gateway {

using engine::Event;
using engine::EventKind;

void Publisher::route_auction(const Event& e, std::int64_t time_ns) {
  if (e.kind == EventKind::AuctionResult &&
      e.reason == static_cast<std::uint8_t>(engine::AuctionPart::CurvePoint)) {
    curves_[e.instrument].emplace_back(e.price, e.qty, e.leaves_qty);
    return;
  }
  server_.note_auctions();  // replayed or live: batches need the Rolls
  protocol::FrameWriter w;
  auto& b = w.fbb();
  std::span<const std::uint8_t> bytes;
  if (e.kind == EventKind::AuctionResult) {
    std::vector<wire::AuctionPoint>& points = curves_[e.instrument];
    bytes = w.finish(wire::CreateAuctionResult(b, e.instrument, e.seq, e.price, e.qty, e.leaves_qty,
                                               e.lease_end_ns, b.CreateVectorOfStructs(points),
                                               time_ns));
    points.clear();
  } else {
    const bool halted = e.qty != 0;
    bytes = w.finish(wire::CreateInstrumentState(b, e.instrument, e.seq, halted,
                                                 wire::InstrumentStateReason::Breaker, e.price,
                                                 e.leaves_qty, e.lease_end_ns, time_ns));
    if (halted)
      spdlog::warn("instrument {} halted by its breaker: {} from reference {}; resumes at {}",
                   e.instrument, e.leaves_qty, e.price, e.lease_end_ns);
    else
      spdlog::info("instrument {} resumed after its breaker's cool-off", e.instrument);
  }
  auto frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
  Book& book = books_[e.instrument];
  book.seq = e.seq;
  for (std::uint64_t mask = book.thread_mask; mask != 0; mask &= mask - 1) {
    OutItem item;
    item.kind = OutItem::Kind::MarketData;
    item.event = e;
    item.frame = frame;
    server_.io(static_cast<std::uint32_t>(std::countr_zero(mask))).deliver(std::move(item));
  }
  if (e.kind == EventKind::InstrumentState && e.qty != 0 && e.owner != 0 &&
      server_.principal_by_id(e.owner) != nullptr) {
    OutItem item;
    item.kind = OutItem::Kind::Notice;
    item.principal = e.owner;
    item.frame = frame;
    server_.home_of(e.owner).deliver(std::move(item));
  }
}

}  // namespace swarmex::gateway
