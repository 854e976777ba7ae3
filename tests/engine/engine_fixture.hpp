// Shared fixture for engine unit tests: one engine with two instruments and terse helpers that
// apply a command and return its events.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "swarmex/engine/engine.hpp"

namespace swarmex::engine::test {

inline constexpr InstrumentId kCpu = 1;  // tick 1, lot 1, band 1..1000
inline constexpr InstrumentId kMem = 2;  // tick 5, lot 10, band 100..5000, min 20, max 10000

struct OrderOpts {
  OwnerId owner = 1;
  TimeInForce tif = TimeInForce::Gtc;
  OrderType type = OrderType::Limit;
  StpMode stp = StpMode::None;
  bool post_only = false;
  Qty min_qty = 0;
  InstrumentId instrument = kCpu;
  HostId host = 0;
};

class EngineTest : public ::testing::Test {
 protected:
  explicit EngineTest(std::uint32_t capacity = 1024) : engine_(EngineConfig{capacity}) {
    InstrumentSpec cpu;
    cpu.id = kCpu;
    cpu.symbol = "cpu.pool-a.spot";
    cpu.resource = "cpu";
    cpu.pool = "pool-a";
    cpu.band_min = 1;
    cpu.band_max = 1000;
    cpu.max_qty = 1000;
    cpu.market_protection_ticks = 5;
    engine_.add_instrument(cpu);
    InstrumentSpec mem = cpu;
    mem.id = kMem;
    mem.symbol = "mem.pool-a.spot";
    mem.resource = "mem";
    mem.tick = 5;
    mem.lot = 10;
    mem.min_qty = 20;
    mem.max_qty = 10000;
    mem.band_min = 100;
    mem.band_max = 5000;
    engine_.add_instrument(mem);
  }

  std::vector<Event> apply(Command c) {
    c.seq = ++seq_;
    if (c.time_ns == 0) c.time_ns = time_ns_;
    EventBuffer out;
    engine_.apply(c, out);
    return out.to_vector();
  }
  std::vector<Event> order(OrderId id, Side side, Price price, Qty qty, OrderOpts o = {}) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order = NewOrder{id,    o.instrument, o.owner, o.host, side,      o.type, o.tif,
                           o.stp, o.post_only,  price,   qty,    o.min_qty, id};
    return apply(c);
  }
  std::vector<Event> buy(OrderId id, Price price, Qty qty, OrderOpts o = {}) {
    return order(id, Side::Buy, price, qty, o);
  }
  std::vector<Event> sell(OrderId id, Price price, Qty qty, OrderOpts o = {}) {
    if (o.host == 0) o.host = 100 + o.owner;
    return order(id, Side::Sell, price, qty, o);
  }
  std::vector<Event> cancel(OrderId id, OwnerId owner = 1, InstrumentId instrument = kCpu) {
    Command c;
    c.kind = CommandKind::CancelOrder;
    c.cancel = CancelOrder{id, owner, instrument};
    return apply(c);
  }
  std::vector<Event> modify(OrderId id, Price price, Qty qty, OwnerId owner = 1,
                            InstrumentId instrument = kCpu) {
    Command c;
    c.kind = CommandKind::ModifyOrder;
    c.modify = ModifyOrder{id, owner, instrument, price, qty};
    return apply(c);
  }

  static RejectReason rejected(const std::vector<Event>& ev) {
    EXPECT_FALSE(ev.empty());
    if (ev.empty() || ev[0].kind != EventKind::Rejected) return RejectReason::None;
    EXPECT_EQ(ev.size(), 1u) << "a rejected command causes nothing else";
    return static_cast<RejectReason>(ev[0].reason);
  }
  static std::vector<Event> of_kind(const std::vector<Event>& ev, EventKind k) {
    std::vector<Event> r;
    for (const Event& e : ev)
      if (e.kind == k) r.push_back(e);
    return r;
  }
  static bool accepted(const std::vector<Event>& ev) {
    return !ev.empty() && ev[0].kind == EventKind::Accepted;
  }
  std::vector<OrderId> queue(Side side, InstrumentId id = kCpu) {
    std::vector<OrderView> v;
    engine_.orders(id, side, v);
    std::vector<OrderId> ids;
    for (const auto& o : v)
      ids.push_back(o.id);
    return ids;
  }
  Qty leaves(OrderId id) {
    auto o = engine_.order(id);
    return o ? o->qty : 0;
  }

  Engine engine_;
  Seq seq_ = 0;
  std::int64_t time_ns_ = 0;  // the sequencer's time of the next commands that carry none
};

}  // namespace swarmex::engine::test
