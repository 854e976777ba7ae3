// GTD, Day and iceberg orders on the window fixture's engine (two spot instruments and an hourly
// product): orders with an expiry or a display quantity, EndDay, and an engine rebuilt from a
// snapshot or from journal records.
#pragma once

#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "window_fixture.hpp"

namespace swarmex::engine::test {

struct TermsOpts {
  OwnerId owner = 1;
  TimeInForce tif = TimeInForce::Gtc;
  std::int64_t expire_ns = 0;
  Qty display = 0;
  InstrumentId instrument = kCpu;
  OrderType type = OrderType::Limit;
};

class OrderTermsTest : public WindowTest {
 protected:
  static Command new_order(OrderId id, Side side, Price price, Qty qty, TermsOpts o) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order = NewOrder{id,    o.instrument, o.owner, side == Side::Sell ? 100 + o.owner : 0,
                           side,  o.type,       o.tif,   StpMode::None,
                           false, price,        qty,     0,
                           id};
    c.new_order.expire_time_ns = o.expire_ns;
    c.new_order.display_qty = o.display;
    return c;
  }
  std::vector<Event> place(OrderId id, Side side, Price price, Qty qty, TermsOpts o) {
    return record(new_order(id, side, price, qty, o));
  }
  std::vector<Event> gtd(OrderId id, Side side, Price price, Qty qty, std::int64_t expire_ns,
                         OwnerId owner = 1) {
    return place(id, side, price, qty,
                 {.owner = owner, .tif = TimeInForce::Gtd, .expire_ns = expire_ns});
  }
  std::vector<Event> end_day(InstrumentId instrument, OwnerId owner = 9) {
    Command c;
    c.kind = CommandKind::EndDay;
    c.end_day = EndDay{owner, instrument, 77};
    return record(c);
  }
  // A command at time_ns that changes nothing itself: a Roll, as the gateway sends.
  std::vector<Event> tick(std::int64_t time_ns) {
    Command c;
    c.kind = CommandKind::Roll;
    c.time_ns = time_ns;
    return record(c);
  }
  // Applies and keeps the command (as its journal record) for replay().
  std::vector<Event> record(Command c) {
    c.seq = seq_ + 1;
    if (c.time_ns == 0) c.time_ns = time_ns_;
    std::uint8_t buf[journal::kMaxRecordBytes];
    const std::size_t n = journal::encode_record(c, buf);
    journal_.emplace_back(buf, buf + n);
    return apply(c);
  }
  // A fresh engine with the same configuration, fed the recorded journal.
  std::unique_ptr<Engine> replay() {
    auto e = std::make_unique<Engine>(EngineConfig{1024});
    e->add_instrument(*engine_.instrument(kCpu));
    e->add_instrument(*engine_.instrument(kMem));
    e->add_product(hourly());
    EventBuffer out;
    for (const auto& bytes : journal_) {
      Command c;
      std::size_t len = 0;
      EXPECT_EQ(journal::decode_record(bytes, &c, &len), journal::DecodeStatus::Ok);
      e->apply(c, out);
    }
    return e;
  }
  // An engine restored from this one's snapshot, through its file encoding.
  std::unique_ptr<Engine> restored() {
    EngineSnapshot snap;
    engine_.snapshot(snap);
    const auto image = journal::decode_snapshot(journal::encode_snapshot(snap));
    EXPECT_TRUE(image.has_value());
    auto e = std::make_unique<Engine>(EngineConfig{1024});
    if (image) e->restore(*image);
    return e;
  }
  static std::vector<Event> cancels(const std::vector<Event>& ev) {
    return of_kind(ev, EventKind::Cancelled);
  }

  std::vector<std::vector<std::uint8_t>> journal_;
};

}  // namespace swarmex::engine::test
