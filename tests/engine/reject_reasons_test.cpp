// Every reject reason the engine can give, each provoked on purpose; a reject changes nothing.
#include <limits>

#include "engine_fixture.hpp"

namespace swarmex::engine::test {
namespace {

TEST_F(EngineTest, NewOrderRejects) {
  constexpr Qty kMax = std::numeric_limits<Qty>::max();
  EXPECT_EQ(rejected(buy(1, 100, 1, {.owner = 0})), RejectReason::UnknownCommandOwner);
  EXPECT_EQ(rejected(buy(1, 100, 1, {.instrument = 77})), RejectReason::UnknownInstrument);
  EXPECT_EQ(rejected(order(1, static_cast<Side>(2), 100, 1)), RejectReason::InvalidSide);
  EXPECT_EQ(rejected(buy(1, 100, 1, {.type = static_cast<OrderType>(9)})),
            RejectReason::InvalidOrderType);
  EXPECT_EQ(rejected(buy(1, 100, 1, {.tif = static_cast<TimeInForce>(3)})),
            RejectReason::InvalidTimeInForce);
  EXPECT_EQ(rejected(buy(1, 100, 1, {.stp = static_cast<StpMode>(4)})),
            RejectReason::InvalidStpMode);
  EXPECT_EQ(rejected(buy(1, 100, 0)), RejectReason::InvalidQuantity);
  EXPECT_EQ(rejected(buy(1, 100, -3)), RejectReason::InvalidQuantity);
  EXPECT_EQ(rejected(buy(1, 100, 15, {.instrument = kMem})), RejectReason::QuantityOffLot);
  EXPECT_EQ(rejected(buy(1, 100, 10, {.instrument = kMem})), RejectReason::QuantityBelowMin);
  EXPECT_EQ(rejected(buy(1, 100, 1001)), RejectReason::QuantityAboveMax);
  EXPECT_EQ(rejected(buy(1, 100, kMax)), RejectReason::QuantityAboveMax);
  EXPECT_EQ(rejected(buy(1, 0, 1)), RejectReason::InvalidPrice);
  EXPECT_EQ(rejected(buy(1, -100, 1)), RejectReason::InvalidPrice);
  EXPECT_EQ(rejected(buy(1, 102, 20, {.instrument = kMem})), RejectReason::PriceOffTick);
  EXPECT_EQ(rejected(buy(1, 1001, 1)), RejectReason::PriceOutsideBand);
  EXPECT_EQ(rejected(buy(1, 95, 20, {.instrument = kMem})), RejectReason::PriceOutsideBand);
  EXPECT_EQ(rejected(buy(1, 100, 5, {.min_qty = 6})), RejectReason::InvalidMinQuantity);
  EXPECT_EQ(rejected(buy(1, 100, 5, {.min_qty = -1})), RejectReason::InvalidMinQuantity);
  EXPECT_EQ(rejected(buy(1, 100, 40, {.min_qty = 15, .instrument = kMem})),
            RejectReason::InvalidMinQuantity);
  EXPECT_EQ(rejected(buy(1, 100, 1, {.tif = TimeInForce::Ioc, .post_only = true})),
            RejectReason::PostOnlyNotLimitGtc);
  EXPECT_EQ(rejected(buy(1, 0, 1, {.type = OrderType::Market})), RejectReason::MarketNotImmediate);
  EXPECT_EQ(engine_.resting_orders(), 0u);
  ASSERT_TRUE(accepted(buy(1, 100, 1)));
  EXPECT_EQ(rejected(buy(1, 99, 1)), RejectReason::DuplicateOrderId);
  EXPECT_EQ(leaves(1), 1);
}

TEST_F(EngineTest, NotionalOverflowIsCheckedNotWrapped) {
  InstrumentSpec big;
  big.id = 9;
  big.symbol = "mig.7g.80gb.pool-a.spot";
  big.tick = 10'000'000'000'000;
  big.band_min = 5'000'000'000'000'000'000;
  big.band_max = 9'000'000'000'000'000'000;
  big.max_qty = 1'000'000;
  engine_.add_instrument(big);
  EXPECT_EQ(rejected(buy(1, 6'000'000'000'000'000'000, 2, {.instrument = 9})),
            RejectReason::NotionalOverflow);
  EXPECT_TRUE(accepted(buy(2, 6'000'000'000'000'000'000, 1, {.instrument = 9})));
  // A market order without protection price is checked at the band's worst price.
  EXPECT_EQ(rejected(sell(3, 0, 2,
                          {.tif = TimeInForce::Ioc, .type = OrderType::Market, .instrument = 9})),
            RejectReason::NotionalOverflow);
}

TEST_F(EngineTest, CancelAndModifyOfOthersOrdersLookUnknown) {
  ASSERT_TRUE(accepted(buy(1, 100, 5, {.owner = 1})));
  EXPECT_EQ(rejected(cancel(1, /*owner=*/2)), RejectReason::UnknownOrder);
  EXPECT_EQ(rejected(cancel(1, 1, kMem)), RejectReason::UnknownOrder);  // wrong instrument
  EXPECT_EQ(rejected(modify(1, 100, 1, /*owner=*/2)), RejectReason::UnknownOrder);
  EXPECT_EQ(rejected(cancel(999)), RejectReason::UnknownOrder);
  EXPECT_EQ(leaves(1), 5);
}

TEST_F(EngineTest, ModifyValidatesLikeANewOrder) {
  ASSERT_TRUE(accepted(buy(1, 100, 5)));
  EXPECT_EQ(rejected(modify(1, 100, 0)), RejectReason::InvalidQuantity);
  EXPECT_EQ(rejected(modify(1, 0, 5)), RejectReason::InvalidPrice);
  EXPECT_EQ(rejected(modify(1, 2000, 5)), RejectReason::PriceOutsideBand);
  EXPECT_EQ(rejected(modify(1, 100, 5000)), RejectReason::QuantityAboveMax);
  EXPECT_EQ(leaves(1), 5);
}

TEST_F(EngineTest, StaleAndReplayedSequencesAreRejected) {
  Command c;
  c.kind = CommandKind::NewOrder;
  c.new_order =
      NewOrder{1,     kCpu, 1, 0, Side::Buy, OrderType::Limit, TimeInForce::Gtc, StpMode::None,
               false, 100,  1, 0, 1};
  c.seq = 10;
  EventBuffer out;
  engine_.apply(c, out);
  ASSERT_EQ(out[0].kind, EventKind::Accepted);
  out.clear();
  c.new_order.order_id = 2;
  engine_.apply(c, out);  // same sequence again
  EXPECT_EQ(static_cast<RejectReason>(out[0].reason), RejectReason::StaleSequence);
  c.seq = 3;
  out.clear();
  engine_.apply(c, out);
  EXPECT_EQ(static_cast<RejectReason>(out[0].reason), RejectReason::StaleSequence);
  EXPECT_EQ(engine_.last_seq(), 10u);
  EXPECT_EQ(engine_.resting_orders(), 1u);
}

TEST_F(EngineTest, UnknownCommandKindIsRejected) {
  Command c;
  c.kind = static_cast<CommandKind>(200);
  EXPECT_EQ(rejected(apply(c)), RejectReason::InvalidCommand);
}

TEST_F(EngineTest, MassCancelAndHaltRejects) {
  Command c;
  c.kind = CommandKind::MassCancel;
  c.mass_cancel = MassCancel{0, kAllInstruments};
  EXPECT_EQ(rejected(apply(c)), RejectReason::UnknownCommandOwner);
  c.mass_cancel = MassCancel{1, 55};
  EXPECT_EQ(rejected(apply(c)), RejectReason::UnknownInstrument);
  c.kind = CommandKind::Halt;
  c.control.instrument = 55;
  EXPECT_EQ(rejected(apply(c)), RejectReason::UnknownInstrument);
}

class SmallPoolTest : public EngineTest {
 protected:
  SmallPoolTest() : EngineTest(2) {}
};

TEST_F(SmallPoolTest, CapacityExhaustedRejectsRestingOrdersOnly) {
  ASSERT_TRUE(accepted(buy(1, 100, 1)));
  ASSERT_TRUE(accepted(buy(2, 100, 1)));
  EXPECT_EQ(rejected(buy(3, 100, 1)), RejectReason::OrderCapacityExhausted);
  // Orders that cannot rest are still served.
  EXPECT_EQ(of_kind(sell(4, 100, 1, {.owner = 2, .tif = TimeInForce::Ioc}), EventKind::Fill).size(),
            1u);
  EXPECT_TRUE(accepted(buy(5, 100, 1)));  // room freed up
}

TEST(InstrumentSpecTest, InvalidSpecsAreRefusedAtConfiguration) {
  Engine engine(EngineConfig{16});
  InstrumentSpec s;
  s.id = 1;
  s.symbol = "cpu.x.spot";
  s.band_max = 100;
  engine.add_instrument(s);
  EXPECT_THROW(engine.add_instrument(s), std::invalid_argument);  // duplicate id
  InstrumentSpec bad = s;
  bad.id = 2;
  bad.tick = 0;
  EXPECT_THROW(engine.add_instrument(bad), std::invalid_argument);
  bad = s;
  bad.id = 3;
  bad.band_min = 7;
  bad.tick = 5;
  EXPECT_THROW(engine.add_instrument(bad), std::invalid_argument);  // band not on tick
  bad = s;
  bad.id = kMaxInstrumentId + 1;
  EXPECT_THROW(engine.add_instrument(bad), std::invalid_argument);
  EXPECT_EQ(validate(s), "");
}

}  // namespace
}  // namespace swarmex::engine::test
