// Frequent batch auctions: operators' SetTradingMode, orders resting until the batch ends, one
// uniform price, pro rata at the margin, IOC / FOK / market orders and STP in a batch, and exact
// replay through the journal and snapshots.
#include <cstring>

#include "auction_fixture.hpp"
#include "snapshot_versions.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::engine::test {
namespace {

TEST_F(AuctionTest, BadModesAreRefusedAndChangeNothing) {
  const std::uint64_t before = engine_.state_hash();
  EXPECT_EQ(rejected(trading_mode(TradingMode::Batch, 0)), RejectReason::InvalidTradingMode);
  EXPECT_EQ(rejected(trading_mode(TradingMode::Batch, -5)), RejectReason::InvalidTradingMode);
  EXPECT_EQ(rejected(trading_mode(TradingMode::Batch, kMaxBatchIntervalNs + 1)),
            RejectReason::InvalidTradingMode);
  EXPECT_EQ(rejected(trading_mode(static_cast<TradingMode>(7), 100 * kMs)),
            RejectReason::InvalidTradingMode);
  EXPECT_EQ(rejected(trading_mode(TradingMode::Batch, 100 * kMs, 999)),
            RejectReason::UnknownInstrument);
  EXPECT_EQ(rejected(trading_mode(TradingMode::Batch, 100 * kMs, kCpu, 0)),
            RejectReason::UnknownCommandOwner);
  EXPECT_TRUE(engine_.auctions().empty());
  EXPECT_NE(engine_.state_hash(), before) << "only the sequence moved";
  // Continuous trading is untouched.
  ASSERT_TRUE(accepted(sell(1, 100, 5, OrderOpts{.owner = 2})));
  EXPECT_EQ(fills(buy(2, 100, 5)).size(), 1u);
}

TEST_F(AuctionTest, CrossingOrdersWaitForTheBatchAndTradeAtOnePrice) {
  time_ns_ = 5 * kMs;
  const auto set = trading_mode(TradingMode::Batch, 100 * kMs);
  ASSERT_TRUE(accepted(set));
  EXPECT_EQ(set[0].order_id, 77u) << "the outcome carries the request id";
  EXPECT_EQ(engine_.auctions().at(kCpu).batch_end_ns, 100 * kMs) << "aligned to the interval";
  time_ns_ = 10 * kMs;
  auto ev = buy(1, 105, 10);
  ASSERT_TRUE(accepted(ev));
  ev = sell(2, 100, 4, OrderOpts{.owner = 2});
  EXPECT_TRUE(fills(ev).empty()) << "no trade on arrival";
  ev = sell(3, 102, 6, OrderOpts{.owner = 3});
  EXPECT_TRUE(fills(ev).empty());
  EXPECT_TRUE(fills(roll_at(99 * kMs)).empty()) << "the batch has not ended";
  ev = roll_at(100 * kMs);
  // Volume 10 at every price of 102..105 with no imbalance: the one nearest the reference (the
  // band's midpoint, 500) wins.
  const auto r = results(ev);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].price, 105);
  EXPECT_EQ(r[0].qty, 10);
  EXPECT_EQ(r[0].leaves_qty, 0);
  EXPECT_EQ(r[0].lease_end_ns, 200 * kMs) << "the next batch's end";
  const auto f = fills(ev);
  ASSERT_EQ(f.size(), 2u);
  for (const Event& e : f) {
    EXPECT_EQ(e.price, 105) << "one uniform price";
    EXPECT_EQ(e.order_id, 1u);
    EXPECT_EQ(e.side, Side::Buy);
  }
  EXPECT_EQ(filled(ev, 2), 4);
  EXPECT_EQ(filled(ev, 3), 6);
  EXPECT_EQ(ev[0].kind, EventKind::AuctionResult) << "the batch clears before the Roll";
  EXPECT_EQ(engine_.auctions().at(kCpu).batch_end_ns, 200 * kMs);
  EXPECT_EQ(engine_.auctions().at(kCpu).last_price, 105);
  // The curves: demand and supply at each level of the crossing range and the price.
  const auto c = curve(ev);
  ASSERT_EQ(c.size(), 3u);  // 100, 102 and 105, the clearing price among them
  EXPECT_EQ(r[0].maker_leaves_qty, 3);
  EXPECT_EQ(c[0].price, 100);
  EXPECT_EQ(c[0].qty, 10);  // demand at 100: every bid
  EXPECT_EQ(c[0].leaves_qty, 4);
  EXPECT_EQ(c[2].price, 105);
  EXPECT_EQ(c[2].leaves_qty, 10);
}

