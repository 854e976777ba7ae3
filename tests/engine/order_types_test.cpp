// Each order type and time in force, on one book.
#include "engine_fixture.hpp"

namespace swarmex::engine::test {
namespace {

TEST_F(EngineTest, GtcLimitRestsAndPublishesItsLevel) {
  auto ev = buy(1, 100, 5);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[0].leaves_qty, 5);
  EXPECT_EQ(ev[1].kind, EventKind::BookLevel);
  EXPECT_EQ(ev[1].price, 100);
  EXPECT_EQ(ev[1].qty, 5);
  EXPECT_EQ(ev[1].leaves_qty, 1);  // order count at the level
  EXPECT_EQ(leaves(1), 5);
}

TEST_F(EngineTest, CrossingLimitTradesAtMakerPriceBestFirstThenRests) {
  sell(1, 105, 3, {.owner = 2});
  sell(2, 103, 2, {.owner = 3});
  auto ev = buy(3, 110, 10, {.owner = 1});
  auto fills = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].maker_order_id, 2u);
  EXPECT_EQ(fills[0].price, 103);
  EXPECT_EQ(fills[0].host, 103u);  // the ask's host
  EXPECT_EQ(fills[0].maker_owner, 3u);
  EXPECT_EQ(fills[1].maker_order_id, 1u);
  EXPECT_EQ(fills[1].price, 105);
  EXPECT_EQ(fills[1].leaves_qty, 5);
  EXPECT_EQ(leaves(3), 5);  // remainder rests at its limit
  EXPECT_EQ(engine_.order(3)->price, 110);
}

TEST_F(EngineTest, FifoWithinALevel) {
  sell(1, 100, 2, {.owner = 2});
  sell(2, 100, 2, {.owner = 3});
  auto fills = of_kind(buy(3, 100, 3), EventKind::Fill);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].maker_order_id, 1u);
  EXPECT_EQ(fills[0].qty, 2);
  EXPECT_EQ(fills[1].maker_order_id, 2u);
  EXPECT_EQ(fills[1].qty, 1);
  EXPECT_EQ(leaves(2), 1);
}

TEST_F(EngineTest, IocCancelsItsRemainder) {
  sell(1, 100, 2, {.owner = 2});
  auto ev = buy(2, 100, 5, {.tif = TimeInForce::Ioc});
  auto c = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(static_cast<CancelReason>(c[0].reason), CancelReason::IocRemainder);
  EXPECT_EQ(c[0].qty, 3);
  EXPECT_FALSE(engine_.order(2));
}

TEST_F(EngineTest, FokFillsFullyOrNotAtAll) {
  sell(1, 100, 2, {.owner = 2});
  sell(2, 101, 2, {.owner = 2});
  auto ev = buy(3, 101, 5, {.tif = TimeInForce::Fok});
  EXPECT_TRUE(of_kind(ev, EventKind::Fill).empty());
  ASSERT_EQ(of_kind(ev, EventKind::Cancelled).size(), 1u);
  EXPECT_EQ(static_cast<CancelReason>(of_kind(ev, EventKind::Cancelled)[0].reason),
            CancelReason::FokUnfillable);
  EXPECT_EQ(leaves(1), 2);  // nothing touched
  ev = buy(4, 101, 4, {.tif = TimeInForce::Fok});
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 2u);
  EXPECT_EQ(engine_.resting_orders(), 0u);
}

TEST_F(EngineTest, MinQtyIsAnEntryCondition) {
  sell(1, 100, 3, {.owner = 2});
  auto ev = buy(2, 100, 10, {.min_qty = 4});
  EXPECT_TRUE(of_kind(ev, EventKind::Fill).empty());
  EXPECT_EQ(static_cast<CancelReason>(of_kind(ev, EventKind::Cancelled)[0].reason),
            CancelReason::MinQtyNotMet);
  EXPECT_FALSE(engine_.order(2));
  ev = buy(3, 100, 10, {.min_qty = 3});  // met: trades 3, rest of the GTC order rests
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  EXPECT_EQ(leaves(3), 7);
}

