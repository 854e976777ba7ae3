// Icebergs: the book and its market data show only the display quantity; each refill goes to the
// back of its level; a taker matches on through refills in the same command; owners see true
// quantities.
#include "order_terms_fixture.hpp"

namespace swarmex::engine::test {
namespace {

class IcebergTest : public OrderTermsTest {
 protected:
  IcebergTest() { time_ns_ = kBase; }
  std::vector<Event> iceberg(OrderId id, Side side, Price price, Qty qty, Qty display,
                             OwnerId owner = 2) {
    return place(id, side, price, qty, {.owner = owner, .display = display});
  }
  struct FillSeen {
    OrderId maker;
    Qty qty;
    Qty maker_leaves;
  };
  static std::vector<FillSeen> fills(const std::vector<Event>& ev) {
    std::vector<FillSeen> r;
    for (const Event& e : of_kind(ev, EventKind::Fill))
      r.push_back({e.maker_order_id, e.qty, e.maker_leaves_qty});
    return r;
  }
};

TEST_F(IcebergTest, BookAndMarketDataShowOnlyTheDisplay) {
  const auto ev = iceberg(1, Side::Sell, 100, 10, 3);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[0].qty, 10) << "the owner's report has the whole order";
  EXPECT_EQ(ev[0].leaves_qty, 10);
  EXPECT_EQ(ev[1].kind, EventKind::BookLevel);
  EXPECT_EQ(ev[1].qty, 3);
  std::vector<LevelView> levels;
  engine_.depth(kCpu, Side::Sell, 5, levels);
  ASSERT_EQ(levels.size(), 1u);
  EXPECT_EQ(levels[0].qty, 3);
  EXPECT_EQ(engine_.order(1)->qty, 3);
  EXPECT_EQ(engine_.order(1)->hidden, 7);
}

TEST_F(IcebergTest, RefillGoesToTheBackOfItsLevel) {
  iceberg(1, Side::Sell, 100, 10, 3);
  sell(2, 100, 5, {.owner = 3});
  auto f = fills(buy(3, 100, 3));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].maker, 1u);
  EXPECT_EQ(f[0].maker_leaves, 7) << "the maker's report counts the hidden part";
  EXPECT_EQ(queue(Side::Sell), (std::vector<OrderId>{2, 1})) << "refilled behind order 2";
  EXPECT_EQ(engine_.order(1)->qty, 3);
  EXPECT_EQ(engine_.order(1)->hidden, 4);
  f = fills(buy(4, 100, 2));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].maker, 2u) << "the other order at the price trades first after a refill";
}

TEST_F(IcebergTest, LargeTakerMatchesThroughRefillsInOneCommand) {
  iceberg(1, Side::Sell, 100, 10, 3);
  sell(2, 100, 2, {.owner = 3});
  sell(3, 101, 4, {.owner = 3});
  const auto ev = buy(4, 101, 13);
  const auto f = fills(ev);
  ASSERT_EQ(f.size(), 6u);
  const std::vector<std::pair<OrderId, Qty>> want{{1, 3}, {2, 2}, {1, 3}, {1, 3}, {1, 1}, {3, 1}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(f[i].maker, want[i].first) << i;
    EXPECT_EQ(f[i].qty, want[i].second) << i;
  }
  EXPECT_EQ(f[4].maker_leaves, 0);
  EXPECT_EQ(leaves(1), 0);
  EXPECT_TRUE(engine_.order_terms().empty());
  const auto levels = of_kind(ev, EventKind::BookLevel);
  ASSERT_FALSE(levels.empty());
  for (const Event& l : levels)
    EXPECT_LE(l.qty, 3 + 2) << "no level event shows hidden quantity";
}

TEST_F(IcebergTest, ImmediateOrdersCountHiddenQuantity) {
  iceberg(1, Side::Sell, 100, 10, 3);
  const auto ev = buy(2, 100, 10, {.tif = TimeInForce::Fok});
  EXPECT_TRUE(cancels(ev).empty()) << "FOK fills through the refills";
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 4u);
}

TEST_F(IcebergTest, CancelAndModifyUseTheTrueQuantity) {
  iceberg(1, Side::Sell, 100, 10, 3);
  sell(2, 100, 5, {.owner = 3});
  const auto m = modify(1, 100, 5, 2);  // total down: the hidden part goes first
  ASSERT_TRUE(accepted(m));
  EXPECT_EQ(of_kind(m, EventKind::Modified)[0].leaves_qty, 5);
  EXPECT_EQ(queue(Side::Sell), (std::vector<OrderId>{1, 2})) << "kept its priority";
  EXPECT_EQ(engine_.order(1)->qty, 3);
  EXPECT_EQ(engine_.order(1)->hidden, 2);
  modify(1, 100, 8, 2);  // total up: the back of the level, shown again from a full slice
  EXPECT_EQ(queue(Side::Sell), (std::vector<OrderId>{2, 1}));
  EXPECT_EQ(engine_.order(1)->hidden, 5);
  const auto c = cancels(cancel(1, 2));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].qty, 8);
  EXPECT_TRUE(engine_.order_terms().empty());
}

TEST_F(IcebergTest, BadDisplayQuantitiesAreRefused) {
  EXPECT_EQ(rejected(iceberg(1, Side::Sell, 100, 10, 10)), RejectReason::InvalidDisplayQty);
  EXPECT_EQ(rejected(iceberg(2, Side::Sell, 100, 10, 11)), RejectReason::InvalidDisplayQty);
  EXPECT_EQ(rejected(iceberg(3, Side::Sell, 100, 10, -1)), RejectReason::InvalidDisplayQty);
  EXPECT_EQ(rejected(place(4, Side::Buy, 200, 100, {.display = 15, .instrument = kMem})),
            RejectReason::InvalidDisplayQty)
      << "off the lot of 10";
  EXPECT_TRUE(accepted(place(5, Side::Buy, 200, 100, {.display = 20, .instrument = kMem})));
  EXPECT_EQ(rejected(place(6, Side::Buy, 100, 10, {.tif = TimeInForce::Ioc, .display = 3})),
            RejectReason::InvalidDisplayQty);
  EXPECT_EQ(rejected(place(7, Side::Buy, 0, 10,
                           {.tif = TimeInForce::Ioc, .display = 3, .type = OrderType::Market})),
            RejectReason::InvalidDisplayQty);
  EXPECT_EQ(engine_.resting_orders(), 1u);
}

TEST_F(IcebergTest, GtdIcebergExpiresWholeAndSurvivesASnapshot) {
  ASSERT_TRUE(accepted(place(1, Side::Buy, 100, 9,
                             {.tif = TimeInForce::Gtd, .expire_ns = kBase + 50, .display = 2})));
  sell(2, 100, 2, {.owner = 3});  // takes the first slice: the next one refills
  EXPECT_EQ(engine_.order(1)->hidden, 5);
  auto copy = restored();
  EXPECT_EQ(copy->state_hash(), engine_.state_hash());
  EXPECT_EQ(copy->order(1)->hidden, 5);
  const auto c = cancels(tick(kBase + 50));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].qty, 7);
  EXPECT_EQ(c[0].reason, static_cast<std::uint8_t>(CancelReason::Expired));
}

}  // namespace
}  // namespace swarmex::engine::test
