// GTD orders expire at the first command at or after their time, before it applies; Day orders
// end at the operator's EndDay (spot) or at gate closure (window books).
#include <cstring>

#include "order_terms_fixture.hpp"
#include "snapshot_versions.hpp"

namespace swarmex::engine::test {
namespace {

class GtdTest : public OrderTermsTest {
 protected:
  GtdTest() { time_ns_ = kBase; }
};

TEST_F(GtdTest, ExpiresExactlyAtItsTimeOnASequencedCommand) {
  const std::int64_t expiry = kBase + 5'000;
  ASSERT_TRUE(accepted(gtd(1, Side::Buy, 100, 5, expiry)));
  EXPECT_TRUE(cancels(tick(expiry - 1)).empty()) << "one nanosecond early: still resting";
  EXPECT_EQ(leaves(1), 5);
  const auto ev = tick(expiry);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].kind, EventKind::Accepted) << "the command's outcome comes first";
  EXPECT_EQ(ev[0].command, CommandKind::Roll);
  EXPECT_EQ(ev[1].kind, EventKind::Cancelled);
  EXPECT_EQ(ev[1].reason, static_cast<std::uint8_t>(CancelReason::Expired));
  EXPECT_EQ(ev[1].order_id, 1u);
  EXPECT_EQ(ev[1].qty, 5);
  EXPECT_EQ(ev[2].kind, EventKind::BookLevel);
  EXPECT_EQ(ev[2].qty, 0);
  EXPECT_EQ(leaves(1), 0);
  EXPECT_TRUE(engine_.order_terms().empty());
}

TEST_F(GtdTest, ExpiryTakesEffectBeforeTheCommandThatReachesIt) {
  ASSERT_TRUE(accepted(gtd(1, Side::Sell, 100, 5, kBase + 10, 2)));
  time_ns_ = kBase + 10;
  const auto ev = buy(2, 100, 3);
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[0].order_id, 2u);
  EXPECT_TRUE(of_kind(ev, EventKind::Fill).empty()) << "an expired ask does not trade";
  ASSERT_EQ(cancels(ev).size(), 1u);
  EXPECT_EQ(cancels(ev)[0].order_id, 1u);
  EXPECT_EQ(leaves(2), 3);
}

TEST_F(GtdTest, DueOrdersExpireByTimeThenOrderId) {
  ASSERT_TRUE(accepted(gtd(3, Side::Buy, 100, 1, kBase + 60)));
  ASSERT_TRUE(accepted(gtd(1, Side::Buy, 101, 1, kBase + 60)));
  ASSERT_TRUE(accepted(gtd(2, Side::Buy, 102, 1, kBase + 50)));
  ASSERT_TRUE(accepted(gtd(4, Side::Buy, 103, 1, kBase + 70)));
  const auto c = cancels(tick(kBase + 65));
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].order_id, 2u);
  EXPECT_EQ(c[1].order_id, 1u);
  EXPECT_EQ(c[2].order_id, 3u);
  EXPECT_EQ(leaves(4), 1);
}

TEST_F(GtdTest, ExpiryInThePastOrMissingIsRefused) {
  EXPECT_EQ(rejected(gtd(1, Side::Buy, 100, 5, kBase)), RejectReason::ExpireTimeInPast);
  EXPECT_EQ(rejected(gtd(2, Side::Buy, 100, 5, kBase - 1)), RejectReason::ExpireTimeInPast);
  EXPECT_EQ(rejected(gtd(3, Side::Buy, 100, 5, 0)), RejectReason::InvalidTimeInForce);
  EXPECT_EQ(rejected(place(4, Side::Buy, 100, 5, {.expire_ns = kBase + 10})),
            RejectReason::InvalidTimeInForce)
      << "an expiry on a GTC order is refused, not ignored";
  EXPECT_EQ(rejected(place(
                5, Side::Buy, 100, 5,
                {.tif = TimeInForce::Gtd, .expire_ns = kBase + 10, .type = OrderType::Market})),
            RejectReason::MarketNotImmediate);
  EXPECT_EQ(engine_.resting_orders(), 0u);
}

TEST_F(GtdTest, PartlyFilledGtdRestsAndExpiresWithItsRemainder) {
  sell(1, 100, 2, {.owner = 2});
  const auto ev = gtd(2, Side::Buy, 100, 5, kBase + 100);
  ASSERT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  EXPECT_EQ(leaves(2), 3);
  const auto c = cancels(tick(kBase + 100));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].qty, 3);
}

