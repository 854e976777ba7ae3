// A hot standby's exchange (ExchangeAssembly::follow): a leader's journal applied to a second
// assembly that never started, in chunks of random size, gives the leader's state hash after
// every chunk, the same journal, snapshots of its own that a restart recovers from, and a
// sequence that goes on where the leader's stopped once it leads. A gap is refused.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "random_commands.hpp"
#include "seeded_book.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/assembly.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::common::TempDir;
using swarmex::testing::RandomCommands;

AssemblyConfig config_in(const TempDir& dir) {
  AssemblyConfig ac;
  ac.engine = EngineConfig{1u << 14};
  ac.wait = WaitStrategy::Block;
  ac.batch = 64;
  ac.instruments = swarmex::testing::random_test_instruments();
  ac.durability = Durability::Sync;
  ac.journal_path = dir.str();
  return ac;
}

std::vector<Command> journal_of(const std::string& dir) {
  auto files = open_directory(dir + "/partition-0");
  std::vector<Command> out;
  ScanOptions scan;
  scan.visit = [&](const Command& c) { out.push_back(c); };
  const ScanResult res = scan_journal(*files, scan);
  EXPECT_TRUE(res.ok) << res.error;
  return out;
}

void wait_applied(ExchangeAssembly& a, Seq seq) {
  for (int i = 0; i < 20'000 && a.partition(0).applied() < seq; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(a.partition(0).applied(), seq);
}

TEST(FollowTest, TheLeadersJournalInChunksGivesItsStateAndGoesOnAfterIt) {
  const char* replay = std::getenv("SWARMEX_SEED");
  const std::uint64_t seed = replay != nullptr ? std::stoull(replay) : std::random_device{}();
  std::printf("seed %llu (replay: SWARMEX_SEED=%llu)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);

  // The leader: seeded book, random traffic, stopped.
  TempDir leader_dir;
  AssemblyConfig lc = config_in(leader_dir);
  std::uint64_t leader_hash = 0;
  {
    ExchangeAssembly leader(lc);
    leader.start();
    Engine model(lc.engine);
    for (const auto& s : lc.instruments)
      model.add_instrument(s);
    RandomCommands gen(seed, lc.instruments);
    EventBuffer ev(1u << 14);
    Seq submitted = 0;
    for (int k = 0; k < 500; ++k, ++submitted)
      ASSERT_TRUE(leader.submit(swarmex::testing::seeded(k)));
    for (int i = 0; i < 4'000; ++i) {
      Command c = gen.next([&](OrderId id) { return model.order(id).has_value(); });
      if (c.kind > CommandKind::Resume) continue;
      ev.clear();
      model.apply(c, ev);
      ASSERT_TRUE(leader.submit(c));
      ++submitted;
    }
    wait_applied(leader, submitted);
    leader.stop();
    leader_hash = leader.state_hash(0);
  }
  const std::vector<Command> journal = journal_of(leader_dir.str());
  ASSERT_GT(journal.size(), 4'000u);

  // The standby: chunks of 1 to 300 commands; a twin engine gives the hash after each.
  TempDir standby_dir;
  AssemblyConfig sc = config_in(standby_dir);
  sc.snapshot_interval = 700;
  std::size_t followed = 0, batched = 0, snapshots = 0;
  AssemblyHooks hooks;
  hooks.on_followed = [&](std::uint32_t i, const Command& c, const EventBuffer&) {
    EXPECT_EQ(i, 0u);
    EXPECT_EQ(c.seq, followed + 1);
    ++followed;
  };
  hooks.on_batch = [&](std::uint32_t, std::span<const Command> cmds, const EventBuffer&,
                       const Engine&) { batched += cmds.size(); };
  hooks.on_snapshot_written = [&](std::uint32_t, const SnapshotReport& r) {
    EXPECT_EQ(r.error, 0);
    ++snapshots;
  };
  std::uint64_t standby_hash = 0;
  {
    ExchangeAssembly standby(sc, std::move(hooks));
    Engine twin(sc.engine);
    for (const auto& s : sc.instruments)
      twin.add_instrument(s);
    EventBuffer ev(1u << 14);
    for (std::size_t at = 0; at < journal.size();) {
      const std::size_t n = std::min<std::size_t>(1 + rng() % 300, journal.size() - at);
      const std::span<const Command> chunk(journal.data() + at, n);
      for (const Command& c : chunk) {
        ev.clear();
        twin.apply(c, ev);
      }
      ASSERT_EQ(standby.follow(0, chunk), twin.state_hash()) << "after seq " << at + n;
      at += n;
    }
    EXPECT_EQ(standby.state_hash(0), leader_hash);
    EXPECT_EQ(followed, journal.size());
    EXPECT_EQ(batched, journal.size());

    // It leads: its sequence goes on after the leader's.
    standby.lead({});
    standby.start();
    ASSERT_TRUE(standby.submit(swarmex::testing::seeded(600)));
    wait_applied(standby, journal.size() + 1);
    standby.stop();
    standby_hash = standby.state_hash(0);
  }
  EXPECT_GE(snapshots, 1u);
  const std::vector<Command> copy = journal_of(standby_dir.str());
  ASSERT_EQ(copy.size(), journal.size() + 1);
  for (std::size_t i = 0; i < journal.size(); ++i)
    ASSERT_EQ(copy[i].seq, journal[i].seq) << i;

  // Restarted, it recovers from a snapshot of its own; a gap is refused and applies nothing.
  ExchangeAssembly again(sc);
  bool from_snapshot = false;
  for (const auto& line : again.recovery_log())
    from_snapshot = from_snapshot || line.find("loaded snapshot") != std::string::npos;
  EXPECT_TRUE(from_snapshot);
  EXPECT_EQ(again.state_hash(0), standby_hash);
  Command gap = swarmex::testing::seeded(601);
  gap.seq = journal.size() + 3;
  EXPECT_THROW(again.follow(0, std::span<const Command>(&gap, 1)), std::runtime_error);
  EXPECT_EQ(again.state_hash(0), standby_hash);
}

}  // namespace
}  // namespace swarmex::journal
