// Circuit breakers: a trade that would move the price further than allowed from the window's
// reference halts the instrument instead; orders rest during the cool-off; trading resumes
// through one auction; snapshots and replay keep all of it.
#include "auction_fixture.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::engine::test {
namespace {

class BreakerTest : public AuctionTest {
 protected:
  // A 5% breaker over 1 s with a 200 ms cool-off, a trade at 100 at 10 ms (the reference), and
  // asks of 5 at 104 and 108.
  void SetUp() override {
    time_ns_ = 10 * kMs;
    ASSERT_TRUE(accepted(breaker(500, 1000 * kMs, 200 * kMs)));
    ASSERT_TRUE(accepted(sell(1, 100, 5, OrderOpts{.owner = 2})));
    ASSERT_EQ(fills(buy(2, 100, 5)).size(), 1u);
    ASSERT_TRUE(accepted(sell(3, 104, 5, OrderOpts{.owner = 2})));
    ASSERT_TRUE(accepted(sell(4, 108, 5, OrderOpts{.owner = 3})));
  }
  static std::vector<Event> states(const std::vector<Event>& ev) {
    return of_kind(ev, EventKind::InstrumentState);
  }
};

TEST_F(BreakerTest, BadBreakersAreRefused) {
  EXPECT_EQ(rejected(breaker(0, 1000 * kMs, 0)), RejectReason::InvalidBreaker);
  EXPECT_EQ(rejected(breaker(500, 0, 0)), RejectReason::InvalidBreaker);
  EXPECT_EQ(rejected(breaker(500, 1000 * kMs, -1)), RejectReason::InvalidBreaker);
  EXPECT_EQ(rejected(breaker(kMaxBreakerBps + 1, 1000 * kMs, 0)), RejectReason::InvalidBreaker);
  EXPECT_EQ(rejected(breaker(500, 1000 * kMs, 0, true, 999)), RejectReason::UnknownInstrument);
  EXPECT_EQ(engine_.auctions().at(kCpu).max_move_bps, 500) << "the breaker in force stays";
  EXPECT_TRUE(accepted(breaker(0, 0, 0, false))) << "off needs no numbers";
  EXPECT_EQ(engine_.auctions().at(kCpu).max_move_bps, 0);
}

TEST_F(BreakerTest, ABreachHaltsInsteadOfTradingAndResumesThroughAnAuction) {
  auto ev = buy(5, 110, 20);
  const auto f = fills(ev);
  ASSERT_EQ(f.size(), 1u) << "104 is within 5% of 100; 108 is not";
  EXPECT_EQ(f[0].price, 104);
  const auto s = states(ev);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].qty, 1) << "halted";
  EXPECT_EQ(s[0].reason, static_cast<std::uint8_t>(StateCause::Breaker));
  EXPECT_EQ(s[0].price, 100) << "the reference";
  EXPECT_EQ(s[0].leaves_qty, 108) << "the refused trade's price";
  EXPECT_EQ(s[0].lease_end_ns, 210 * kMs) << "resumes after the cool-off";
  EXPECT_EQ(s[0].order_id, 5u);
  EXPECT_EQ(s[0].owner, 1u);
  EXPECT_EQ(leaves(5), 15) << "a GTC remainder rests";
  EXPECT_EQ(leaves(4), 5) << "the ask at 108 did not trade";

  // Halted: orders rest, nothing matches, IOC orders wait for the resumption auction.
  time_ns_ = 50 * kMs;
  ev = sell(6, 90, 2, OrderOpts{.owner = 3});
  ASSERT_TRUE(accepted(ev));
  EXPECT_TRUE(fills(ev).empty());
  EXPECT_EQ(rejected(buy(7, 110, 1, OrderOpts{.tif = TimeInForce::Fok})),
            RejectReason::UnsupportedInAuction);
  EXPECT_TRUE(fills(roll_at(209 * kMs)).empty());

  ev = roll_at(210 * kMs);
  const auto r = results(ev);
  ASSERT_EQ(r.size(), 1u);
  // 7 trade anywhere in 108..110 (2 below): the price nearest the last trade, 104.
  EXPECT_EQ(r[0].price, 108);
  EXPECT_EQ(r[0].qty, 7);
  for (const Event& e : fills(ev))
    EXPECT_EQ(e.price, 108);
  EXPECT_EQ(filled(ev, 5), 7);
  const auto resumed = states(ev);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].qty, 0) << "resumed";
  EXPECT_FALSE(engine_.auctions().at(kCpu).breaker_halted);
  EXPECT_EQ(engine_.auctions().at(kCpu).reference, 108) << "the auction's price is the reference";
  // Continuous again: a crossing order trades on arrival.
  EXPECT_EQ(fills(sell(8, 108, 3, OrderOpts{.owner = 2})).size(), 1u);
}