TEST_F(AuctionTest, VolumeThenImbalanceThenReferenceThenLowerPrice) {
  // Levels as (level, bids, asks) on a book of base 1, tick 1: level l is price l + 1.
  using L = AuctionLevel;
  // Most volume: 7 at 100 beats 4 above it.
  std::vector<L> v{{99, 6, 7}, {109, 4, 0}};
  EXPECT_EQ(clear_batch(v, 1, 1, 500).level, 99);
  // Equal volume: the smaller imbalance. At 100: demand 10, supply 5; at 101..: demand 5, supply 5.
  v = {{99, 5, 5}, {100, 5, 0}};
  Clearing c = clear_batch(v, 1, 1, 1);
  EXPECT_EQ(c.level, 100);
  EXPECT_EQ(c.volume, 5);
  // Equal volume and imbalance over 100..110: nearest the reference, between order prices too.
  v = {{99, 0, 5}, {109, 5, 0}};
  EXPECT_EQ(clear_batch(v, 1, 1, 104).level, 103);
  EXPECT_EQ(clear_batch(v, 1, 1, 1).level, 99);
  EXPECT_EQ(clear_batch(v, 1, 1, 9999).level, 109);
  // A reference half-way between two ticks (tick 10): the lower price.
  EXPECT_EQ(clear_batch(v, 0, 10, 1045).level, 104);
  // Nothing crosses: volume 0.
  v = {{99, 5, 0}, {100, 0, 5}};
  EXPECT_EQ(clear_batch(v, 1, 1, 1).volume, 0);
}

TEST_F(AuctionTest, BetterPricesFillFullyAndTheMarginSharesProRataInLots) {
  ASSERT_TRUE(accepted(trading_mode(TradingMode::Batch, 100 * kMs, kMem)));
  const OrderOpts mem{.owner = 1, .instrument = kMem};
  // Asks 130 at 500; bids 80 at 600 (better: full) and 60 + 40 + 20 at 500 (the margin gets 50).
  ASSERT_TRUE(accepted(sell(1, 500, 130, OrderOpts{.owner = 5, .instrument = kMem})));
  ASSERT_TRUE(accepted(buy(13, 500, 20, mem)));  // arrival order does not matter
  ASSERT_TRUE(accepted(buy(11, 500, 60, mem)));
  ASSERT_TRUE(accepted(buy(12, 500, 40, mem)));
  ASSERT_TRUE(accepted(buy(10, 600, 80, mem)));
  const auto ev = roll_at(100 * kMs);
  ASSERT_EQ(results(ev).size(), 1u);
  EXPECT_EQ(results(ev)[0].price, 500);
  EXPECT_EQ(filled(ev, 10), 80);
  // 5 lots over 12 (6, 4, 2): 2.5, 1.67, 0.83 -> floor 2, 1, 0; two lots left go to the largest
  // remainders, 13's (0.83) and 12's (0.67).
  EXPECT_EQ(filled(ev, 11), 20);
  EXPECT_EQ(filled(ev, 12), 20);
  EXPECT_EQ(filled(ev, 13), 10);
  EXPECT_EQ(leaves(11), 40);
  EXPECT_EQ(leaves(13), 10);
  EXPECT_EQ(leaves(1), 0);
  std::vector<Qty> shares;
  pro_rata(std::vector<Qty>{5, 3, 2}, std::vector<OrderId>{3, 2, 1}, 7, &shares);
  EXPECT_EQ(shares, (std::vector<Qty>{4, 2, 1}));
  pro_rata(std::vector<Qty>{1, 1, 1}, std::vector<OrderId>{23, 21, 22}, 2, &shares);
  EXPECT_EQ(shares, (std::vector<Qty>{0, 1, 1})) << "equal remainders: lower ids first";
}

