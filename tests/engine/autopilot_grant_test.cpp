// Autopilot grants in the engine: an agent's order for a tenant passes only within the tenant's
// grant (resource, pool, product, unit price, spend per hour); withdrawing the grant cancels the
// agent's resting bids and nothing of the tenant's own; fills name the agent's side; snapshots
// and the journal carry grants.
#include <gtest/gtest.h>

#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "window_fixture.hpp"

namespace swarmex::engine::test {
namespace {

constexpr OwnerId kTenant = 1;
constexpr OwnerId kHostOwner = 2;  // sells as host 102
constexpr OwnerId kAgent = 9;

class AutopilotGrantTest : public WindowTest {
 protected:
  AutopilotGrantTest() { roll(kBase); }

  std::vector<Event> grant(bool on, Price max_price = 20, Price budget = 100,
                           std::int64_t window_ns = kHour, std::int64_t time_ns = kBase) {
    Command c;
    c.kind = CommandKind::Autopilot;
    c.autopilot =
        AutopilotGrant{kTenant, book(w0_ + 1), 77, on, max_price, budget, window_ns, 940'000};
    return at(time_ns, c);
  }
  std::vector<Event> agent_bid(OrderId id, std::int64_t w, Price price, Qty qty,
                               std::int64_t time_ns = kBase, Side side = Side::Buy) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order = NewOrder{id,
                           book(w),
                           kTenant,
                           0,
                           side,
                           OrderType::Limit,
                           TimeInForce::Gtc,
                           StpMode::None,
                           false,
                           price,
                           qty,
                           0,
                           id,
                           kAgent};
    return at(time_ns, c);
  }
};

TEST_F(AutopilotGrantTest, WithoutAGrantTheAgentCannotBuyForTheTenant) {
  EXPECT_EQ(rejected(agent_bid(1, w0_ + 1, 10, 1)), RejectReason::NotOptedIn);
  ASSERT_TRUE(accepted(grant(true, 20, 100, 2 * kHour)));  // granted another product only
  EXPECT_EQ(rejected(agent_bid(2, w0_ + 1, 10, 1)), RejectReason::NotOptedIn);
  ASSERT_TRUE(accepted(grant(true)));
  EXPECT_EQ(rejected(agent_bid(3, w0_ + 1, 10, 1, kBase, Side::Sell)), RejectReason::NotOptedIn)
      << "the agent buys; it sells only through resale";
  const auto ok = agent_bid(4, w0_ + 1, 10, 1);
  ASSERT_TRUE(accepted(ok));
  EXPECT_EQ(ok[0].agent, kByAgent);
  EXPECT_EQ(ok[0].owner, kTenant);
}

TEST_F(AutopilotGrantTest, PriceAndSpendPerHourBoundTheAgent) {
  ASSERT_TRUE(accepted(grant(true, 20, 100)));
  EXPECT_EQ(rejected(agent_bid(1, w0_ + 1, 21, 1)), RejectReason::OverPrice);
  ASSERT_TRUE(accepted(agent_bid(2, w0_ + 1, 20, 4)));  // 80 of 100 this hour
  EXPECT_EQ(rejected(agent_bid(3, w0_ + 2, 20, 2)), RejectReason::OverBudget);
  ASSERT_TRUE(accepted(agent_bid(4, w0_ + 2, 10, 2)));  // exactly 100
  EXPECT_EQ(rejected(agent_bid(5, w0_ + 2, 1, 1)), RejectReason::OverBudget);
  // The next hour of sequence time starts from nothing.
  roll(kBase + kHour);
  ASSERT_TRUE(accepted(agent_bid(6, w0_ + 3, 20, 5, kBase + kHour)));
  // A tenant's own orders are not the agent's: no grant limits them.
  ASSERT_TRUE(accepted(order_at(kBase + kHour, 7, Side::Buy, book(w0_ + 3), 500, 50, kTenant)));
}

TEST_F(AutopilotGrantTest, WithdrawingCancelsTheAgentsRestingBidsAndNothingElse) {
  ASSERT_TRUE(accepted(grant(true)));
  ASSERT_TRUE(accepted(agent_bid(1, w0_ + 1, 10, 2)));
  ASSERT_TRUE(accepted(agent_bid(2, w0_ + 2, 10, 2)));
  ASSERT_TRUE(accepted(order_at(kBase, 3, Side::Buy, book(w0_ + 1), 10, 2, kTenant)));
  const auto off = grant(false);
  ASSERT_TRUE(accepted(off));
  const auto cancels = of_kind(off, EventKind::Cancelled);
  ASSERT_EQ(cancels.size(), 2u);
  for (const Event& e : cancels) {
    EXPECT_EQ(e.agent, kByAgent);
    EXPECT_EQ(e.owner, kTenant);
  }
  EXPECT_EQ(queue(Side::Buy, book(w0_ + 1)), std::vector<OrderId>{3});
  EXPECT_TRUE(queue(Side::Buy, book(w0_ + 2)).empty());
  EXPECT_EQ(rejected(agent_bid(4, w0_ + 1, 10, 1)), RejectReason::NotOptedIn);
  EXPECT_TRUE(engine_.grants().all().empty());
}

TEST_F(AutopilotGrantTest, FillsSayWhichSideTheAgentPlaced) {
  ASSERT_TRUE(accepted(grant(true)));
  ASSERT_TRUE(accepted(agent_bid(1, w0_ + 1, 10, 2)));
  const auto fills =
      of_kind(order_at(kBase, 2, Side::Sell, book(w0_ + 1), 10, 2, kHostOwner), EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].agent, kMakerByAgent);
  EXPECT_EQ(fills[0].maker_owner, kTenant);
  EXPECT_EQ(engine_.holdings().free(HoldingKey{book(w0_ + 1), kTenant, 102}), 2)
      << "the tenant holds what the agent bought";
  ASSERT_TRUE(accepted(order_at(kBase, 3, Side::Sell, book(w0_ + 2), 10, 1, kHostOwner)));
  const auto taken = of_kind(agent_bid(4, w0_ + 2, 10, 1), EventKind::Fill);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].agent, kByAgent);
}

