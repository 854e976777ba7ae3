// Self-trade prevention modes and modify's time-priority rules.
#include "engine_fixture.hpp"

namespace swarmex::engine::test {
namespace {

TEST_F(EngineTest, StpCancelNewestKillsTheIncomingRemainder) {
  sell(1, 100, 2, {.owner = 2});
  sell(2, 100, 2, {.owner = 1});  // own order behind another owner's
  sell(3, 100, 2, {.owner = 3});
  auto ev = buy(4, 100, 6, {.owner = 1, .stp = StpMode::CancelNewest});
  ASSERT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  auto c = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].order_id, 4u);
  EXPECT_EQ(static_cast<CancelReason>(c[0].reason), CancelReason::SelfTrade);
  EXPECT_EQ(c[0].qty, 4);
  EXPECT_EQ(leaves(2), 2);  // resting own order untouched
  EXPECT_EQ(leaves(3), 2);
}

TEST_F(EngineTest, StpCancelOldestRemovesRestingAndKeepsMatching) {
  sell(1, 100, 2, {.owner = 1});
  sell(2, 100, 2, {.owner = 3});
  auto ev = buy(3, 100, 2, {.owner = 1, .stp = StpMode::CancelOldest});
  auto c = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].order_id, 1u);
  auto f = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].maker_order_id, 2u);
  EXPECT_EQ(engine_.resting_orders(), 0u);
}

TEST_F(EngineTest, StpCancelBothRemovesBoth) {
  sell(1, 100, 2, {.owner = 1});
  sell(2, 100, 2, {.owner = 3});
  auto ev = buy(3, 100, 2, {.owner = 1, .stp = StpMode::CancelBoth});
  auto c = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].order_id, 1u);
  EXPECT_EQ(c[1].order_id, 3u);
  EXPECT_TRUE(of_kind(ev, EventKind::Fill).empty());
  EXPECT_EQ(leaves(2), 2);
}

TEST_F(EngineTest, StpNoneAllowsSelfTrade) {
  sell(1, 100, 2, {.owner = 1});
  EXPECT_EQ(of_kind(buy(2, 100, 2, {.owner = 1}), EventKind::Fill).size(), 1u);
}

TEST_F(EngineTest, FokCountsOnlyWhatStpWouldLetTrade) {
  sell(1, 100, 2, {.owner = 1});
  sell(2, 100, 2, {.owner = 2});
  // CancelNewest stops at the own order at the head: nothing fillable.
  auto ev = buy(3, 100, 2, {.owner = 1, .tif = TimeInForce::Fok, .stp = StpMode::CancelNewest});
  EXPECT_EQ(static_cast<CancelReason>(of_kind(ev, EventKind::Cancelled)[0].reason),
            CancelReason::FokUnfillable);
  EXPECT_EQ(leaves(1), 2);
  // CancelOldest skips it: fillable, and the own order is cancelled on the way.
  ev = buy(4, 100, 2, {.owner = 1, .tif = TimeInForce::Fok, .stp = StpMode::CancelOldest});
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  EXPECT_FALSE(engine_.order(1));
}

TEST_F(EngineTest, ModifyQtyDownKeepsPriority) {
  buy(1, 100, 5);
  buy(2, 100, 5, {.owner = 2});
  auto ev = modify(1, 100, 3);
  ASSERT_TRUE(accepted(ev));
  EXPECT_EQ(of_kind(ev, EventKind::Modified).size(), 1u);
  EXPECT_EQ(of_kind(ev, EventKind::BookLevel)[0].qty, 8);
  EXPECT_EQ(queue(Side::Buy), (std::vector<OrderId>{1, 2}));
  EXPECT_EQ(leaves(1), 3);
}

TEST_F(EngineTest, ModifyQtyUpLosesPriority) {
  buy(1, 100, 5);
  buy(2, 100, 5, {.owner = 2});
  ASSERT_TRUE(accepted(modify(1, 100, 6)));
  EXPECT_EQ(queue(Side::Buy), (std::vector<OrderId>{2, 1}));
}

TEST_F(EngineTest, ModifyPriceLosesPriorityAndMayTrade) {
  buy(1, 100, 5);
  buy(2, 99, 5, {.owner = 2});
  ASSERT_TRUE(accepted(modify(1, 99, 5)));
  EXPECT_EQ(queue(Side::Buy), (std::vector<OrderId>{2, 1}));
  sell(3, 101, 2, {.owner = 3});
  auto ev = modify(1, 101, 5);  // now crosses the ask: trades 2, rests 3 at 101
  auto f = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].order_id, 1u);
  EXPECT_EQ(f[0].maker_order_id, 3u);
  EXPECT_EQ(leaves(1), 3);
  EXPECT_EQ(engine_.order(1)->price, 101);
}

TEST_F(EngineTest, ModifyToSameValuesIsAcceptedWithoutLevelChange) {
  buy(1, 100, 5);
  auto ev = modify(1, 100, 5);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].kind, EventKind::Modified);
}

}  // namespace
}  // namespace swarmex::engine::test
