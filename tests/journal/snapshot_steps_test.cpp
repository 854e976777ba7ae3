// A snapshot taken under concurrent matching, copied in bounded steps between batches: a threaded
// partition (ExchangeAssembly, async journal) keeps applying the commands another thread submits
// while its snapshot is copied; the snapshot file written is exactly the state a fresh engine
// reaches by replaying the journal to the snapshot's sequence, and no step copied more order
// slots than `snapshot_step_orders`.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
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

TEST(SnapshotStepsTest, SnapshotUnderMatchingEqualsTheJournalReplayedToItsSequence) {
  constexpr std::uint64_t kSeed = 4242;
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed));
  TempDir dir;
  const auto instruments = swarmex::testing::random_test_instruments();
  AssemblyConfig ac;
  ac.engine = EngineConfig{1u << 14};
  ac.wait = WaitStrategy::Block;
  ac.batch = 16;  // many batches: many steps between them
  ac.instruments = instruments;
  ac.durability = Durability::Async;
  ac.journal_path = dir.str();
  ac.snapshot_interval = 0;
  ac.snapshot_step_orders = 64;
  std::atomic<int> written{0};
  std::atomic<std::uint64_t> steps{0};
  AssemblyHooks hooks;
  hooks.on_snapshot_written = [&](std::uint32_t, const SnapshotReport& r) {
    EXPECT_EQ(r.error, 0);
    steps.store(r.steps);
    written.fetch_add(1);
  };
  ExchangeAssembly assembly(ac, std::move(hooks));
  assembly.start();

  // The submitting thread peeks at a model engine for live ids (sequence numbers differ from the
  // partition's; only the ids it aims at matter).
  Engine model(ac.engine);
  for (const auto& s : instruments)
    model.add_instrument(s);
  RandomCommands gen(kSeed, instruments);
  EventBuffer ev(1u << 14);
  Seq submitted = swarmex::testing::kSeededCount;
  const auto submit = [&](int n) {
    for (int i = 0; i < n; ++i) {
      Command c = gen.next([&](OrderId id) { return model.order(id).has_value(); });
      if (c.kind > CommandKind::Resume) continue;
      ev.clear();
      model.apply(c, ev);
      ASSERT_TRUE(assembly.submit(c));
      ++submitted;
    }
  };
  for (int k = 0; k < swarmex::testing::kSeededCount; ++k)
    ASSERT_TRUE(assembly.submit(swarmex::testing::seeded(k)));
  submit(5'000);
  // The snapshot begins once all that is applied: a full book, then matching goes on.
  for (int i = 0; i < 20'000 && assembly.partition(0).applied() < submitted; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  assembly.request_snapshot();
  // Keep the partition busy while it copies, also cancelling and modifying the seeded orders;
  // it must still finish the snapshot.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::uint64_t lcg = kSeed;
  while (written.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    submit(20);
    for (int i = 0; i < 5; ++i) {
      lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
      ASSERT_TRUE(assembly.submit(
          swarmex::testing::touch(static_cast<int>((lcg >> 33) % swarmex::testing::kSeededCount),
                                  static_cast<int>((lcg >> 20) % 4))));
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  submit(2'000);
  assembly.stop();
  ASSERT_EQ(written.load(), 1);
  const ExchangeAssembly::SnapshotSteps st = assembly.snapshot_steps(0);
  EXPECT_LE(st.max_step_slots, ac.snapshot_step_orders);  // the bound, by count
  EXPECT_GE(st.steps, (std::uint64_t{1} << 14) / ac.snapshot_step_orders);
  EXPECT_GE(steps.load(), st.steps);  // the report counts the begin step too
  // Matching went on between the steps: orders changed before their slot was copied.
  EXPECT_GT(st.kept, 0u);
  std::printf("%llu steps, %llu orders copied ahead of them\n",
              static_cast<unsigned long long>(st.steps), static_cast<unsigned long long>(st.kept));

  auto files = open_directory(dir.str() + "/partition-0");
  const auto names = files->list(kSnapshotPrefix);
  ASSERT_EQ(names.size(), 1u);
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(files->read(names[0], &bytes));
  const auto snap = decode_snapshot(bytes);
  ASSERT_TRUE(snap.has_value());
  ASSERT_GT(snap->orders.size(), 1000u);

  // A fresh engine replays the journal up to the snapshot's sequence.
  Engine replay(ac.engine);
  for (const auto& s : instruments)
    replay.add_instrument(s);
  ScanOptions scan;
  EventBuffer rev(1u << 14);
  scan.visit = [&](const Command& c) {
    if (c.seq > snap->last_seq) return;
    rev.clear();
    replay.apply(c, rev);
  };
  const ScanResult res = scan_journal(*files, scan);
  ASSERT_TRUE(res.ok) << res.error;
  ASSERT_GT(res.last_seq, snap->last_seq) << "commands applied while the snapshot was copied";
  ASSERT_EQ(replay.last_seq(), snap->last_seq);
  EXPECT_EQ(replay.state_hash(), snap->state_hash);
  EngineSnapshot want;
  replay.snapshot(want);
  ASSERT_EQ(want.orders.size(), snap->orders.size());
  for (std::size_t i = 0; i < want.orders.size(); ++i) {
    ASSERT_EQ(want.orders[i].id, snap->orders[i].id) << i;
    ASSERT_EQ(want.orders[i].qty, snap->orders[i].qty) << i;
    ASSERT_EQ(want.orders[i].price, snap->orders[i].price) << i;
    ASSERT_EQ(want.orders[i].priority_seq, snap->orders[i].priority_seq) << i;
  }
  Engine back(ac.engine);
  back.restore(*snap);  // throws unless the image rebuilds its recorded hash
  EXPECT_EQ(back.state_hash(), replay.state_hash());
}

}  // namespace
}  // namespace swarmex::journal
