// Delivery windows: the calendar's pure functions, and the engine listing windows on Roll,
// refusing orders past gate closure and expiring what rests when a window closes.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "swarmex/engine/calendar.hpp"
#include "window_fixture.hpp"

namespace swarmex::engine::test {
namespace {

// Windows trading at `now`, from the definition: start in (now + gate, now + ahead].
std::set<std::int64_t> expected_windows(const Product& p, std::int64_t now) {
  std::set<std::int64_t> out;
  for (std::int64_t w = now / p.length_ns - 2; w <= (now + p.listed_ahead_ns) / p.length_ns + 2;
       ++w) {
    const std::int64_t start = window_start_ns(p, w);
    if (start > now + p.gate_closure_ns && start <= now + p.listed_ahead_ns) out.insert(w);
  }
  return out;
}

std::set<std::int64_t> book_windows(const Product& p, std::int64_t now) {
  std::set<std::int64_t> out;
  for (std::uint32_t s = 0; s < book_count(p); ++s)
    if (const std::int64_t w = trading_window(p, s, now); w != kNoWindow) {
      EXPECT_EQ(book_of(p, w), s);
      EXPECT_TRUE(out.insert(w).second) << "window " << w << " on two books";
    }
  return out;
}

TEST(Calendar, ListsExactlyTheWindowsBetweenGateClosureAndListedAhead) {
  const Product p = hourly();
  EXPECT_EQ(validate(p), "");
  EXPECT_EQ(book_count(p), 5u);
  const std::int64_t w0 = kBase / kHour;
  EXPECT_EQ(book_windows(p, kBase), (std::set<std::int64_t>{w0 + 1, w0 + 2, w0 + 3, w0 + 4}));
  // 14:55 is the gate closure of 15:00; 15:00 lists 19:00.
  EXPECT_EQ(next_change_ns(p, kBase), kBase + 55 * kMinute);
  EXPECT_EQ(next_change_ns(p, kBase + 55 * kMinute), kBase + kHour);
  EXPECT_EQ(book_windows(p, kBase + 55 * kMinute),
            (std::set<std::int64_t>{w0 + 2, w0 + 3, w0 + 4}));
  EXPECT_EQ(window_at(p, kBase + kHour), w0 + 1);
  EXPECT_EQ(window_at(p, kBase + 1), kNoWindow);
  EXPECT_EQ(window_symbol(p, w0), "cpu.pool-a.20261122T1400.1h");
  Product quarter = p;
  quarter.length_ns = 15 * kMinute;
  EXPECT_EQ(window_symbol(quarter, kBase / quarter.length_ns + 1), "cpu.pool-a.20261122T1415.15m");
}

TEST(Calendar, RandomTimesAgreeWithTheDefinitionAndChangeOnlyAtNextChange) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    Product p = hourly();
    p.length_ns = (1 + static_cast<std::int64_t>(rng() % 120)) * kMinute;
    p.gate_closure_ns = static_cast<std::int64_t>(rng() % 90) * kMinute;
    p.listed_ahead_ns = p.gate_closure_ns + (1 + static_cast<std::int64_t>(rng() % 600)) * kMinute;
    ASSERT_EQ(validate(p), "");
    const std::int64_t now = kBase + static_cast<std::int64_t>(rng() % (1ull << 42));
    const auto windows = book_windows(p, now);
    ASSERT_EQ(windows, expected_windows(p, now)) << "case " << i;
    const std::int64_t next = next_change_ns(p, now);
    ASSERT_GT(next, now);
    EXPECT_EQ(book_windows(p, next - 1), windows) << "changed before next_change_ns";
    EXPECT_NE(book_windows(p, next), windows) << "nothing changed at next_change_ns";
  }
}

TEST(Calendar, ValidateRefusesInconsistentProducts) {
  Product p = hourly();
  p.listed_ahead_ns = p.gate_closure_ns;
  EXPECT_NE(validate(p), "");
  p = hourly();
  p.length_ns = 0;
  EXPECT_NE(validate(p), "");
  p = hourly();
  p.gate_closure_ns = -1;
  EXPECT_NE(validate(p), "");
  p = hourly();
  p.listed_ahead_ns = 300 * 24 * kHour;
  p.length_ns = 60'000'000'000;  // a book per minute for 300 days: far too many
  EXPECT_NE(validate(p), "");
}

TEST_F(WindowTest, OrdersTradeOnlyInListedWindowsBeforeGateClosure) {
  ASSERT_TRUE(accepted(roll(kBase)));
  const InstrumentId next_hour = book(w0_ + 1);
  EXPECT_EQ(engine_.instrument(next_hour)->window.start_ns, kBase + kHour);
  EXPECT_FALSE(engine_.instrument(next_hour)->window.spot);
  // The idle book (the window 5 h ahead is not listed yet) refuses orders.
  EXPECT_EQ(rejected(order_at(kBase, 1, Side::Buy, book(w0_ + 5), 10, 1, 1)),
            RejectReason::WindowNotTrading);
  EXPECT_TRUE(accepted(order_at(kBase, 2, Side::Sell, next_hour, 10, 5, 2)));
  const auto fill = order_at(kBase + kMinute, 3, Side::Buy, next_hour, 10, 2, 1);
  ASSERT_EQ(of_kind(fill, EventKind::Fill).size(), 1u);
  // 14:55 is gate closure for 15:00: refused even before the Roll that closes the window.
  EXPECT_EQ(rejected(order_at(kBase + 55 * kMinute, 4, Side::Buy, next_hour, 10, 1, 1)),
            RejectReason::WindowNotTrading);
  Command m;
  m.kind = CommandKind::ModifyOrder;
  m.modify = ModifyOrder{2, 2, next_hour, 20, 3};
  EXPECT_EQ(rejected(at(kBase + 56 * kMinute, m)), RejectReason::WindowNotTrading);
  // Cancelling is always allowed.
  EXPECT_TRUE(accepted(at(kBase + 56 * kMinute, [&] {
    Command c;
    c.kind = CommandKind::CancelOrder;
    c.cancel = CancelOrder{2, 2, next_hour};
    return c;
  }())));
}

