// The engine is the one owner of where and for how long a fill delivers: every Fill event names
// its lease (a spot lease from the command's time, a window's lease the window) and, for a MIG
// instance sold from a host's GPU group, the GPU and start slice it was placed at. One fill per
// instance, so the host enacts exactly what the event says.
#include <gtest/gtest.h>

#include "swarm_fixture.hpp"
#include "swarmex/engine/mig_profiles.hpp"
#include "window_fixture.hpp"

namespace swarmex::engine::test {
namespace {

constexpr InstrumentId kSpot = 50;  // cpu, leases of 2 h from the fill
constexpr InstrumentId k1g = 60, k3g = 61;
constexpr OwnerId kHostOwner = 2;  // sells as host 102 (the fixture's 100 + owner)
constexpr HostId kHost = 102;
constexpr OwnerId kTenant = 1;

class FillPlacementTest : public WindowTest {
 protected:
  FillPlacementTest() {
    const InstrumentSpec spot = spot_2h(kSpot);
    engine_.add_instrument(spot);
    for (const auto& [id, profile] : {std::pair{k1g, "1g.10gb"}, std::pair{k3g, "3g.40gb"}}) {
      InstrumentSpec mig = spot;
      mig.id = id;
      mig.symbol = std::string("mig.") + profile + ".pool-a.spot";
      mig.resource = std::string("mig.") + profile;
      engine_.add_instrument(mig);
    }
    roll(kBase);
  }
  std::vector<Event> gpus(Qty n, std::int64_t time_ns = kBase) {
    Command c;
    c.kind = CommandKind::SetSupply;
    c.supply = SupplyCapacity{kHostOwner, kHost, k1g, n};
    return at(time_ns, c);
  }
  std::vector<Event> ask(OrderId id, InstrumentId instrument, Qty qty,
                         std::int64_t time_ns = kBase) {
    return order_at(time_ns, id, Side::Sell, instrument, 10, qty, kHostOwner);
  }
  std::vector<Event> bid(OrderId id, InstrumentId instrument, Qty qty,
                         std::int64_t time_ns = kBase) {
    return order_at(time_ns, id, Side::Buy, instrument, 10, qty, kTenant);
  }
};

TEST_F(FillPlacementTest, ASpotLeaseStartsAtTheCommandsTime) {
  const std::int64_t t = kBase + 7 * kMinute + 123;
  ASSERT_TRUE(accepted(ask(1, kSpot, 5, t - kMinute)));
  const auto fills = of_kind(bid(2, kSpot, 3, t), EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].lease_start_ns, t) << "the lease starts at the matching command";
  EXPECT_EQ(fills[0].lease_end_ns, t + 2 * kHour);
  EXPECT_EQ(fills[0].gpu, kNoMigPlacement) << "not a MIG fill";
  EXPECT_EQ(fills[0].start_slice, kNoMigPlacement);
}

TEST_F(FillPlacementTest, AWindowLeaseIsTheWindow) {
  const std::int64_t t = kBase + 3 * kMinute;
  const InstrumentId w = book(w0_ + 2);  // 16:00-17:00, trading now
  ASSERT_TRUE(accepted(ask(1, w, 4, t)));
  const auto ev = bid(2, w, 4, t + kMinute);
  const auto fills = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].lease_start_ns, (w0_ + 2) * kHour);
  EXPECT_EQ(fills[0].lease_end_ns, (w0_ + 3) * kHour);
  for (const Event& e : ev) {
    if (e.kind != EventKind::Fill) {
      EXPECT_EQ(e.lease_end_ns, 0) << "only fills name a lease";
    }
  }
}

TEST_F(FillPlacementTest, EachMigInstanceIsItsOwnFillNamingWhereItSits) {
  ASSERT_TRUE(accepted(gpus(2)));
  ASSERT_TRUE(accepted(ask(1, k3g, 4)));  // two 3g.40gb per H100: at slices 0 and 4
  const auto ev = bid(2, k3g, 3, kBase + kMinute);
  const auto fills = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(fills.size(), 3u) << "one fill per instance";
  const std::pair<int, int> where[] = {{0, 0}, {0, 4}, {1, 0}};  // first fit from GPU 0
  for (std::size_t i = 0; i < fills.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(fills[i].qty, 1);
    EXPECT_EQ(fills[i].gpu, where[i].first);
    EXPECT_EQ(fills[i].start_slice, where[i].second);
    EXPECT_EQ(fills[i].leaves_qty, static_cast<Qty>(2 - i)) << "the taker's leaves count down";
    EXPECT_EQ(fills[i].maker_leaves_qty, static_cast<Qty>(3 - i));
    EXPECT_EQ(fills[i].lease_start_ns, kBase + kMinute);
    EXPECT_EQ(fills[i].lease_end_ns, kBase + kMinute + 2 * kHour);
    EXPECT_EQ(fills[i].maker_order_id, 1u);
  }
  // The events say exactly what the GPU group recorded.
  const auto& placed = engine_.supply().begin()->second.placements();
  ASSERT_EQ(placed.size(), 3u);
  for (std::size_t i = 0; i < placed.size(); ++i) {
    EXPECT_EQ(placed[i].gpu, fills[i].gpu);
    EXPECT_EQ(placed[i].start, fills[i].start_slice);
  }
  // A 1g.10gb now fits only in the slices the 3g instances left free: GPU 1 slice 4 and up.
  ASSERT_TRUE(accepted(ask(3, k1g, 1)));
  const auto one = of_kind(bid(4, k1g, 1, kBase + 2 * kMinute), EventKind::Fill);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].gpu, 1);
  EXPECT_EQ(one[0].start_slice, 4);
}