TEST_F(AutopilotGrantTest, TheAgentResellsWhatItBoughtAndWithdrawingTakesTheAskBack) {
  const auto resell = [&](OrderId id, Qty qty) {
    Command c;
    c.kind = CommandKind::Resell;
    c.resell = Resell{};
    c.resell.order_id = id;
    c.resell.owner = kTenant;
    c.resell.host = 102;
    c.resell.tif = TimeInForce::Gtc;
    c.resell.price = 15;
    c.resell.client_order_id = id;
    c.resell.leg_count = 1;
    c.resell.legs[0] = SwarmLeg{book(w0_ + 1), qty};
    c.resell.agent = kAgent;
    return at(kBase, c);
  };
  ASSERT_TRUE(accepted(order_at(kBase, 1, Side::Sell, book(w0_ + 1), 10, 4, kHostOwner)));
  ASSERT_TRUE(accepted(order_at(kBase, 2, Side::Buy, book(w0_ + 1), 10, 4, kTenant)));
  EXPECT_EQ(rejected(resell(10, 1)), RejectReason::NotOptedIn);
  ASSERT_TRUE(accepted(grant(true)));
  const auto offered = resell(11, 3);
  ASSERT_TRUE(accepted(offered));
  EXPECT_EQ(offered[0].agent, kByAgent);
  const auto sold =
      of_kind(order_at(kBase, 20, Side::Buy, book(w0_ + 1), 15, 1, 3), EventKind::Fill);
  ASSERT_EQ(sold.size(), 1u);
  EXPECT_EQ(sold[0].agent, kMakerByAgent) << "the resale ask the agent placed";
  EXPECT_EQ(sold[0].maker_owner, kTenant);
  const auto off = grant(false);
  const auto cancels = of_kind(off, EventKind::Cancelled);
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].qty, 2);
  EXPECT_EQ(engine_.holdings().free(HoldingKey{book(w0_ + 1), kTenant, 102}), 3)
      << "the unsold part is the tenant's again";
}

TEST_F(AutopilotGrantTest, BadGrantsAreRefusedAndChangeNothing) {
  const std::uint64_t before = engine_.state_hash();
  EXPECT_EQ(rejected(grant(true, 0)), RejectReason::InvalidParameter);
  EXPECT_EQ(rejected(grant(true, 20, 0)), RejectReason::InvalidParameter);
  EXPECT_EQ(rejected(grant(true, 20, 100, -1)), RejectReason::InvalidParameter);
  Command c;
  c.kind = CommandKind::Autopilot;
  c.autopilot = AutopilotGrant{kTenant, 999, 1, true, 20, 100, 0, 940'000};
  EXPECT_EQ(rejected(at(kBase, c)), RejectReason::UnknownInstrument);
  EXPECT_NE(engine_.state_hash(), before) << "the sequence moved on";
  EXPECT_TRUE(engine_.grants().all().empty());
}

TEST_F(AutopilotGrantTest, SnapshotsAndTheJournalCarryGrants) {
  ASSERT_TRUE(accepted(grant(true, 20, 100)));
  ASSERT_TRUE(accepted(agent_bid(1, w0_ + 1, 20, 3)));  // 60 spent this hour
  EngineSnapshot snap;
  engine_.snapshot(snap);
  const auto decoded = journal::decode_snapshot(journal::encode_snapshot(snap));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->grants.size(), 1u);
  Engine copy(EngineConfig{1024});
  copy.restore(*decoded);
  EXPECT_EQ(copy.state_hash(), engine_.state_hash());
  EXPECT_EQ(copy.grants().all(), engine_.grants().all());
  EXPECT_EQ(copy.grants().all().begin()->second.committed, 60);

  Command c;
  c.kind = CommandKind::Autopilot;
  c.seq = 5;
  c.time_ns = kBase;
  c.autopilot = AutopilotGrant{kTenant, book(w0_ + 1), 77, true, 20, 100, kHour, 990'000};
  std::uint8_t buf[journal::kMaxRecordBytes];
  const std::size_t n = journal::encode_record(c, buf);
  Command back;
  std::size_t len = 0;
  ASSERT_EQ(journal::decode_record({buf, n}, &back, &len), journal::DecodeStatus::Ok);
  EXPECT_EQ(back.autopilot.target_ppm, 990'000u);
  EXPECT_EQ(back.autopilot.window_ns, kHour);
  EXPECT_TRUE(back.autopilot.on);

  Command o;
  o.kind = CommandKind::NewOrder;
  o.seq = 6;
  o.new_order =
      NewOrder{1,  2, 3, 0,  Side::Buy, OrderType::Limit, TimeInForce::Gtc, StpMode::None, false,
               10, 1, 0, 42, kAgent};
  const std::size_t m = journal::encode_record(o, buf);
  ASSERT_EQ(journal::decode_record({buf, m}, &back, &len), journal::DecodeStatus::Ok);
  EXPECT_EQ(back.new_order.agent, kAgent);
  o.new_order.agent = 0;
  EXPECT_EQ(journal::encode_record(o, buf), m - 4) << "a tenant's own order is recorded as before";
}

}  // namespace
}  // namespace swarmex::engine::test
