// An engine with one hourly scheduled product (window books from kFirstBook), for delivery-window
// and resale tests: commands at a given sequencer time.
#pragma once

#include "engine_fixture.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::engine::test {

constexpr std::int64_t kMinute = 60'000'000'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kBase = 498'710 * kHour;  // 2026-11-22T14:00:00Z, a window boundary
constexpr InstrumentId kFirstBook = 100;

inline Product hourly() {
  Product p;
  p.rules.id = kFirstBook;
  p.rules.symbol = "cpu.pool-a";
  p.rules.resource = "cpu";
  p.rules.pool = "pool-a";
  p.rules.band_min = 1;
  p.rules.band_max = 1000;
  p.rules.max_qty = 1000;
  p.length_ns = kHour;
  p.listed_ahead_ns = 4 * kHour;
  p.gate_closure_ns = 5 * kMinute;
  return p;
}

class WindowTest : public EngineTest {
 protected:
  WindowTest() { engine_.add_product(hourly()); }

  // A spot cpu instrument of pool-a whose fills lease for two hours (supply and placement tests).
  static InstrumentSpec spot_2h(InstrumentId id) {
    InstrumentSpec spot;
    spot.id = id;
    spot.symbol = "cpu.pool-a.spot2h";
    spot.resource = "cpu";
    spot.pool = "pool-a";
    spot.band_min = 1;
    spot.band_max = 1000;
    spot.max_qty = 1000;
    spot.window.length_ns = 2 * kHour;
    return spot;
  }

  std::vector<Event> at(std::int64_t time_ns, Command c) {
    c.time_ns = time_ns;
    return apply(c);
  }
  std::vector<Event> roll(std::int64_t time_ns) {
    Command c;
    c.kind = CommandKind::Roll;
    return at(time_ns, c);
  }
  std::vector<Event> order_at(std::int64_t time_ns, OrderId id, Side side, InstrumentId instrument,
                              Price price, Qty qty, OwnerId owner) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order = NewOrder{id,
                           instrument,
                           owner,
                           side == Side::Sell ? 100 + owner : 0,
                           side,
                           OrderType::Limit,
                           TimeInForce::Gtc,
                           StpMode::None,
                           false,
                           price,
                           qty,
                           0,
                           id};
    return at(time_ns, c);
  }
  static InstrumentId book(std::int64_t window) { return kFirstBook + book_of(hourly(), window); }
  const std::int64_t w0_ = kBase / kHour;
};

}  // namespace swarmex::engine::test
