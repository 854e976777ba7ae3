// Resale of held window capacity: what a tenant bought on a window it holds from that host and
// may offer back (all legs or none), unfilled offers give the holding back, a window closing
// forgets it, and snapshots carry it.
#include <gtest/gtest.h>

#include "window_fixture.hpp"

namespace swarmex::engine::test {
namespace {

constexpr OwnerId kHostOwner = 2;  // sells as host 102 (the fixture's 100 + owner)
constexpr HostId kHost = 102;
constexpr OwnerId kTenant = 1;
constexpr OwnerId kBuyer = 3;

class ResaleTest : public WindowTest {
 protected:
  ResaleTest() { roll(kBase); }

  std::vector<Event> resell(OrderId id, std::vector<std::pair<InstrumentId, Qty>> legs, Price price,
                            TimeInForce tif = TimeInForce::Gtc, HostId host = kHost,
                            OwnerId owner = kTenant) {
    Command c;
    c.kind = CommandKind::Resell;
    c.resell = Resell{};
    c.resell.order_id = id;
    c.resell.owner = owner;
    c.resell.host = host;
    c.resell.tif = tif;
    c.resell.price = price;
    c.resell.client_order_id = id;
    for (const auto& [instrument, qty] : legs)
      c.resell.legs[c.resell.leg_count++] = SwarmLeg{instrument, qty};
    return at(kBase, c);
  }
  // The tenant buys `qty` of window w from the host at 10.
  void hold(std::int64_t w, Qty qty, OrderId id) {
    ASSERT_TRUE(accepted(order_at(kBase, id, Side::Sell, book(w), 10, qty, kHostOwner)));
    ASSERT_EQ(
        of_kind(order_at(kBase, id + 1, Side::Buy, book(w), 10, qty, kTenant), EventKind::Fill)
            .size(),
        1u);
  }
  Qty free(std::int64_t w, OwnerId owner = kTenant) const {
    return engine_.holdings().free(HoldingKey{book(w), owner, kHost});
  }
};

TEST_F(ResaleTest, TheBuyerOfAResaleHoldsItAndTheSellerHoldsTheRest) {
  hold(w0_ + 1, 3, 10);
  EXPECT_EQ(free(w0_ + 1), 3);
  const auto offered = resell(50, {{book(w0_ + 1), 2}}, 15);
  ASSERT_TRUE(accepted(offered));
  EXPECT_EQ(offered[0].command, CommandKind::Resell);
  EXPECT_EQ(offered[0].qty, 2);
  EXPECT_EQ(queue(Side::Sell, book(w0_ + 1)), std::vector<OrderId>{50});
  EXPECT_EQ(free(w0_ + 1), 1);  // offered, no longer free to offer again
  EXPECT_EQ(rejected(resell(51, {{book(w0_ + 1), 2}}, 15)), RejectReason::InsufficientHolding);

  const auto fills =
      of_kind(order_at(kBase, 60, Side::Buy, book(w0_ + 1), 15, 2, kBuyer), EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].maker_order_id, 50u);
  EXPECT_EQ(fills[0].maker_owner, kTenant);
  EXPECT_EQ(fills[0].host, kHost);  // the capacity is still that host's
  EXPECT_EQ(free(w0_ + 1, kBuyer), 2);
  EXPECT_EQ(free(w0_ + 1), 1);
  // The buyer can resell in turn.
  EXPECT_TRUE(accepted(resell(70, {{book(w0_ + 1), 2}}, 20, TimeInForce::Gtc, kHost, kBuyer)));
}

TEST_F(ResaleTest, NothingHeldNothingResold) {
  hold(w0_ + 1, 2, 10);
  EXPECT_EQ(rejected(resell(50, {{book(w0_ + 1), 3}}, 15)), RejectReason::InsufficientHolding);
  EXPECT_EQ(rejected(resell(51, {{book(w0_ + 1), 1}}, 15, TimeInForce::Gtc, kHost + 1)),
            RejectReason::InsufficientHolding);  // held from another host
  EXPECT_EQ(rejected(resell(52, {{book(w0_ + 2), 1}}, 15)), RejectReason::InsufficientHolding);
  EXPECT_EQ(rejected(resell(53, {{kCpu, 1}}, 15)), RejectReason::InsufficientHolding);  // spot
  EXPECT_EQ(rejected(resell(54, {{book(w0_ + 1), 1}}, 0)), RejectReason::InvalidPrice);
  EXPECT_EQ(rejected(resell(55, {{book(w0_ + 1), 1}, {book(w0_ + 1), 1}}, 15)),
            RejectReason::InvalidLegs);
  EXPECT_EQ(rejected(resell(56, {{book(w0_ + 1), 1}}, 15, TimeInForce::Fok)),
            RejectReason::InvalidTimeInForce);
  EXPECT_EQ(rejected(resell(57, {}, 15)), RejectReason::InvalidLegs);
  EXPECT_EQ(rejected(resell(58, {{book(w0_ + 5), 1}}, 15)), RejectReason::WindowNotTrading);
  EXPECT_EQ(rejected(resell(59, {{book(w0_ + 1), 1}}, 15, TimeInForce::Gtc, kHost, 0)),
            RejectReason::UnknownCommandOwner);
  EXPECT_TRUE(queue(Side::Sell, book(w0_ + 1)).empty());
  EXPECT_EQ(free(w0_ + 1), 2);
  EXPECT_EQ(engine_.holdings().all().size(), 1u);
}

TEST_F(ResaleTest, SeveralWindowsAreOfferedAllOrNone) {
  hold(w0_ + 1, 2, 10);
  hold(w0_ + 2, 1, 20);
  EXPECT_EQ(rejected(resell(50, {{book(w0_ + 1), 2}, {book(w0_ + 2), 2}}, 15)),
            RejectReason::InsufficientHolding);
  EXPECT_EQ(free(w0_ + 1), 2);  // the first window, which was held, was not offered either
  EXPECT_TRUE(queue(Side::Sell, book(w0_ + 1)).empty());
  const auto ok = resell(60, {{book(w0_ + 1), 1}, {book(w0_ + 2), 1}}, 15);
  ASSERT_TRUE(accepted(ok));
  EXPECT_EQ(of_kind(ok, EventKind::Accepted).size(), 1u);  // one outcome for the request
  EXPECT_EQ(ok[0].qty, 2);
  EXPECT_EQ(queue(Side::Sell, book(w0_ + 1)), std::vector<OrderId>{60});
  EXPECT_EQ(queue(Side::Sell, book(w0_ + 2)), std::vector<OrderId>{61});
  EXPECT_EQ(free(w0_ + 1), 1);
  EXPECT_EQ(free(w0_ + 2), 0);
  // A leg is an ordinary ask: cancelled by its own id, it gives its holding back.
  ASSERT_TRUE(accepted([&] {
    Command c;
    c.kind = CommandKind::CancelOrder;
    c.cancel = CancelOrder{61, kTenant, book(w0_ + 2)};
    return at(kBase, c);
  }()));
  EXPECT_EQ(free(w0_ + 2), 1);
}

TEST_F(ResaleTest, UnfilledOffersGiveTheHoldingBack) {
  hold(w0_ + 1, 4, 10);
  ASSERT_TRUE(accepted(order_at(kBase, 30, Side::Buy, book(w0_ + 1), 12, 1, kBuyer)));
  // IOC: one unit trades at the bid, the rest comes back.
  const auto ioc = resell(50, {{book(w0_ + 1), 3}}, 12, TimeInForce::Ioc);
  ASSERT_TRUE(accepted(ioc));
  ASSERT_EQ(of_kind(ioc, EventKind::Fill).size(), 1u);
  const auto rest = of_kind(ioc, EventKind::Cancelled);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].order_id, 50u);
  EXPECT_EQ(rest[0].qty, 2);
  EXPECT_EQ(rest[0].reason, static_cast<std::uint8_t>(CancelReason::IocRemainder));
  EXPECT_EQ(free(w0_ + 1), 3);
  EXPECT_EQ(free(w0_ + 1, kBuyer), 1);
  // GTC at 20, modified: down gives back, up takes more, beyond the holding is refused.
  ASSERT_TRUE(accepted(resell(60, {{book(w0_ + 1), 2}}, 20)));
  EXPECT_EQ(free(w0_ + 1), 1);
  ASSERT_TRUE(accepted(modify(60, 20, 1, kTenant, book(w0_ + 1))));
  EXPECT_EQ(free(w0_ + 1), 2);
  EXPECT_EQ(rejected(modify(60, 20, 4, kTenant, book(w0_ + 1))), RejectReason::InsufficientHolding);
  ASSERT_TRUE(accepted(modify(60, 25, 3, kTenant, book(w0_ + 1))));
  EXPECT_EQ(free(w0_ + 1), 0);
  EXPECT_EQ(leaves(60), 3);
  // Gate closure expires the offer and forgets the window's holdings.
  const auto closed = roll(kBase + 55 * kMinute);
  ASSERT_EQ(of_kind(closed, EventKind::Cancelled).size(), 1u);
  EXPECT_EQ(free(w0_ + 1), 0);
  EXPECT_EQ(free(w0_ + 1, kBuyer), 0);
  EXPECT_TRUE(engine_.holdings().empty());
}

