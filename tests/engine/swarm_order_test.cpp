// Swarm orders in the engine: atomic all-or-none matching under each placement rule, the limit
// on the total, resting and re-evaluation, priority, cancels, rejects and snapshots.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"
#include "swarm_fixture.hpp"

namespace swarmex::engine::test {
namespace {

constexpr InstrumentId kGpu = 3;   // pool-a, tick 1, lot 1
constexpr InstrumentId kCpuB = 4;  // pool-b

class SwarmOrderTest : public EngineTest {
 protected:
  SwarmOrderTest() {
    InstrumentSpec gpu = *engine_.instrument(kCpu);
    gpu.id = kGpu;
    gpu.symbol = "mig.1g.10gb.pool-a.spot";
    gpu.resource = "mig.1g.10gb";
    engine_.add_instrument(gpu);
    InstrumentSpec cpub = *engine_.instrument(kCpu);
    cpub.id = kCpuB;
    cpub.symbol = "cpu.pool-b.spot";
    cpub.pool = "pool-b";
    engine_.add_instrument(cpub);
  }
  // An ask of host `host` (owner 100 + host).
  std::vector<Event> ask(OrderId id, InstrumentId inst, Price price, Qty qty, HostId host) {
    OrderOpts o;
    o.instrument = inst;
    o.owner = 100 + host;
    o.host = host;
    return sell(id, price, qty, o);
  }
  std::vector<Event> swarm(OrderId id, Placement p, TimeInForce tif, Price limit,
                           std::initializer_list<SwarmLeg> legs, OwnerId owner = 1) {
    return apply(swarm_command(id, owner, p, tif, limit, legs));
  }
  Qty ask_qty(InstrumentId inst) {
    std::vector<LevelView> v;
    engine_.depth(inst, Side::Sell, 100, v);
    Qty q = 0;
    for (const auto& l : v)
      q += l.qty;
    return q;
  }
};

TEST_F(SwarmOrderTest, SameHostFillsEveryLegFromTheCheapestHostAtOnce) {
  ask(10, kCpu, 10, 8, 1);  // host 1: cpu 10, mem 100, gpu 50
  ask(11, kMem, 100, 40, 1);
  ask(12, kGpu, 50, 1, 1);
  ask(20, kCpu, 9, 8, 2);  // host 2: cheaper cpu, dearer mem -> dearer in total
  ask(21, kMem, 200, 40, 2);
  ask(22, kGpu, 50, 1, 2);
  const auto ev =
      swarm(1, Placement::SameHost, TimeInForce::Ioc, 100'000, {{kCpu, 4}, {kMem, 20}, {kGpu, 1}});
  ASSERT_TRUE(accepted(ev));
  EXPECT_EQ(ev[0].qty, 25);
  const auto fills = swarm_fills(ev, 1);
  ASSERT_EQ(fills.size(), 3u);
  for (const Event& f : fills) {
    EXPECT_EQ(f.host, 1u) << "every leg from the one cheapest host";
    EXPECT_EQ(f.seq, ev[0].seq) << "one sequenced step";
    EXPECT_EQ(f.side, Side::Buy);
    EXPECT_EQ(f.owner, 1u);
  }
  EXPECT_EQ(total_of(fills), 4 * 10 + 20 * 100 + 50);
  EXPECT_EQ(fills.back().leaves_qty, 0);
  EXPECT_TRUE(of_kind(ev, EventKind::Cancelled).empty());
  EXPECT_EQ(leaves(10), 4);
  EXPECT_EQ(leaves(11), 20);
  EXPECT_EQ(leaves(12), 0);
  EXPECT_EQ(leaves(20), 8) << "host 2 untouched";
}

TEST_F(SwarmOrderTest, SameHostNeverSplitsAcrossHostsAndTradesNothingWhenNoHostHasAll) {
  ask(10, kCpu, 10, 8, 1);  // host 1 has cpu only, host 2 mem only
  ask(21, kMem, 100, 40, 2);
  const std::uint64_t before = engine_.state_hash();
  const auto ev = swarm(1, Placement::SameHost, TimeInForce::Ioc, 100'000, {{kCpu, 4}, {kMem, 20}});
  ASSERT_TRUE(accepted(ev));
  ASSERT_EQ(ev.size(), 2u) << "accepted, then cancelled: no leg trades alone";
  EXPECT_EQ(ev[1].kind, EventKind::Cancelled);
  EXPECT_EQ(ev[1].reason, static_cast<std::uint8_t>(CancelReason::SwarmUnfillable));
  EXPECT_EQ(ev[1].qty, 24);
  EXPECT_EQ(ask_qty(kCpu), 8);
  EXPECT_EQ(ask_qty(kMem), 40);
  EXPECT_NE(engine_.state_hash(), before) << "only the sequence moved";
  // The same bundle with placement `any` takes each leg where it is.
  const auto any = swarm(2, Placement::Any, TimeInForce::Ioc, 100'000, {{kCpu, 4}, {kMem, 20}});
  const auto fills = swarm_fills(any, 2);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].host, 1u);
  EXPECT_EQ(fills[1].host, 2u);
}

TEST_F(SwarmOrderTest, PartialSupplyOnOneLegTradesNothing) {
  ask(10, kCpu, 10, 8, 1);
  ask(11, kMem, 100, 20, 1);  // 20 of the 40 mem needed
  ask(12, kMem, 100, 20, 2);  // the rest on another host
  auto ev = swarm(1, Placement::SameHost, TimeInForce::Ioc, 100'000, {{kCpu, 4}, {kMem, 40}});
  EXPECT_TRUE(swarm_fills(ev, 1).empty());
  EXPECT_EQ(ask_qty(kCpu), 8);
  ev = swarm(2, Placement::SamePool, TimeInForce::Ioc, 100'000, {{kCpu, 4}, {kMem, 40}});
  EXPECT_EQ(swarm_fills(ev, 2).size(), 3u) << "same-pool may use both hosts";
}

TEST_F(SwarmOrderTest, LimitOnTheTotalIsInclusive) {
  ask(10, kCpu, 10, 4, 1);
  ask(11, kCpu, 12, 4, 1);
  ask(12, kGpu, 50, 1, 1);
  // Cheapest total for 6 cpu + 1 gpu: 4x10 + 2x12 + 50 = 114.
  auto ev = swarm(1, Placement::SameHost, TimeInForce::Ioc, 113, {{kCpu, 6}, {kGpu, 1}});
  EXPECT_TRUE(swarm_fills(ev, 1).empty());
  EXPECT_EQ(ev.back().reason, static_cast<std::uint8_t>(CancelReason::SwarmUnfillable));
  ev = swarm(2, Placement::SameHost, TimeInForce::Ioc, 114, {{kCpu, 6}, {kGpu, 1}});
  const auto fills = swarm_fills(ev, 2);
  ASSERT_EQ(fills.size(), 3u);
  EXPECT_EQ(total_of(fills), 114);
  // One level event per level touched.
  EXPECT_EQ(of_kind(ev, EventKind::BookLevel).size(), 3u);
}

TEST_F(SwarmOrderTest, OwnAsksAreNeverTraded) {
  ask(10, kCpu, 10, 8, 1);  // owner 101
  const auto ev = swarm(1, Placement::Any, TimeInForce::Ioc, 1000, {{kCpu, 2}}, /*owner=*/101);
  EXPECT_TRUE(swarm_fills(ev, 1).empty());
  EXPECT_EQ(leaves(10), 8);
}

TEST_F(SwarmOrderTest, GtcRestsAndFillsWhenSupplyArrivesOnALeg) {
  ask(10, kCpu, 10, 8, 1);
  auto ev = swarm(1, Placement::SameHost, TimeInForce::Gtc, 10'000, {{kCpu, 4}, {kGpu, 1}});
  ASSERT_TRUE(accepted(ev));
  EXPECT_EQ(ev.size(), 1u) << "rests without trading";
  ASSERT_EQ(engine_.swarms().size(), 1u);
  ask(30, kGpu, 50, 1, 2);  // wrong host: still resting
  EXPECT_EQ(engine_.swarms().size(), 1u);
  ev = ask(12, kGpu, 60, 1, 1);  // host 1 completes the bundle
  const auto fills = swarm_fills(ev, 1);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].instrument, kCpu);
  EXPECT_EQ(fills[1].instrument, kGpu);
  EXPECT_EQ(fills[1].maker_order_id, 12u);
  EXPECT_EQ(total_of(fills), 4 * 10 + 60);
  EXPECT_TRUE(engine_.swarms().empty());
  EXPECT_EQ(leaves(12), 0);
}

TEST_F(SwarmOrderTest, ModifyAndResumeAlsoWakeRestingSwarms) {
  ask(10, kCpu, 10, 2, 1);
  swarm(1, Placement::Any, TimeInForce::Gtc, 10'000, {{kCpu, 4}});
  auto ev = modify(10, 10, 4, /*owner=*/101);  // quantity up: enough now
  EXPECT_EQ(swarm_fills(ev, 1).size(), 1u);
  ask(11, kCpu, 10, 4, 1);
  Command halt;
  halt.kind = CommandKind::Halt;
  halt.control.instrument = kCpu;
  apply(halt);
  EXPECT_EQ(rejected(swarm(2, Placement::Any, TimeInForce::Gtc, 1000, {{kCpu, 1}})),
            RejectReason::InstrumentHalted);
  Command resume = halt;
  resume.kind = CommandKind::Resume;
  apply(resume);
  swarm(3, Placement::Any, TimeInForce::Gtc, 1000, {{kCpu, 4}, {kGpu, 1}});
  ask(12, kGpu, 5, 1, 1);
  EXPECT_TRUE(engine_.swarms().empty());
}

TEST_F(SwarmOrderTest, RestingPriorityIsPricePerUnitThenTime) {
  swarm(1, Placement::Any, TimeInForce::Gtc, 40, {{kCpu, 4}});             // 10 per unit
  swarm(2, Placement::Any, TimeInForce::Gtc, 60, {{kCpu, 4}, {kGpu, 2}});  // 10 per unit, later
  swarm(3, Placement::Any, TimeInForce::Gtc, 55, {{kCpu, 5}});             // 11 per unit
  ASSERT_EQ(engine_.swarms().size(), 3u);
  EXPECT_EQ(engine_.swarms()[0].order.order_id, 3u);
  EXPECT_EQ(engine_.swarms()[1].order.order_id, 1u);
  EXPECT_EQ(engine_.swarms()[2].order.order_id, 2u);
  // Enough cpu for one of them: the best per unit takes it.
  auto ev = ask(10, kCpu, 5, 5, 1);
  EXPECT_EQ(swarm_fills(ev, 3).size(), 1u);
  EXPECT_TRUE(swarm_fills(ev, 1).empty());
  ev = ask(11, kCpu, 5, 4, 1);
  EXPECT_EQ(swarm_fills(ev, 1).size(), 1u) << "then the earlier of the equal ones";
  EXPECT_EQ(engine_.swarms().size(), 1u);
}

TEST_F(SwarmOrderTest, CancelAndMassCancelRemoveRestingSwarms) {
  swarm(1, Placement::Any, TimeInForce::Gtc, 100, {{kCpu, 4}, {kGpu, 1}});
  swarm(2, Placement::Any, TimeInForce::Gtc, 100, {{kGpu, 1}});
  EXPECT_EQ(rejected(cancel(1, /*owner=*/2, kCpu)), RejectReason::UnknownOrder) << "not yours";
  EXPECT_EQ(rejected(cancel(1, 1, kGpu)), RejectReason::UnknownOrder) << "routed by first leg";
  auto ev = cancel(1, 1, kCpu);
  ASSERT_TRUE(accepted(ev));
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, EventKind::Cancelled);
  EXPECT_EQ(ev[1].qty, 5);
  EXPECT_EQ(ev[1].order_id, 1u);
  Command mc;
  mc.kind = CommandKind::MassCancel;
  mc.mass_cancel = MassCancel{1, kAllInstruments};
  ev = apply(mc);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].reason, static_cast<std::uint8_t>(CancelReason::MassCancel));
  EXPECT_TRUE(engine_.swarms().empty());
}

TEST_F(SwarmOrderTest, EveryMalformedSwarmIsRejectedWithItsReason) {
  using P = Placement;
  const auto ioc = TimeInForce::Ioc;
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {})), RejectReason::InvalidLegs);
  Command nine = swarm_command(1, 1, P::Any, ioc, 100, {{kCpu, 1}});
  nine.swarm.leg_count = 9;
  EXPECT_EQ(rejected(apply(nine)), RejectReason::InvalidLegs);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{kCpu, 1}, {kCpu, 2}})),
            RejectReason::InvalidLegs);
  EXPECT_EQ(rejected(swarm(1, static_cast<P>(3), ioc, 100, {{kCpu, 1}})),
            RejectReason::InvalidPlacement);
  EXPECT_EQ(rejected(swarm(1, P::Any, TimeInForce::Fok, 100, {{kCpu, 1}})),
            RejectReason::InvalidTimeInForce);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{99, 1}})), RejectReason::UnknownInstrument);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{kCpu, 0}})), RejectReason::InvalidQuantity);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{kMem, 25}})), RejectReason::QuantityOffLot);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{kMem, 10}})), RejectReason::QuantityBelowMin);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{kCpu, 1001}})), RejectReason::QuantityAboveMax);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 0, {{kCpu, 1}})), RejectReason::InvalidPrice);
  EXPECT_EQ(rejected(swarm(1, P::SamePool, ioc, 100, {{kCpu, 1}, {kCpuB, 1}})),
            RejectReason::LegsNotSamePool);
  EXPECT_EQ(rejected(swarm(1, P::Any, ioc, 100, {{kCpu, 1}}, /*owner=*/0)),
            RejectReason::UnknownCommandOwner);
  ask(50, kCpu, 10, 1, 1);
  EXPECT_EQ(rejected(swarm(50, P::Any, ioc, 100, {{kCpu, 1}})), RejectReason::DuplicateOrderId);
  swarm(60, P::Any, TimeInForce::Gtc, 1, {{kGpu, 1}});
  EXPECT_EQ(rejected(swarm(60, P::Any, ioc, 100, {{kCpu, 1}})), RejectReason::DuplicateOrderId);
  // Overflowing totals never match and never wrap.
  ask(51, kCpu, 1000, 1000, 2);
  const auto ev = swarm(2, P::Any, ioc, INT64_MAX, {{kCpu, 1000}});
  EXPECT_TRUE(accepted(ev));
}

