// Pool pricing in the engine: curves checked and evaluated in integers, pegged asks repriced in
// the step that moves their pool's utilisation (keeping time priority when their price holds),
// incentives announced and withdrawn on sequenced time, and all of it in snapshots, journal
// records and the state hash.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"
#include "swarmex/engine/pricing.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::engine::test {
namespace {

constexpr HostId kHost = 102;  // owner 2's host (EngineTest::sell)
constexpr std::int64_t kSecond = 1'000'000'000;

PricingPolicy kinked(std::uint32_t high_ppm = 3 * kPpm) {  // flat to 50 %, then steep
  PricingPolicy p;
  p.points = 3;
  p.curve[0] = {0, kPpm};
  p.curve[1] = {kPpm / 2, kPpm};
  p.curve[2] = {kPpm, high_ppm};
  return p;
}

class PricingTest : public EngineTest {
 protected:
  std::vector<Event> supply(Qty capacity, HostId host = kHost, OwnerId owner = 2,
                            InstrumentId instrument = kCpu) {
    Command c;
    c.kind = CommandKind::SetSupply;
    c.supply = SupplyCapacity{owner, host, instrument, capacity};
    return apply(c);
  }
  std::vector<Event> pricing(const PricingPolicy& p, InstrumentId instrument = kCpu) {
    Command c;
    c.kind = CommandKind::SetPricing;
    c.pricing = SetPricing{9, instrument, 77, p};
    return apply(c);
  }
  std::vector<Event> pegged(OrderId id, Price base, Qty qty, OwnerId owner = 2, HostId host = kHost,
                            Side side = Side::Sell) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order =
        NewOrder{id,    kCpu, owner, host, side, OrderType::Limit, TimeInForce::Gtc, StpMode::None,
                 false, base, qty,   0,    id};
    c.new_order.pegged = true;
    return apply(c);
  }
  std::vector<Event> roll(std::int64_t time_ns) {
    Command c;
    c.kind = CommandKind::Roll;
    c.time_ns = time_ns;
    return apply(c);
  }
  Price price_of(OrderId id) {
    const auto o = engine_.order(id);
    return o ? o->price : 0;
  }
};

TEST(PricingCurveTest, ChecksOrderMonotonyRangeAndBand) {
  EXPECT_EQ(check_policy(kinked(), 1, 1000), RejectReason::None);
  PricingPolicy falling = kinked();
  falling.curve[2].multiplier_ppm = kPpm / 2;
  EXPECT_EQ(check_policy(falling, 1, 1000), RejectReason::InvalidCurve);
  PricingPolicy unordered = kinked();
  unordered.curve[1].utilisation_ppm = 0;
  EXPECT_EQ(check_policy(unordered, 1, 1000), RejectReason::InvalidCurve);
  PricingPolicy past_one = kinked();
  past_one.curve[2].utilisation_ppm = kPpm + 1;
  EXPECT_EQ(check_policy(past_one, 1, 1000), RejectReason::InvalidCurve);
  // x3 across a band of x2: no base keeps both ends inside.
  EXPECT_EQ(check_policy(kinked(), 100, 200), RejectReason::InvalidCurve);
  EXPECT_EQ(check_policy(kinked(), 100, 300), RejectReason::None);
  PricingPolicy none;
  EXPECT_EQ(check_policy(none, 1, 1000), RejectReason::InvalidCurve);
  PricingPolicy cut = kinked();
  cut.idle_after_ns = kSecond;  // incentives need a validity
  EXPECT_EQ(check_policy(cut, 1, 1000), RejectReason::InvalidParameter);
}

