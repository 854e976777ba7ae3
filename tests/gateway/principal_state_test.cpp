// PrincipalState (gateway/src/principal_state.hpp): what it keeps per principal stays bounded as
// millions of orders end. Client order ids live while their order does and then for the dedup
// horizon (by count, by time); the replay rings hold at most their configured entries.
#include "principal_state.hpp"

#include <gtest/gtest.h>

namespace swarmex::gateway {
namespace {

engine::Event cancelled(engine::OrderId id) {
  engine::Event e;
  e.kind = engine::EventKind::Cancelled;
  e.command = engine::CommandKind::CancelOrder;
  e.order_id = id;
  return e;
}

engine::Event fill(engine::OrderId taker, engine::Qty leaves, engine::OrderId maker,
                   engine::Qty maker_leaves) {
  engine::Event e;
  e.kind = engine::EventKind::Fill;
  e.order_id = taker;
  e.leaves_qty = leaves;
  e.maker_order_id = maker;
  e.maker_leaves_qty = maker_leaves;
  return e;
}

Principal tenant() {
  Principal p;
  p.name = "tenant";
  p.id = 7;
  return p;
}

PrincipalBounds bounds(std::uint64_t orders, std::int64_t ns, std::size_t ring = 1000) {
  PrincipalBounds b;
  b.replay_reports = ring;
  b.replay_fills = ring;
  b.dedup = DedupHorizon{orders, ns};
  b.partitions = 2;
  return b;
}

TEST(PrincipalStateBoundsTest, ClientOrderIdsStayBoundedAsMillionsOfOrdersEnd) {
  const Principal p = tenant();
  constexpr std::uint64_t kHorizon = 5000;
  PrincipalState ps(p, bounds(kHorizon, 0));
  constexpr std::uint64_t kOrders = 2'000'000;
  std::size_t most_ids = 0;
  std::size_t most_orders = 0;
  for (std::uint64_t i = 1; i <= kOrders; ++i) {
    ps.remember(i + 1'000'000'000, i, 1);
    // Half end by a cancel, half by a full fill as maker; both partitions.
    if (i % 2 == 0)
      ps.note_end(cancelled(i), false, static_cast<std::uint32_t>(i % 4 / 2),
                  static_cast<std::int64_t>(i));
    else
      ps.note_end(fill(999'999'999, 5, i, 0), true, static_cast<std::uint32_t>(i % 4 / 2),
                  static_cast<std::int64_t>(i));
    most_ids = std::max(most_ids, ps.client_ids());
    most_orders = std::max(most_orders, ps.order_ids());
  }
  // One window per partition, each of kHorizon ids, and the order in flight.
  EXPECT_LE(most_ids, 2 * kHorizon + 1);
  EXPECT_LE(most_orders, 2 * kHorizon + 1);
  EXPECT_EQ(ps.ended_ids(), 2 * kHorizon);
  EXPECT_EQ(ps.resale_legs(), 0u);
  // The most recent ended ids are still refused; the oldest are free again.
  EXPECT_TRUE(ps.is_duplicate(kOrders + 1'000'000'000, 0));
  EXPECT_TRUE(ps.is_duplicate(kOrders - 2 * kHorizon + 1 + 1'000'000'000, 0));
  EXPECT_FALSE(ps.is_duplicate(kOrders - 2 * kHorizon - 10 + 1'000'000'000, 0));
  EXPECT_FALSE(ps.is_duplicate(1 + 1'000'000'000, 0));
  EXPECT_EQ(ps.client_of(1), 0u);
  EXPECT_EQ(ps.client_of(kOrders), kOrders + 1'000'000'000);
}

TEST(PrincipalStateBoundsTest, LiveOrdersAreNeverForgotten) {
  const Principal p = tenant();
  PrincipalState ps(p, bounds(10, 0));
  ps.remember(42, 1, 1);  // rests for good
  for (std::uint64_t i = 2; i < 10'000; ++i) {
    ps.remember(1000 + i, i, 1);
    ps.note_end(cancelled(i), false, 0, static_cast<std::int64_t>(i));
  }
  ASSERT_NE(ps.find_client(42), nullptr);
  EXPECT_EQ(ps.find_client(42)->live, 1);
  EXPECT_TRUE(ps.is_duplicate(42, 1'000'000'000'000));
  EXPECT_EQ(ps.client_of(1), 42u);
  EXPECT_LE(ps.client_ids(), 11u);
  // A partial fill does not end it; a fill to zero does.
  ps.note_end(fill(1, 3, 0, 0), false, 0, 20'000);
  EXPECT_EQ(ps.find_client(42)->live, 1);
  ps.note_end(fill(1, 0, 0, 0), false, 0, 20'001);
  EXPECT_EQ(ps.find_client(42)->live, 0);
}

TEST(PrincipalStateBoundsTest, HorizonByTime) {
  const Principal p = tenant();
  constexpr std::int64_t kMs = 1'000'000;
  PrincipalState ps(p, bounds(1'000'000, 100 * kMs));
  for (std::uint64_t i = 1; i <= 1000; ++i) {  // one order ending every millisecond
    ps.remember(i + 500, i, 1);
    ps.note_end(cancelled(i), false, 0, static_cast<std::int64_t>(i) * kMs);
  }
  // Kept: the ids that ended at most 100 ms before the latest (at 1,000 ms).
  EXPECT_EQ(ps.ended_ids(), 101u);
  EXPECT_LE(ps.client_ids(), 101u);
  EXPECT_EQ(ps.find_client(899 + 500), nullptr);
  ASSERT_NE(ps.find_client(900 + 500), nullptr);
  // Decided at the time of the resend: within 100 ms of its end, refused; later, free.
  EXPECT_TRUE(ps.is_duplicate(950 + 500, 1000 * kMs));
  EXPECT_FALSE(ps.is_duplicate(950 + 500, 1051 * kMs));
  // Reused once free: its old window entry, when it goes, leaves the new order alone.
  ps.remember(950 + 500, 5000, 1);
  EXPECT_TRUE(ps.is_duplicate(950 + 500, 1051 * kMs));
  ps.remember(9999, 5001, 1);
  ps.note_end(cancelled(5001), false, 0, 5000 * kMs);  // pushes every earlier entry out
  EXPECT_EQ(ps.ended_ids(), 1u);
  ASSERT_NE(ps.find_client(950 + 500), nullptr);
  EXPECT_EQ(ps.find_client(950 + 500)->order_id, 5000u);
  EXPECT_EQ(ps.client_of(5000), 950u + 500);
  EXPECT_EQ(ps.client_of(950), 0u);
}

TEST(PrincipalStateBoundsTest, AResaleEndsWithItsLastLeg) {
  const Principal p = tenant();
  PrincipalState ps(p, bounds(1, 0));
  engine::Resell r{};
  r.order_id = 100;
  r.client_order_id = 77;
  r.leg_count = 3;
  for (std::uint8_t i = 0; i < 3; ++i)
    r.legs[i].instrument = 1 + i;
  ps.remember(r);
  EXPECT_EQ(ps.resale_legs(), 2u);
  ps.note_end(cancelled(101), false, 0, 1);
  ps.note_end(fill(0, 0, 100, 0), true, 0, 2);
  EXPECT_EQ(ps.ended_ids(), 0u);
  EXPECT_EQ(ps.find_client(77)->live, 1);
  ps.note_end(cancelled(102), false, 0, 3);
  EXPECT_EQ(ps.ended_ids(), 1u);
  EXPECT_EQ(ps.resale_legs(), 0u);
  EXPECT_TRUE(ps.is_duplicate(77, 3));
  ps.remember(78, 200, 1);
  ps.note_end(cancelled(200), false, 0, 4);  // horizon of one: the resale is forgotten
  EXPECT_EQ(ps.find_client(77), nullptr);
  for (engine::OrderId id = 100; id < 103; ++id)
    EXPECT_EQ(ps.client_of(id), 0u);
  EXPECT_EQ(ps.order_ids(), 1u);
}

TEST(PrincipalStateBoundsTest, ReplayRingHoldsAtMostItsBound) {
  const Principal p = tenant();
  PrincipalState ps(p, bounds(10, 0, 256));
  for (int i = 0; i < 100'000; ++i) {
    ps.append(ExecReport{});
    ps.append(HostFill{});
    ASSERT_LE(ps.next_stream_seq() - ps.oldest_report(), 256u);
    ASSERT_LE(ps.next_fill_seq() - ps.oldest_fill(), 256u);
  }
  EXPECT_EQ(ps.next_stream_seq() - ps.oldest_report(), 256u);
  std::size_t replayed = 0;
  EXPECT_FALSE(ps.replay_reports(0, [&](const ExecReport&) { ++replayed; }));
  EXPECT_EQ(replayed, 256u);
}

TEST(PrincipalStateBoundsTest, ReplayRingsAreSizedInBytes) {
  Config c;
  c.server.replay_buffer = 1'000'000;
  c.server.replay_buffer_bytes = 1 << 20;
  c.engine.partitions = 3;
  PrincipalBounds b = principal_bounds(c);
  EXPECT_LE(b.replay_reports * sizeof(ExecReport), std::size_t{1} << 20);
  EXPECT_GT((b.replay_reports + 1) * sizeof(ExecReport), std::size_t{1} << 20);
  EXPECT_LE(b.replay_fills * sizeof(HostFill), std::size_t{1} << 20);
  EXPECT_EQ(b.partitions, 3u);
  c.server.replay_buffer = 100;  // the entry cap, when it is the smaller
  b = principal_bounds(c);
  EXPECT_EQ(b.replay_reports, 100u);
  EXPECT_EQ(b.replay_fills, 100u);
  c.server.dedup_horizon_orders = 7;
  c.server.dedup_horizon_ms = 250;
  b = principal_bounds(c);
  EXPECT_EQ(b.dedup.orders, 7u);
  EXPECT_EQ(b.dedup.ns, 250'000'000);
}

}  // namespace
}  // namespace swarmex::gateway