TEST_F(SwarmOrderTest, SwarmCapacityIsBounded) {
  Engine small(EngineConfig{64, 2});
  InstrumentSpec cpu = *engine_.instrument(kCpu);
  small.add_instrument(cpu);
  EventBuffer out;
  for (OrderId id = 1; id <= 3; ++id) {
    out.clear();
    Command c = swarm_command(id, 1, Placement::Any, TimeInForce::Gtc, 10, {{kCpu, 1}});
    c.seq = id;
    small.apply(c, out);
    EXPECT_EQ(out[0].kind, id <= 2 ? EventKind::Accepted : EventKind::Rejected);
  }
  EXPECT_EQ(out[0].reason, static_cast<std::uint8_t>(RejectReason::OrderCapacityExhausted));
}

TEST_F(SwarmOrderTest, SnapshotKeepsRestingSwarmsAndTheStateHash) {
  ask(10, kCpu, 10, 2, 1);
  swarm(1, Placement::SameHost, TimeInForce::Gtc, 500, {{kCpu, 4}, {kGpu, 1}});
  swarm(2, Placement::Any, TimeInForce::Gtc, 900, {{kGpu, 2}});
  EngineSnapshot snap;
  engine_.snapshot(snap);
  ASSERT_EQ(snap.swarms.size(), 2u);
  Engine copy;
  copy.restore(snap);
  EXPECT_EQ(copy.state_hash(), engine_.state_hash());
  ASSERT_EQ(copy.swarms().size(), 2u);
  EXPECT_EQ(copy.swarms()[0].order.order_id, engine_.swarms()[0].order.order_id);
  // A tampered image is refused.
  snap.swarms[0].units += 1;
  Engine bad;
  EXPECT_THROW(bad.restore(snap), std::runtime_error);
}

}  // namespace
}  // namespace swarmex::engine::test