TEST(PricingCurveTest, InterpolatesAndQuantisesInsideTheBand) {
  const PricingPolicy p = kinked();
  EXPECT_EQ(multiplier_at(p, 0), kPpm);
  EXPECT_EQ(multiplier_at(p, kPpm / 2), kPpm);
  EXPECT_EQ(multiplier_at(p, 800'000), 2'200'000u);  // 1 + 2 x 0.3 / 0.5
  EXPECT_EQ(multiplier_at(p, kPpm), 3 * kPpm);
  EXPECT_EQ(multiplier_at(PricingPolicy{}, 123), kPpm);  // no curve: flat
  EXPECT_EQ(pegged_price(100, 2'200'000, 1, 1, 1000), 220);
  EXPECT_EQ(pegged_price(100, 1'234'567, 5, 5, 1000), 125);  // 123.46 to the nearest 5
  EXPECT_EQ(pegged_price(100, 1'225'000, 5, 5, 1000), 125);  // 122.5: halves up
  EXPECT_EQ(pegged_price(900, 3 * kPpm, 1, 1, 1000), 1000);  // kept inside the band
  EXPECT_EQ(pegged_price(1, kPpm / 10, 1, 5, 1000), 5);
  EXPECT_EQ(utilisation_ppm(3, 10), 300'000u);
  EXPECT_EQ(utilisation_ppm(12, 10), kPpm);
  EXPECT_EQ(utilisation_ppm(1, 0), 0u);
}

TEST_F(PricingTest, APeggedAskFollowsItsPoolsUtilisationInTheSameStep) {
  ASSERT_TRUE(accepted(supply(10)));
  ASSERT_TRUE(accepted(pricing(kinked())));
  ASSERT_TRUE(accepted(pegged(1, 100, 10)));
  EXPECT_EQ(price_of(1), 100);
  // 5 of 10 sold: u = 50 %, still on the flat part.
  auto ev = buy(2, 500, 5);
  EXPECT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  EXPECT_TRUE(of_kind(ev, EventKind::Modified).empty()) << "its price holds";
  EXPECT_EQ(price_of(1), 100);
  // 8 of 10: u = 80 %, f = 2.2, in the step of the fill itself.
  ev = buy(3, 500, 3);
  const auto moved = of_kind(ev, EventKind::Modified);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].order_id, 1u);
  EXPECT_EQ(moved[0].reason, static_cast<std::uint8_t>(CancelReason::Repriced));
  EXPECT_EQ(moved[0].price, 220);
  EXPECT_EQ(price_of(1), 220);
  EXPECT_EQ(leaves(1), 2);
  // The operator flattens the curve: it goes back to its base.
  PricingPolicy flat;
  flat.points = 1;
  flat.curve[0] = {0, kPpm};
  ev = pricing(flat);
  ASSERT_TRUE(accepted(ev));
  EXPECT_EQ(price_of(1), 100);
}

TEST_F(PricingTest, AnAskWhosePriceHoldsKeepsItsTimePriority) {
  ASSERT_TRUE(accepted(supply(20)));
  ASSERT_TRUE(accepted(supply(20, 103, 3)));
  ASSERT_TRUE(accepted(pricing(kinked())));
  ASSERT_TRUE(accepted(pegged(1, 100, 20)));
  ASSERT_TRUE(accepted(pegged(2, 100, 20, 3, 103)));
  const Seq before = engine_.order(2)->priority_seq;
  ASSERT_EQ(of_kind(buy(3, 500, 3), EventKind::Fill).size(), 1u);  // u 7.5 %: nothing moves
  EXPECT_EQ(engine_.order(2)->priority_seq, before);
  EXPECT_EQ(queue(Side::Sell), (std::vector<OrderId>{1, 2}));
  // 23 of 40 sold: u 57.5 %, f 1.3. The ask left moves and queues again.
  ASSERT_EQ(of_kind(buy(4, 500, 20), EventKind::Fill).size(), 2u);
  EXPECT_EQ(price_of(2), 130);
  EXPECT_GT(engine_.order(2)->priority_seq, before);
}

TEST_F(PricingTest, OnlyHostsPegAsks) {
  ASSERT_TRUE(accepted(supply(10)));
  EXPECT_EQ(rejected(pegged(1, 100, 5, 1, 0)), RejectReason::PeggedNotHostAsk);  // a tenant
  EXPECT_EQ(rejected(pegged(2, 100, 5, 2, kHost, Side::Buy)), RejectReason::PeggedNotHostAsk);
  EXPECT_EQ(rejected(pegged(3, 0, 5)), RejectReason::InvalidPrice);
  PricingPolicy falling = kinked();
  falling.curve[2].multiplier_ppm = kPpm / 2;
  EXPECT_EQ(rejected(pricing(falling)), RejectReason::InvalidCurve);
  // mem's band is 100 .. 5000: x100 cannot stay inside it.
  EXPECT_EQ(rejected(pricing(kinked(100 * kPpm), kMem)), RejectReason::InvalidCurve);
  EXPECT_TRUE(engine_.pricing().empty()) << "a refused command changes nothing";
}

TEST_F(PricingTest, IncentivesFollowSequencedTime) {
  ASSERT_TRUE(accepted(supply(10)));
  PricingPolicy p = kinked();
  p.target_ppm = kPpm / 2;
  p.idle_after_ns = 10 * kSecond;
  p.cut_ppm = 200'000;
  p.valid_ns = 60 * kSecond;
  ASSERT_TRUE(accepted(pricing(p)));
  // Idle since the policy came (time 0).
  EXPECT_TRUE(of_kind(roll(1 * kSecond), EventKind::Incentive).empty());
  EXPECT_TRUE(of_kind(roll(9 * kSecond), EventKind::Incentive).empty()) << "idle 9 s only";
  auto on = of_kind(roll(11 * kSecond), EventKind::Incentive);
  ASSERT_EQ(on.size(), 1u);
  EXPECT_EQ(on[0].qty, 1);
  EXPECT_EQ(on[0].price, 200'000);
  EXPECT_EQ(on[0].instrument, kCpu);
  EXPECT_EQ(on[0].lease_end_ns, 71 * kSecond);
  EXPECT_TRUE(of_kind(roll(12 * kSecond), EventKind::Incentive).empty()) << "announced once";
  // Demand comes back: 6 of 10 sold withdraws it in the step of the fill.
  time_ns_ = 13 * kSecond;
  ASSERT_TRUE(accepted(sell(5, 100, 10, OrderOpts{.owner = 2})));
  const auto off =
      of_kind(buy(6, 100, 6, OrderOpts{.tif = TimeInForce::Ioc}), EventKind::Incentive);
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].qty, 0);
  EXPECT_GE(off[0].leaves_qty, 600'000);
}

TEST_F(PricingTest, SnapshotsAndJournalRecordsCarryPricing) {
  ASSERT_TRUE(accepted(supply(10)));
  PricingPolicy p = kinked();
  p.target_ppm = 300'000;
  p.idle_after_ns = kSecond;
  p.cut_ppm = 100'000;
  p.valid_ns = kSecond;
  ASSERT_TRUE(accepted(pricing(p)));
  ASSERT_TRUE(accepted(pegged(1, 100, 10)));
  ASSERT_FALSE(of_kind(buy(2, 500, 6), EventKind::Fill).empty());
  const Price moved = price_of(1);
  EXPECT_GT(moved, 100);

  EngineSnapshot snap;
  engine_.snapshot(snap);
  const auto image = journal::decode_snapshot(journal::encode_snapshot(snap));
  ASSERT_TRUE(image.has_value());
  Engine back(EngineConfig{1024});
  back.restore(*image);
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
  // The same next command reprices both the same way.
  Command c;
  c.kind = CommandKind::NewOrder;
  c.seq = ++seq_;
  c.new_order =
      NewOrder{3,     kCpu, 1, 0, Side::Buy, OrderType::Limit, TimeInForce::Ioc, StpMode::None,
               false, 1000, 2, 0, 3};
  EventBuffer a, b;
  engine_.apply(c, a);
  back.apply(c, b);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
  EXPECT_GT(back.order(1)->price, moved);

  // Journal records: SetPricing and a pegged order decode as they were written.
  Command sp;
  sp.kind = CommandKind::SetPricing;
  sp.seq = 5;
  sp.pricing = SetPricing{9, kCpu, 77, p};
  Command po;
  po.kind = CommandKind::NewOrder;
  po.seq = 6;
  po.new_order =
      NewOrder{8,    kCpu, 2, kHost, Side::Sell, OrderType::Limit, TimeInForce::Gtc, StpMode::None,
               true, 150,  3, 0,     8};
  po.new_order.pegged = true;
  for (const Command& cmd : {sp, po}) {
    std::uint8_t buf[journal::kMaxRecordBytes];
    const std::size_t n = journal::encode_record(cmd, buf);
    Command out;
    std::size_t len = 0;
    ASSERT_EQ(journal::decode_record({buf, n}, &out, &len), journal::DecodeStatus::Ok);
    EXPECT_EQ(out.kind, cmd.kind);
    if (cmd.kind == CommandKind::SetPricing) {
      EXPECT_EQ(out.pricing.policy, p);
      EXPECT_EQ(out.pricing.request_id, 77u);
    } else {
      EXPECT_TRUE(out.new_order.pegged);
      EXPECT_TRUE(out.new_order.post_only);
      EXPECT_EQ(out.new_order.price, 150);
    }
  }
}

}  // namespace
}  // namespace swarmex::engine::test