TEST_F(ResaleTest, SnapshotsCarryHoldingsAndResaleAsks) {
  hold(w0_ + 1, 3, 10);
  hold(w0_ + 2, 2, 20);
  ASSERT_TRUE(accepted(resell(50, {{book(w0_ + 1), 1}, {book(w0_ + 2), 2}}, 30)));
  EngineSnapshot snap;
  engine_.snapshot(snap);
  EXPECT_EQ(snap.holdings.size(), 2u);
  Engine copy(EngineConfig{1024});
  copy.restore(snap);
  EXPECT_EQ(copy.state_hash(), engine_.state_hash());
  EXPECT_EQ(copy.holdings().all(), engine_.holdings().all());
  // Both give the same holding back when the restored resale ask is cancelled.
  Command c;
  c.kind = CommandKind::CancelOrder;
  c.cancel = CancelOrder{51, kTenant, book(w0_ + 2)};
  c.seq = seq_ + 1;
  c.time_ns = kBase;
  EventBuffer a, b;
  engine_.apply(c, a);
  copy.apply(c, b);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_EQ(copy.holdings().free(HoldingKey{book(w0_ + 2), kTenant, kHost}), 2);
  EXPECT_EQ(copy.state_hash(), engine_.state_hash());
}

}  // namespace
}  // namespace swarmex::engine::test