TEST_F(FillPlacementTest, ASwarmLegOnMigNamesEachInstance) {
  ASSERT_TRUE(accepted(gpus(1)));
  ASSERT_TRUE(accepted(ask(1, k1g, 3)));
  ASSERT_TRUE(accepted(ask(2, kSpot, 8)));
  Command c = swarm_command(3, kTenant, Placement::SameHost, TimeInForce::Ioc, 1000,
                            {{kSpot, 4}, {k1g, 2}});
  const auto ev = at(kBase + kMinute, c);
  const auto fills = swarm_fills(ev, 3);
  ASSERT_EQ(fills.size(), 3u) << "the cpu leg, then one fill per MIG instance";
  EXPECT_EQ(fills[0].qty, 4);
  EXPECT_EQ(fills[0].gpu, kNoMigPlacement);
  EXPECT_EQ(fills[1].start_slice, 0);
  EXPECT_EQ(fills[2].start_slice, 1);
  for (const Event& f : fills) {
    EXPECT_EQ(f.lease_start_ns, kBase + kMinute);
    EXPECT_EQ(f.lease_end_ns, kBase + kMinute + 2 * kHour);
  }
  EXPECT_EQ(fills.back().leaves_qty, 0);
}

TEST_F(FillPlacementTest, AMigFillWithoutAGpuGroupNamesNoPlacement) {
  ASSERT_TRUE(accepted(ask(1, k1g, 3)));  // the host declared no GPUs
  const auto fills = of_kind(bid(2, k1g, 2), EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].qty, 2);
  EXPECT_EQ(fills[0].gpu, kNoMigPlacement) << "nothing placed it: the host refuses it";
}

TEST_F(FillPlacementTest, PlacementsAreDeterministic) {
  auto run = [](std::vector<Event>& out) {
    Engine e;
    e.add_product(hourly());
    for (const InstrumentId id : {k1g, k3g}) {
      InstrumentSpec s;
      s.id = id;
      s.symbol = id == k1g ? "mig.1g.10gb.pool-a.spot" : "mig.3g.40gb.pool-a.spot";
      s.resource = id == k1g ? "mig.1g.10gb" : "mig.3g.40gb";
      s.pool = "pool-a";
      s.band_min = 1;
      s.band_max = 1000;
      s.max_qty = 1000;
      s.window.length_ns = kHour;
      e.add_instrument(s);
    }
    EventBuffer buf;
    Seq seq = 0;
    auto apply = [&](Command c, std::int64_t t) {
      c.seq = ++seq;
      c.time_ns = t;
      buf.clear();
      e.apply(c, buf);
      out.insert(out.end(), buf.begin(), buf.end());
    };
    Command cap;
    cap.kind = CommandKind::SetSupply;
    cap.supply = SupplyCapacity{kHostOwner, kHost, k1g, 3};
    apply(cap, kBase);
    for (int i = 0; i < 40; ++i) {
      Command o;
      o.kind = CommandKind::NewOrder;
      const bool sell = i % 3 != 2;
      const InstrumentId inst = i % 4 == 0 ? k3g : k1g;
      o.new_order = NewOrder{static_cast<OrderId>(i + 1),
                             inst,
                             sell ? kHostOwner : kTenant,
                             sell ? kHost : 0,
                             sell ? Side::Sell : Side::Buy,
                             OrderType::Limit,
                             TimeInForce::Gtc,
                             StpMode::None,
                             false,
                             10,
                             1 + i % 3,
                             0,
                             static_cast<std::uint64_t>(i + 1)};
      apply(o, kBase + i * 10 * kMinute);
    }
    return e.state_hash();
  };
  std::vector<Event> a, b;
  EXPECT_EQ(run(a), run(b));
  EXPECT_EQ(a, b) << "the same commands place every instance the same way";
  std::size_t placed = 0;
  for (const Event& ev : a)
    placed += ev.kind == EventKind::Fill && ev.gpu != kNoMigPlacement;
  EXPECT_GT(placed, 5u) << "the flow must place instances to test anything";
}

}  // namespace
}  // namespace swarmex::engine::test