TEST_F(GtdTest, SnapshotAndJournalReplayKeepExpiriesAndTheStateHash) {
  ASSERT_TRUE(accepted(gtd(1, Side::Buy, 100, 5, kBase + 100)));
  ASSERT_TRUE(accepted(gtd(2, Side::Buy, 99, 4, kBase + 200)));
  ASSERT_TRUE(accepted(place(3, Side::Buy, 98, 3, {.tif = TimeInForce::Day})));
  ASSERT_TRUE(accepted(place(4, Side::Sell, 120, 10, {.owner = 2, .display = 4})));
  const std::uint64_t hash = engine_.state_hash();
  auto copy = restored();
  EXPECT_EQ(copy->state_hash(), hash);
  EXPECT_EQ(copy->order_terms().all(), engine_.order_terms().all());
  auto replayed = replay();
  EXPECT_EQ(replayed->state_hash(), hash);

  // The same command expires the same order in all three, with the same events.
  Command c;
  c.kind = CommandKind::Roll;
  c.seq = seq_ + 1;
  c.time_ns = kBase + 150;
  EventBuffer a, b, r;
  copy->apply(c, b);
  replayed->apply(c, r);
  const auto live = tick(kBase + 150);
  a.clear();
  for (const Event& e : live)
    a.push(e);
  EXPECT_EQ(b.to_vector(), a.to_vector());
  EXPECT_EQ(r.to_vector(), a.to_vector());
  ASSERT_EQ(cancels(live).size(), 1u);
  EXPECT_EQ(cancels(live)[0].order_id, 1u);
  EXPECT_EQ(copy->state_hash(), engine_.state_hash());
  EXPECT_EQ(replayed->state_hash(), engine_.state_hash());
}

TEST_F(GtdTest, SnapshotsWithoutTheTermsSectionStillLoad) {
  ASSERT_TRUE(accepted(buy(1, 100, 5)));
  EngineSnapshot snap;
  engine_.snapshot(snap);
  const auto v10 = journal::encode_snapshot(snap);
  const auto v9 = as_version_9(v10);
  const auto old = journal::decode_snapshot(v9);
  ASSERT_TRUE(old.has_value());
  Engine back(EngineConfig{1024});
  back.restore(*old);
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
}

TEST_F(GtdTest, TermsChangeTheStateHash) {
  auto plain = std::make_unique<Engine>(EngineConfig{1024});
  ASSERT_TRUE(accepted(gtd(1, Side::Buy, 100, 5, kBase + 100)));
  EngineSnapshot snap;
  engine_.snapshot(snap);
  ASSERT_EQ(snap.order_terms.size(), 1u);
  snap.order_terms[0].second.expire_ns += 1;  // the same book, another expiry
  EXPECT_THROW(plain->restore(snap), std::runtime_error);
}

TEST_F(GtdTest, EndDayCancelsDayOrdersOfSpotInstrumentsOnly) {
  ASSERT_TRUE(accepted(place(1, Side::Buy, 100, 5, {.tif = TimeInForce::Day})));
  ASSERT_TRUE(accepted(buy(2, 100, 5)));  // GTC
  ASSERT_TRUE(
      accepted(place(3, Side::Buy, 200, 20, {.tif = TimeInForce::Day, .instrument = kMem})));
  auto ev = end_day(kCpu);
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[0].order_id, 77u) << "the request's id";
  auto c = cancels(ev);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].order_id, 1u);
  EXPECT_EQ(c[0].reason, static_cast<std::uint8_t>(CancelReason::DayEnd));
  EXPECT_EQ(of_kind(ev, EventKind::BookLevel).back().qty, 5) << "the GTC bid stays";
  EXPECT_EQ(leaves(3), 20);
  c = cancels(end_day(kAllInstruments));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].order_id, 3u);
  EXPECT_EQ(leaves(2), 5);
}

TEST_F(GtdTest, DayOrderOnAWindowBookEndsAtGateClosure) {
  roll(kBase);
  const InstrumentId w = book(w0_ + 1);
  ASSERT_TRUE(accepted(place(1, Side::Buy, 100, 5, {.tif = TimeInForce::Day, .instrument = w})));
  EXPECT_TRUE(cancels(end_day(kAllInstruments)).empty()) << "a window's day is its window";
  EXPECT_TRUE(cancels(end_day(w)).empty());
  EXPECT_EQ(leaves(1), 5);
  const auto c = cancels(roll(kBase + kHour - 5 * kMinute));  // gate closure of w0_ + 1
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].reason, static_cast<std::uint8_t>(CancelReason::GateClosed));
}

TEST_F(GtdTest, EndDayNeedsAnOwnerAndAKnownInstrument) {
  EXPECT_EQ(rejected(end_day(kCpu, 0)), RejectReason::UnknownCommandOwner);
  EXPECT_EQ(rejected(end_day(999)), RejectReason::UnknownInstrument);
}

}  // namespace
}  // namespace swarmex::engine::test