TEST_F(WindowTest, GateClosureExpiresRestingOrdersAndSwarmsThenListsTheNextWindow) {
  roll(kBase);
  const InstrumentId closing = book(w0_ + 1);
  const InstrumentId later = book(w0_ + 2);
  ASSERT_TRUE(accepted(order_at(kBase, 1, Side::Buy, closing, 10, 3, 1)));
  ASSERT_TRUE(accepted(order_at(kBase, 2, Side::Buy, closing, 9, 4, 3)));
  ASSERT_TRUE(accepted(order_at(kBase, 3, Side::Sell, later, 50, 4, 2)));
  Command sw;
  sw.kind = CommandKind::SwarmOrder;
  sw.swarm.order_id = 4;
  sw.swarm.owner = 1;
  sw.swarm.leg_count = 2;
  sw.swarm.legs[0] = SwarmLeg{closing, 1};
  sw.swarm.legs[1] = SwarmLeg{later, 1};
  sw.swarm.placement = Placement::Any;
  sw.swarm.limit_total = 20;
  sw.swarm.tif = TimeInForce::Gtc;
  ASSERT_TRUE(accepted(at(kBase, sw)));
  ASSERT_EQ(engine_.swarms().size(), 1u);

  const auto ev = roll(kBase + 55 * kMinute);
  ASSERT_TRUE(accepted(ev));
  const auto expired = of_kind(ev, EventKind::Cancelled);
  ASSERT_EQ(expired.size(), 3u);
  std::set<OrderId> ids;
  for (const Event& e : expired) {
    EXPECT_EQ(e.reason, static_cast<std::uint8_t>(CancelReason::GateClosed));
    EXPECT_EQ(e.command, CommandKind::Roll);
    ids.insert(e.order_id);
  }
  EXPECT_EQ(ids, (std::set<OrderId>{1, 2, 4}));
  EXPECT_EQ(of_kind(ev, EventKind::BookLevel).size(), 2u);  // both bid levels emptied
  EXPECT_TRUE(queue(Side::Buy, closing).empty());
  EXPECT_EQ(engine_.swarms().size(), 0u);
  EXPECT_EQ(queue(Side::Sell, later), std::vector<OrderId>{3});  // other windows untouched
  // The closed book waits idle for its next window (5 h later), listed at 16:00.
  EXPECT_EQ(engine_.instrument(closing)->window.start_ns, 0);
  EXPECT_EQ(rejected(order_at(kBase + 56 * kMinute, 5, Side::Buy, closing, 10, 1, 1)),
            RejectReason::WindowNotTrading);
  roll(kBase + 2 * kHour);
  EXPECT_EQ(engine_.instrument(closing)->window.start_ns, kBase + 6 * kHour);
  EXPECT_TRUE(accepted(order_at(kBase + 2 * kHour, 6, Side::Buy, closing, 10, 1, 1)));
}

TEST_F(WindowTest, ClockSteppingBackNeverReopensAWindow) {
  roll(kBase + 55 * kMinute);
  const std::uint64_t h = engine_.state_hash();
  roll(kBase);  // an earlier time: the calendar stays where it was
  EXPECT_EQ(engine_.calendar_ns(), kBase + 55 * kMinute);
  EXPECT_NE(engine_.state_hash(), h);                                // only the sequence moved
  EXPECT_EQ(engine_.instrument(book(w0_ + 1))->window.start_ns, 0);  // closed, still idle
  EXPECT_EQ(rejected(order_at(kBase, 1, Side::Buy, book(w0_ + 1), 10, 1, 1)),
            RejectReason::WindowNotTrading);
}

TEST_F(WindowTest, SnapshotRestoresTheCalendarAndBothEnginesCloseAlike) {
  roll(kBase);
  order_at(kBase, 1, Side::Buy, book(w0_ + 1), 10, 3, 1);
  order_at(kBase, 2, Side::Sell, book(w0_ + 3), 40, 3, 2);
  EngineSnapshot snap;
  engine_.snapshot(snap);
  EXPECT_EQ(snap.calendar_ns, kBase);
  ASSERT_EQ(snap.products.size(), 1u);
  Engine copy(EngineConfig{1024});
  copy.restore(snap);
  EXPECT_EQ(copy.state_hash(), engine_.state_hash());
  for (std::uint32_t s = 0; s < book_count(hourly()); ++s)
    EXPECT_EQ(copy.instrument(kFirstBook + s)->window.start_ns,
              engine_.instrument(kFirstBook + s)->window.start_ns);
  Command t;
  t.kind = CommandKind::Roll;
  t.seq = seq_ + 1;
  t.time_ns = kBase + 55 * kMinute;
  EventBuffer a, b;
  engine_.apply(t, a);
  copy.apply(t, b);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  EXPECT_EQ(copy.state_hash(), engine_.state_hash());
  EXPECT_THROW(engine_.add_product(hourly()), std::invalid_argument);  // book ids taken
}

}  // namespace
}  // namespace swarmex::engine::test
