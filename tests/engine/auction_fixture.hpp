// Batch auctions and breakers in engine tests: the commands that set them, a Roll at a time (the
// sequencer's clock), and the events of one kind or reason.
#pragma once

#include "engine_fixture.hpp"

namespace swarmex::engine::test {

inline constexpr std::int64_t kMs = 1'000'000;

class AuctionTest : public EngineTest {
 protected:
  std::vector<Event> trading_mode(TradingMode mode, std::int64_t interval_ns,
                                  InstrumentId instrument = kCpu, OwnerId owner = 9) {
    Command c;
    c.kind = CommandKind::SetTradingMode;
    c.trading_mode = SetTradingMode{instrument, owner, 77, mode, interval_ns};
    return apply(c);
  }
  std::vector<Event> breaker(std::int32_t bps, std::int64_t window_ns, std::int64_t cooloff_ns,
                             bool on = true, InstrumentId instrument = kCpu) {
    Command c;
    c.kind = CommandKind::SetBreaker;
    c.breaker = SetBreaker{instrument, 9, 78, on, bps, window_ns, cooloff_ns};
    return apply(c);
  }
  // A Roll at `time_ns` (clears what is due then); later commands carry that time too.
  std::vector<Event> roll_at(std::int64_t time_ns) {
    time_ns_ = time_ns;
    Command c;
    c.kind = CommandKind::Roll;
    return apply(c);
  }
  static std::vector<Event> fills(const std::vector<Event>& ev) {
    return of_kind(ev, EventKind::Fill);
  }
  static std::vector<Event> results(const std::vector<Event>& ev) {
    std::vector<Event> r;
    for (const Event& e : of_kind(ev, EventKind::AuctionResult))
      if (e.reason == static_cast<std::uint8_t>(AuctionPart::Result)) r.push_back(e);
    return r;
  }
  static std::vector<Event> curve(const std::vector<Event>& ev) {
    std::vector<Event> r;
    for (const Event& e : of_kind(ev, EventKind::AuctionResult))
      if (e.reason == static_cast<std::uint8_t>(AuctionPart::CurvePoint)) r.push_back(e);
    return r;
  }
  // Quantity filled per order id (buy and sell side) in `ev`.
  static Qty filled(const std::vector<Event>& ev, OrderId id) {
    Qty q = 0;
    for (const Event& e : fills(ev))
      if (e.order_id == id || e.maker_order_id == id) q += e.qty;
    return q;
  }
};

}  // namespace swarmex::engine::test