TEST_F(EngineTest, PostOnlyRestsOrIsRejectedWhenItWouldCross) {
  sell(1, 100, 3, {.owner = 2});
  EXPECT_EQ(rejected(buy(2, 100, 1, {.post_only = true})), RejectReason::WouldCrossPostOnly);
  EXPECT_TRUE(accepted(buy(3, 99, 1, {.post_only = true})));
  EXPECT_EQ(leaves(3), 1);
  // A post-only order may not be modified into a crossing price either.
  EXPECT_EQ(rejected(modify(3, 100, 1)), RejectReason::WouldCrossPostOnly);
  EXPECT_EQ(engine_.order(3)->price, 99);
}

TEST_F(EngineTest, MarketOrderStopsAtComputedProtectionPrice) {
  sell(1, 100, 1, {.owner = 2});
  sell(2, 105, 1, {.owner = 2});
  sell(3, 106, 1, {.owner = 2});  // beyond best + 5 ticks
  auto ev = buy(4, 0, 5, {.tif = TimeInForce::Ioc, .type = OrderType::Market});
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 2u);
  auto c = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(static_cast<CancelReason>(c[0].reason), CancelReason::MarketProtection);
  EXPECT_EQ(c[0].qty, 3);
  EXPECT_EQ(leaves(3), 1);
}

TEST_F(EngineTest, MarketOrderWithExplicitProtectionPrice) {
  sell(1, 100, 1, {.owner = 2});
  sell(2, 101, 1, {.owner = 2});
  auto ev = order(3, Side::Buy, 100, 5, {.tif = TimeInForce::Ioc, .type = OrderType::Market});
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  EXPECT_EQ(leaves(2), 1);
}

TEST_F(EngineTest, MarketOrderIntoEmptyBookHasNoLiquidity) {
  auto ev = sell(1, 0, 5, {.tif = TimeInForce::Ioc, .type = OrderType::Market});
  ASSERT_TRUE(accepted(ev));
  EXPECT_EQ(static_cast<CancelReason>(of_kind(ev, EventKind::Cancelled)[0].reason),
            CancelReason::NoLiquidity);
}

TEST_F(EngineTest, CancelRemovesAndReportsLevel) {
  buy(1, 100, 5);
  buy(2, 100, 7);
  auto ev = cancel(1);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[1].kind, EventKind::Cancelled);
  EXPECT_EQ(ev[1].qty, 5);
  EXPECT_EQ(ev[2].kind, EventKind::BookLevel);
  EXPECT_EQ(ev[2].qty, 7);
  EXPECT_EQ(rejected(cancel(1)), RejectReason::UnknownOrder);  // already gone
}

TEST_F(EngineTest, MassCancelTakesOnlyTheOwnersOrders) {
  buy(1, 100, 1, {.owner = 1});
  buy(2, 101, 1, {.owner = 2});
  sell(3, 200, 1, {.owner = 1});
  sell(4, 300, 20, {.owner = 1, .instrument = kMem});
  Command c;
  c.kind = CommandKind::MassCancel;
  c.mass_cancel = MassCancel{1, kCpu};
  auto ev = apply(c);
  EXPECT_EQ(of_kind(ev, EventKind::Cancelled).size(), 2u);
  EXPECT_TRUE(engine_.order(2));
  EXPECT_TRUE(engine_.order(4));  // other instrument untouched
  c.mass_cancel = MassCancel{1, kAllInstruments};
  ev = apply(c);
  EXPECT_EQ(of_kind(ev, EventKind::Cancelled).size(), 1u);
  EXPECT_EQ(engine_.resting_orders(), 1u);
}

TEST_F(EngineTest, HaltRejectsNewOrdersButAllowsCancels) {
  buy(1, 100, 1);
  Command h;
  h.kind = CommandKind::Halt;
  h.control.instrument = kCpu;
  ASSERT_TRUE(accepted(apply(h)));
  EXPECT_EQ(rejected(buy(2, 100, 1)), RejectReason::InstrumentHalted);
  EXPECT_EQ(rejected(modify(1, 101, 1)), RejectReason::InstrumentHalted);
  EXPECT_TRUE(accepted(cancel(1)));
  h.kind = CommandKind::Resume;
  ASSERT_TRUE(accepted(apply(h)));
  EXPECT_TRUE(accepted(buy(3, 100, 1)));
}

}  // namespace
}  // namespace swarmex::engine::test
