// Admin SetParams: every refusal has its reason, a narrowed band keeps resting orders where they
// are (they trade and cancel; new prices meet the new band), a widened band re-indexes the level
// array, and the parameters count in the state hash and the snapshot.
#include "window_fixture.hpp"

namespace swarmex::engine::test {
namespace {

struct ParamsOpts {
  Price band_min = 0;
  Price band_max = 0;
  Qty min_qty = 0;
  Qty max_qty = 0;
  std::int64_t protection_ticks = 0;
  OwnerId owner = 99;
};

class SetParamsTest : public WindowTest {
 protected:
  std::vector<Event> set_params(InstrumentId id, ParamsOpts p) {
    Command c;
    c.kind = CommandKind::SetParams;
    c.params =
        SetParams{p.owner, id, 7, p.band_min, p.band_max, p.min_qty, p.max_qty, p.protection_ticks};
    return apply(c);
  }
  const InstrumentSpec& spec(InstrumentId id = kCpu) { return *engine_.instrument(id); }
};

TEST_F(SetParamsTest, AcceptedOnceWithTheRequestIdAndChangesOnlyWhatIsNonZero) {
  const auto ev = set_params(kCpu, {.band_min = 10, .band_max = 2000, .max_qty = 50});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[0].command, CommandKind::SetParams);
  EXPECT_EQ(ev[0].order_id, 7u);
  EXPECT_EQ(ev[0].owner, 99u);
  EXPECT_EQ(ev[0].instrument, kCpu);
  // The outcome carries the parameters now in force, the kept ones too.
  const BookParams now = book_params_of(ev[0]);
  EXPECT_EQ(now.band_min, 10);
  EXPECT_EQ(now.band_max, 2000);
  EXPECT_EQ(now.min_qty, 1);
  EXPECT_EQ(now.max_qty, 50);
  EXPECT_EQ(now.market_protection_ticks, 5);
  EXPECT_EQ(spec().band_min, 10);
  EXPECT_EQ(spec().band_max, 2000);
  EXPECT_EQ(spec().min_qty, 1);  // kept
  EXPECT_EQ(spec().max_qty, 50);
  EXPECT_EQ(spec().market_protection_ticks, 5);  // kept
  EXPECT_EQ(rejected(buy(1, 9, 1)), RejectReason::PriceOutsideBand);
  EXPECT_TRUE(accepted(buy(2, 2000, 1)));
  EXPECT_EQ(rejected(buy(3, 2001, 1)), RejectReason::PriceOutsideBand);
  EXPECT_EQ(rejected(buy(4, 100, 51)), RejectReason::QuantityAboveMax);
  EXPECT_TRUE(accepted(buy(5, 100, 50)));
}

TEST_F(SetParamsTest, EveryBadValueHasItsReason) {
  EXPECT_EQ(rejected(set_params(77, {.band_min = 5})), RejectReason::UnknownInstrument);
  EXPECT_EQ(rejected(set_params(kCpu, {.band_min = 5, .owner = 0})),
            RejectReason::UnknownCommandOwner);
  EXPECT_EQ(rejected(set_params(kCpu, {.band_min = -5})), RejectReason::InvalidBand);
  EXPECT_EQ(rejected(set_params(kCpu, {.band_max = -1})), RejectReason::InvalidBand);
  EXPECT_EQ(rejected(set_params(kMem, {.band_min = 101})), RejectReason::InvalidBand);  // tick 5
  EXPECT_EQ(rejected(set_params(kMem, {.band_max = 4999})), RejectReason::InvalidBand);
  EXPECT_EQ(rejected(set_params(kCpu, {.band_min = 1001})), RejectReason::InvalidBand);  // > max
  EXPECT_EQ(rejected(set_params(kCpu, {.band_min = 500, .band_max = 400})),
            RejectReason::InvalidBand);
  EXPECT_EQ(rejected(set_params(kCpu, {.band_max = kMaxBandLevels + 1})),
            RejectReason::InvalidBand);  // too many levels
  EXPECT_EQ(rejected(set_params(kCpu, {.min_qty = -1})), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(rejected(set_params(kCpu, {.max_qty = -1})), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(rejected(set_params(kMem, {.min_qty = 25})), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(rejected(set_params(kMem, {.max_qty = 10005})), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(rejected(set_params(kCpu, {.min_qty = 2000})), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(rejected(set_params(kCpu, {.protection_ticks = -1})), RejectReason::InvalidParameter);
  // Nothing changed by any of them.
  EXPECT_EQ(spec().band_min, 1);
  EXPECT_EQ(spec().band_max, 1000);
  EXPECT_EQ(spec(kMem).min_qty, 20);
}

TEST_F(SetParamsTest, NarrowedBandKeepsRestingOrdersThatStillTradeAndCancel) {
  ASSERT_TRUE(accepted(buy(1, 50, 5)));
  ASSERT_TRUE(accepted(sell(2, 900, 5, {.owner = 2})));
  ASSERT_TRUE(accepted(sell(3, 60, 2, {.owner = 2})));
  ASSERT_TRUE(accepted(set_params(kCpu, {.band_min = 100, .band_max = 500})));
  EXPECT_EQ(queue(Side::Buy), std::vector<OrderId>{1});
  EXPECT_EQ(engine_.order(1)->price, 50);
  EXPECT_EQ(engine_.order(2)->price, 900);
  // New prices meet the new band.
  EXPECT_EQ(rejected(buy(4, 900, 1, {.owner = 3})), RejectReason::PriceOutsideBand);
  EXPECT_EQ(rejected(sell(5, 60, 1, {.owner = 3})), RejectReason::PriceOutsideBand);
  // The ask resting below the band still trades, at its own price.
  const auto lift = buy(6, 100, 2, {.owner = 3, .tif = TimeInForce::Ioc});
  auto fills = of_kind(lift, EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, 60);
  EXPECT_EQ(fills[0].maker_order_id, 3u);
  // A market order's protection stops at the band: the ask at 900 is out of its reach.
  const auto mkt = buy(7, 0, 1, {.owner = 3, .tif = TimeInForce::Ioc, .type = OrderType::Market});
  EXPECT_TRUE(accepted(mkt));
  EXPECT_TRUE(of_kind(mkt, EventKind::Fill).empty());
  // Widened back over the ask: it trades at its price.
  ASSERT_TRUE(accepted(set_params(kCpu, {.band_max = 1000})));
  fills = of_kind(buy(8, 920, 3, {.owner = 3, .tif = TimeInForce::Ioc}), EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, 900);
  // The bid at 50 is still below the band: quantity down at its price keeps it; a new price
  // must be inside the band; cancel works.
  EXPECT_TRUE(accepted(modify(1, 50, 3)));
  EXPECT_EQ(leaves(1), 3);
  EXPECT_EQ(rejected(modify(1, 60, 3)), RejectReason::PriceOutsideBand);
  EXPECT_TRUE(accepted(modify(1, 100, 3)));
  EXPECT_EQ(engine_.order(1)->price, 100);
  EXPECT_TRUE(accepted(cancel(1)));
  EXPECT_TRUE(queue(Side::Buy).empty());
}

TEST_F(SetParamsTest, WindowBooksKeepTheirProductRules) {
  EXPECT_EQ(rejected(set_params(book(w0_ + 1), {.band_max = 500})),
            RejectReason::ScheduledInstrument);
  EXPECT_EQ(engine_.instrument(book(w0_ + 1))->band_max, 1000);
}

TEST_F(SetParamsTest, WideningPastTheArrayReindexesRestingOrders) {
  ASSERT_TRUE(accepted(buy(1, 10, 5)));
  ASSERT_TRUE(accepted(buy(2, 10, 6, {.owner = 2})));
  ASSERT_TRUE(accepted(buy(3, 500, 1)));
  ASSERT_TRUE(accepted(sell(4, 1000, 2, {.owner = 3})));
  const auto before = engine_.state_hash();
  ASSERT_TRUE(accepted(set_params(kCpu, {.band_min = 1, .band_max = 100'000})));
  EXPECT_NE(engine_.state_hash(), before);
  // Same orders, same prices, same FIFO.
  EXPECT_EQ(queue(Side::Buy), (std::vector<OrderId>{3, 1, 2}));
  EXPECT_EQ(engine_.order(1)->price, 10);
  EXPECT_EQ(engine_.order(4)->price, 1000);
  std::vector<LevelView> asks;
  engine_.depth(kCpu, Side::Sell, 10, asks);
  ASSERT_EQ(asks.size(), 1u);
  EXPECT_EQ(asks[0].price, 1000);
  // The new top of the band trades and rests.
  EXPECT_TRUE(accepted(sell(5, 100'000, 1, {.owner = 3})));
  EXPECT_EQ(engine_.order(5)->price, 100'000);
  // Narrowed from below past the array's base, then widened downward: a re-based array.
  ASSERT_TRUE(accepted(set_params(kMem, {.band_min = 4000})));
  ASSERT_TRUE(accepted(buy(10, 4500, 20, {.instrument = kMem})));
  ASSERT_TRUE(accepted(set_params(kMem, {.band_min = 5, .band_max = 9000})));
  EXPECT_EQ(engine_.order(10)->price, 4500);
  EXPECT_TRUE(accepted(buy(11, 5, 20, {.instrument = kMem})));
  const auto fill = sell(12, 5, 30, {.owner = 3, .tif = TimeInForce::Ioc, .instrument = kMem});
  const auto fills = of_kind(fill, EventKind::Fill);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].price, 4500);
  EXPECT_EQ(fills[1].price, 5);
  // Bids 3 (500) and 1, 2 (10) lift from the widened book best first.
  const auto sweep = sell(13, 10, 12, {.owner = 3, .tif = TimeInForce::Ioc});
  const auto sf = of_kind(sweep, EventKind::Fill);
  ASSERT_EQ(sf.size(), 3u);
  EXPECT_EQ(sf[0].maker_order_id, 3u);
  EXPECT_EQ(sf[1].maker_order_id, 1u);
  EXPECT_EQ(sf[2].maker_order_id, 2u);
}

TEST_F(SetParamsTest, ABandThatWouldSpanTooManyLevelsWithRestingOrdersIsRefused) {
  ASSERT_TRUE(accepted(buy(1, 10, 5)));
  const Price far = kMaxBandLevels + 100;
  EXPECT_EQ(rejected(set_params(kCpu, {.band_min = far, .band_max = far + 10})),
            RejectReason::InvalidBand);
  EXPECT_TRUE(accepted(cancel(1)));  // nothing rests: the array moves to the new band
  EXPECT_TRUE(accepted(set_params(kCpu, {.band_min = far, .band_max = far + 10})));
  EXPECT_TRUE(accepted(buy(2, far + 10, 5)));
}

TEST_F(SetParamsTest, StateHashSeesParametersAndSnapshotRestoresThem) {
  ASSERT_TRUE(accepted(buy(1, 20, 5)));
  ASSERT_TRUE(accepted(sell(2, 990, 5, {.owner = 2})));
  ASSERT_TRUE(accepted(set_params(kCpu, {.band_min = 100, .band_max = 1500, .min_qty = 2})));
  const auto h1 = engine_.state_hash();
  // The same command sequence on another engine with only the protection different differs.
  ASSERT_TRUE(accepted(set_params(kCpu, {.protection_ticks = 9})));
  const auto h2 = engine_.state_hash();
  ASSERT_TRUE(accepted(set_params(kCpu, {.protection_ticks = 5})));
  EXPECT_NE(h1, h2);

  EngineSnapshot snap;
  engine_.snapshot(snap);
  Engine back(EngineConfig{1024});
  back.restore(snap);  // throws when the restored hash differs
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
  EXPECT_EQ(back.instrument(kCpu)->band_min, 100);
  EXPECT_EQ(back.instrument(kCpu)->band_max, 1500);
  EXPECT_EQ(back.instrument(kCpu)->min_qty, 2);
  EXPECT_EQ(back.order(1)->price, 20);  // outside the band, still resting
  // Both trade the same afterwards.
  Command c;
  c.kind = CommandKind::NewOrder;
  c.seq = engine_.last_seq() + 1;
  c.new_order =
      NewOrder{3,     kCpu, 5, 0, Side::Buy, OrderType::Limit, TimeInForce::Ioc, StpMode::None,
               false, 1000, 4, 0, 3};
  EventBuffer a;
  EventBuffer b;
  back.apply(c, b);
  engine_.apply(c, a);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_EQ(of_kind(a.to_vector(), EventKind::Fill).size(), 1u);
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
}

TEST_F(SetParamsTest, NoChangeLeavesTheHashOfAnEngineWithoutAdminCommands) {
  // Engines that never saw SetParams hash as before: parameters count once an admin set them.
  Engine other(EngineConfig{16});
  other.add_instrument(spec(kCpu));
  other.add_instrument(spec(kMem));
  other.add_product(hourly());
  EXPECT_EQ(other.state_hash(), engine_.state_hash());
  const auto before = engine_.state_hash();
  ASSERT_TRUE(accepted(set_params(kCpu, {})));  // nothing to change: accepted, and hashed now
  EXPECT_NE(engine_.state_hash(), before);
}

}  // namespace
}  // namespace swarmex::engine::test