TEST_F(AuctionTest, ImmediateOrdersJoinOneBatchOnly) {
  ASSERT_TRUE(accepted(trading_mode(TradingMode::Batch, 100 * kMs)));
  EXPECT_EQ(rejected(buy(1, 100, 5, OrderOpts{.tif = TimeInForce::Fok})),
            RejectReason::UnsupportedInAuction);
  EXPECT_EQ(rejected(buy(1, 100, 5, OrderOpts{.min_qty = 2})), RejectReason::UnsupportedInAuction);
  ASSERT_TRUE(accepted(sell(2, 100, 3, OrderOpts{.owner = 2})));
  auto ev = buy(3, 101, 5, OrderOpts{.tif = TimeInForce::Ioc});
  ASSERT_TRUE(accepted(ev));
  EXPECT_TRUE(of_kind(ev, EventKind::Cancelled).empty()) << "it waits for the batch";
  ev = buy(4, 0, 2, OrderOpts{.owner = 4, .tif = TimeInForce::Ioc, .type = OrderType::Market});
  ASSERT_TRUE(accepted(ev));
  ASSERT_TRUE(engine_.order(4).has_value());
  EXPECT_EQ(engine_.order(4)->price, 1000) << "a market bid joins at the band's top";
  ev = roll_at(100 * kMs);
  EXPECT_EQ(filled(ev, 2), 3);
  const auto cancels = of_kind(ev, EventKind::Cancelled);
  Qty ioc_left = 0;
  for (const Event& e : cancels) {
    EXPECT_EQ(e.reason, static_cast<std::uint8_t>(CancelReason::IocRemainder));
    ioc_left += e.qty;
  }
  EXPECT_EQ(ioc_left, 4) << "7 wanted, 3 sold: the rest is cancelled after the batch";
  EXPECT_EQ(engine_.resting_orders(), 0u);
}

TEST_F(AuctionTest, SelfTradePreventionAppliesOnEntry) {
  ASSERT_TRUE(accepted(trading_mode(TradingMode::Batch, 100 * kMs)));
  ASSERT_TRUE(accepted(sell(1, 100, 5)));
  auto ev = buy(2, 101, 5, OrderOpts{.stp = StpMode::CancelNewest});
  ASSERT_EQ(of_kind(ev, EventKind::Cancelled).size(), 1u);
  EXPECT_EQ(ev.back().reason, static_cast<std::uint8_t>(CancelReason::SelfTrade));
  ev = buy(3, 101, 5, OrderOpts{.stp = StpMode::CancelOldest});
  ASSERT_EQ(of_kind(ev, EventKind::Cancelled).size(), 1u);
  EXPECT_EQ(of_kind(ev, EventKind::Cancelled)[0].order_id, 1u);
  EXPECT_TRUE(engine_.order(3).has_value());
  EXPECT_TRUE(fills(roll_at(100 * kMs)).empty()) << "no own order left to meet";
}

TEST_F(AuctionTest, BackToContinuousClearsWhatWasCollected) {
  ASSERT_TRUE(accepted(trading_mode(TradingMode::Batch, 100 * kMs)));
  ASSERT_TRUE(accepted(sell(1, 100, 5, OrderOpts{.owner = 2})));
  ASSERT_TRUE(accepted(buy(2, 110, 3)));
  const auto ev = trading_mode(TradingMode::Continuous, 0);
  ASSERT_TRUE(accepted(ev));
  EXPECT_EQ(results(ev).size(), 1u);
  EXPECT_EQ(filled(ev, 2), 3);
  EXPECT_EQ(fills(buy(3, 100, 2)).size(), 1u) << "continuous again: it trades on arrival";
  EXPECT_EQ(engine_.auctions().at(kCpu).mode, TradingMode::Continuous);
}

