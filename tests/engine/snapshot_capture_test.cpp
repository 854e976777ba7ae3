// Snapshots copied in bounded steps while commands apply between the steps (snapshot_capture.hpp):
// each step copies at most its budget of arena slots, the write barrier copies what a command
// changes ahead of the steps, and the finished image is exactly the one a second engine, given
// the same commands up to the snapshot's sequence, takes at once; restored, it has the same hash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "random_commands.hpp"
#include "seeded_book.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/snapshot_capture.hpp"

namespace swarmex::engine::test {
namespace {

using swarmex::testing::kSeededCount;
using swarmex::testing::RandomCommands;
using swarmex::testing::seeded;
using swarmex::testing::touch;

bool same_orders(const EngineSnapshot& a, const EngineSnapshot& b) {
  if (a.orders.size() != b.orders.size()) return false;
  for (std::size_t i = 0; i < a.orders.size(); ++i) {
    const SnapshotOrder& x = a.orders[i];
    const SnapshotOrder& y = b.orders[i];
    if (x.id != y.id || x.instrument != y.instrument || x.side != y.side || x.flags != y.flags ||
        x.owner != y.owner || x.host != y.host || x.price != y.price || x.qty != y.qty ||
        x.priority_seq != y.priority_seq)
      return false;
  }
  return true;
}

struct Market {
  std::vector<InstrumentSpec> instruments;
  std::vector<Product> products;
  void add_to(Engine& e) const {
    for (const auto& s : instruments)
      e.add_instrument(s);
    for (const auto& p : products)
      e.add_product(p);
  }
};

// A seeded book and `before` random commands, then a snapshot begins and `budget` slots are
// copied per step with `between` random commands and one cancel or modify of a seeded order
// applied after each step; the twin applies only what came before the snapshot.
void check(std::uint64_t seed, bool market, std::uint32_t budget, std::size_t before,
           std::size_t between) {
  std::printf("seed %llu market %d budget %u\n", static_cast<unsigned long long>(seed), market,
              budget);
  Market m;
  m.instruments = market ? swarmex::testing::random_market_instruments()
                         : swarmex::testing::random_test_instruments();
  if (market) m.products = swarmex::testing::random_market_products();
  const EngineConfig cfg{1u << 13};
  Engine live(cfg);
  Engine twin(cfg);
  m.add_to(live);
  m.add_to(twin);
  RandomCommands gen(seed, m.instruments);
  if (market)
    gen.enable_market(m.products, [&](InstrumentId i, OwnerId o, HostId h) {
      return live.holdings().free(HoldingKey{i, o, h});
    });
  EventBuffer ev(1u << 14);
  Seq seq = 0;
  std::int64_t now = 0;
  const auto apply = [&](Engine& e, Command c) {
    c.seq = seq;
    c.time_ns = now;
    ev.clear();
    e.apply(c, ev);
  };
  const auto next = [&](Command c) {  // the sequencer's numbering; the generator's times
    ++seq;
    now = std::max(now, c.time_ns);
    return c;
  };
  const auto random = [&] {
    return next(gen.next([&](OrderId id) { return live.order(id).has_value(); }));
  };
  for (int k = 0; k < kSeededCount; ++k) {
    const Command c = next(seeded(k));
    apply(live, c);
    apply(twin, c);
  }
  for (std::size_t i = 0; i < before; ++i) {
    const Command c = random();
    apply(live, c);
    apply(twin, c);
  }
  ASSERT_GT(live.resting_orders(), 1000u) << "the book should hold something to copy";
  EngineSnapshot taken;
  SnapshotCapture capture;
  live.begin_snapshot(taken, capture);
  ASSERT_TRUE(live.snapshot_in_progress());
  std::uint64_t steps = 0;
  std::size_t applied = 0;
  std::uint64_t lcg = seed;
  while (!live.snapshot_step(budget)) {
    ++steps;
    ASSERT_LE(capture.max_step_slots, budget);  // the bound: never more slots than the budget
    for (std::size_t i = 0; i < between; ++i, ++applied)
      apply(live, random());
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    apply(live, next(touch(static_cast<int>((lcg >> 33) % kSeededCount),
                           static_cast<int>((lcg >> 20) % 4))));
  }
  EXPECT_FALSE(live.snapshot_in_progress());
  EXPECT_LE(capture.max_step_slots, budget);
  EXPECT_GE(steps + 1, (std::uint64_t{cfg.order_capacity} + budget - 1) / budget);
  EXPECT_GT(capture.kept, 10u) << "commands between the steps changed orders not yet copied";
  EXPECT_GT(applied + steps, 0u);
  finish_snapshot(taken, capture);

  EngineSnapshot want;
  twin.snapshot(want);
  EXPECT_EQ(taken.last_seq, want.last_seq);
  EXPECT_EQ(taken.state_hash, want.state_hash);
  EXPECT_EQ(taken.instruments.size(), want.instruments.size());
  EXPECT_TRUE(same_orders(taken, want)) << taken.orders.size() << " vs " << want.orders.size();
  EXPECT_NE(live.state_hash(), twin.state_hash()) << "the live engine moved on meanwhile";

  Engine back(cfg);
  back.restore(taken);  // throws when the image does not rebuild its recorded hash
  EXPECT_EQ(back.state_hash(), twin.state_hash());
  EXPECT_EQ(back.resting_orders(), twin.resting_orders());
}

TEST(SnapshotCaptureTest, StepsUnderMatchingGiveTheImageAtTheFirstSequence) {
  for (const std::uint64_t seed : {11u, 12u, 13u})
    check(seed, false, 37, 5'000, 3);
}

TEST(SnapshotCaptureTest, StepsUnderMarketCommandsGiveTheImageAtTheFirstSequence) {
  for (const std::uint64_t seed : {21u, 22u})
    check(seed, true, 64, 5'000, 5);
}

TEST(SnapshotCaptureTest, OneSlotStepsAndManyCommandsBetween) {
  check(31, false, 1, 2'000, 2);
}

TEST(SnapshotCaptureTest, AtOnceEqualsInSteps) {
  // Engine::snapshot is the same capture copied in one pass: the two agree on a quiet engine.
  const auto instruments = swarmex::testing::random_test_instruments();
  Engine e(EngineConfig{1u << 12});
  for (const auto& s : instruments)
    e.add_instrument(s);
  RandomCommands gen(5, instruments);
  EventBuffer ev(1u << 14);
  for (int i = 0; i < 5000; ++i) {
    ev.clear();
    e.apply(gen.next([&](OrderId id) { return e.order(id).has_value(); }), ev);
  }
  EngineSnapshot at_once;
  e.snapshot(at_once);
  EngineSnapshot stepped;
  SnapshotCapture capture;
  e.begin_snapshot(stepped, capture);
  while (!e.snapshot_step(100)) {
  }
  EXPECT_EQ(capture.kept, 0u);
  finish_snapshot(stepped, capture);
  EXPECT_TRUE(same_orders(at_once, stepped));
  EXPECT_EQ(at_once.state_hash, stepped.state_hash);
}

}  // namespace
}  // namespace swarmex::engine::test