TEST_F(BreakerTest, AnImmediateOrderEndsAtTheBreach) {
  const auto ev = buy(5, 110, 20, OrderOpts{.tif = TimeInForce::Ioc});
  EXPECT_EQ(filled(ev, 5), 5);
  ASSERT_EQ(states(ev).size(), 1u);
  const auto c = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].qty, 15);
  EXPECT_EQ(c[0].reason, static_cast<std::uint8_t>(CancelReason::IocRemainder));
}

TEST_F(BreakerTest, FokCountsOnlyWhatTradesWithinTheBand) {
  const auto ev = buy(5, 110, 10, OrderOpts{.tif = TimeInForce::Fok});
  EXPECT_TRUE(fills(ev).empty());
  EXPECT_TRUE(states(ev).empty()) << "refused as unfillable, not a halt";
  EXPECT_EQ(of_kind(ev, EventKind::Cancelled)[0].reason,
            static_cast<std::uint8_t>(CancelReason::FokUnfillable));
  EXPECT_EQ(filled(buy(6, 110, 5, OrderOpts{.tif = TimeInForce::Fok}), 6), 5);
}

TEST_F(BreakerTest, AWindowThatEndedOpensANewOne) {
  time_ns_ = 1010 * kMs;  // the window of the trade at 10 ms has ended
  auto ev = buy(5, 110, 10);
  EXPECT_EQ(filled(ev, 5), 10) << "104 opens a new window; 108 is within 5% of 104";
  EXPECT_TRUE(states(ev).empty());
  EXPECT_EQ(engine_.auctions().at(kCpu).reference, 104);
}

TEST_F(BreakerTest, SnapshotAndJournalCarryAHalt) {
  ASSERT_EQ(states(buy(5, 110, 20)).size(), 1u);
  EngineSnapshot snap;
  engine_.snapshot(snap);
  const auto image = journal::decode_snapshot(journal::encode_snapshot(snap));
  ASSERT_TRUE(image.has_value());
  Engine restored(EngineConfig{1024});
  restored.restore(*image);
  EXPECT_EQ(restored.state_hash(), engine_.state_hash());
  ASSERT_TRUE(restored.auctions().at(kCpu).breaker_halted);
  Command roll;
  roll.kind = CommandKind::Roll;
  roll.seq = seq_ + 1;
  roll.time_ns = 300 * kMs;
  EventBuffer b;
  restored.apply(roll, b);
  const auto want = roll_at(300 * kMs);
  EXPECT_EQ(b.to_vector(), want);
  EXPECT_EQ(restored.state_hash(), engine_.state_hash());

  Command c;
  c.kind = CommandKind::SetBreaker;
  c.seq = 9;
  c.breaker = SetBreaker{kCpu, 4, 5, true, 250, 7 * kMs, 3 * kMs};
  std::uint8_t buf[journal::kMaxRecordBytes];
  const std::size_t n = journal::encode_record(c, buf);
  Command back;
  std::size_t len = 0;
  ASSERT_EQ(journal::decode_record({buf, n}, &back, &len), journal::DecodeStatus::Ok);
  EXPECT_EQ(back.breaker.max_move_bps, 250);
  EXPECT_EQ(back.breaker.cooloff_ns, 3 * kMs);
  EXPECT_EQ(routing_instrument(back), kCpu);
}

}  // namespace
}  // namespace swarmex::engine::test