TEST_F(AuctionTest, JournalReplayAndSnapshotsGiveTheSameState) {
  std::vector<Command> log;
  const auto record = [&](Command c) {
    c.seq = seq_ + 1;
    if (c.time_ns == 0) c.time_ns = time_ns_;
    std::uint8_t buf[journal::kMaxRecordBytes];
    const std::size_t n = journal::encode_record(c, buf);
    Command back;
    std::size_t len = 0;
    EXPECT_EQ(journal::decode_record({buf, n}, &back, &len), journal::DecodeStatus::Ok);
    log.push_back(back);
    return apply(c);
  };
  Command mode;
  mode.kind = CommandKind::SetTradingMode;
  mode.trading_mode = SetTradingMode{kCpu, 9, 1, TradingMode::Batch, 50 * kMs};
  record(mode);
  Command brk;
  brk.kind = CommandKind::SetBreaker;
  brk.breaker = SetBreaker{kCpu, 9, 2, true, 300, 1000 * kMs, 20 * kMs};
  record(brk);
  for (OrderId id = 1; id <= 12; ++id) {
    time_ns_ = static_cast<std::int64_t>(id) * 13 * kMs;
    Command o;
    o.kind = CommandKind::NewOrder;
    const Side side = id % 2 == 0 ? Side::Buy : Side::Sell;
    o.new_order = NewOrder{id,
                           kCpu,
                           static_cast<OwnerId>(id % 3 + 1),
                           side == Side::Sell ? 100 : 0u,
                           side,
                           OrderType::Limit,
                           id % 5 == 0 ? TimeInForce::Ioc : TimeInForce::Gtc,
                           StpMode::None,
                           false,
                           static_cast<Price>(95 + (id * 7) % 11),
                           static_cast<Qty>(id % 4 + 1),
                           0,
                           id};
    record(o);
  }
  EngineSnapshot snap;
  engine_.snapshot(snap);
  ASSERT_FALSE(snap.auctions.empty());
  const auto image = journal::decode_snapshot(journal::encode_snapshot(snap));
  ASSERT_TRUE(image.has_value());
  ASSERT_EQ(image->auctions.size(), 1u);
  EXPECT_EQ(image->auctions[0].state, engine_.auctions().at(kCpu));

  Engine replayed(EngineConfig{1024});
  Engine restored(EngineConfig{1024});
  for (const InstrumentId id : engine_.instruments())
    replayed.add_instrument(*engine_.instrument(id));
  EventBuffer sink;
  for (const Command& c : log)
    replayed.apply(c, sink);
  EXPECT_EQ(replayed.state_hash(), engine_.state_hash());
  restored.restore(*image);
  EXPECT_EQ(restored.state_hash(), engine_.state_hash());
  // The next batch clears alike in all three.
  time_ns_ = 400 * kMs;
  Command roll;
  roll.kind = CommandKind::Roll;
  roll.seq = seq_ + 1;
  roll.time_ns = time_ns_;
  const auto want = apply(roll);
  EventBuffer a, b;
  replayed.apply(roll, a);
  restored.apply(roll, b);
  EXPECT_EQ(a.to_vector(), want);
  EXPECT_EQ(b.to_vector(), want);
  EXPECT_EQ(restored.state_hash(), engine_.state_hash());
}

TEST_F(AuctionTest, VersionNineSnapshotsStillLoad) {
  ASSERT_TRUE(accepted(sell(1, 100, 5, OrderOpts{.owner = 2})));
  EngineSnapshot snap;
  engine_.snapshot(snap);
  ASSERT_TRUE(snap.auctions.empty());
  const std::vector<std::uint8_t> v10 = journal::encode_snapshot(snap);
  const std::vector<std::uint8_t> v9 = as_version_9(v10);
  const auto old = journal::decode_snapshot(v9);
  ASSERT_TRUE(old.has_value());
  Engine back(EngineConfig{1024});
  back.restore(*old);
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
  EXPECT_FALSE(journal::decode_snapshot(std::vector<std::uint8_t>(v9.begin(), v9.end() - 1)));
}

}  // namespace
}  // namespace swarmex::engine::test
