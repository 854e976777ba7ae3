// Replay determinism: 1,000,000 random commands journaled through io_uring on a real directory;
// recovery into a fresh engine gives the live engine's state hash. Also the partition integration:
// a threaded partition with a sync-durability journal publishes each event only after its batch is
// on disk, and the journal recovers the partition's exact state.
#include <gtest/gtest.h>

#include <chrono>

#include "random_commands.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/engine/partition.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::common::TempDir;
using swarmex::testing::RandomCommands;

TEST(ReplayTest, MillionCommandsReplayToTheLiveHash) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto instruments = swarmex::testing::random_test_instruments();
  Engine live(EngineConfig{1u << 16});
  for (const auto& s : instruments)
    live.add_instrument(s);
  JournalWriter writer(*files, 16u << 20, 1, {});
  RandomCommands gen(2024, instruments);
  JournalBatch batch;
  EventBuffer ev(1u << 16);
  constexpr std::uint64_t kCommands = 1'000'000;
  for (std::uint64_t i = 1; i <= kCommands; ++i) {
    Command c = gen.next([&](OrderId id) { return live.order(id).has_value(); });
    c.seq = i;  // the sequencer's numbering: contiguous
    c.time_ns = static_cast<std::int64_t>(i) * 1000;
    ev.clear();
    live.apply(c, ev);
    batch.commands.push_back(c);
    if (batch.commands.size() == 8192 || i == kCommands) {
      JournalBatch* b = &batch;
      ASSERT_EQ(writer.write_batches(&b, 1), 0);
    }
  }
  EXPECT_EQ(writer.durable_seq(), kCommands);
  EXPECT_GT(writer.stats().segments, 1u);

  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 16};
  opt.instruments = instruments;
  Recovered r = recover(*files, opt);
  EXPECT_EQ(r.replayed, kCommands);
  EXPECT_EQ(r.engine->last_seq(), kCommands);
  EXPECT_EQ(r.engine->state_hash(), live.state_hash());
  EXPECT_EQ(r.engine->resting_orders(), live.resting_orders());
}

TEST(PartitionJournalTest, SyncDurabilityReleasesEventsAfterTheDiskAndRecovers) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto instruments = swarmex::testing::random_test_instruments();
  PartitionConfig cfg;
  cfg.engine = EngineConfig{1u << 14};
  auto engine = std::make_unique<Engine>(cfg.engine);
  for (const auto& s : instruments)
    engine->add_instrument(s);
  EnginePartition* partition_ptr = nullptr;
  JournalWriter writer(*files, 1u << 20, 1, [&](const std::vector<Event>& events) {
    // Released by the journal thread: everything here must already be durable.
    for (const Event& e : events)
      ASSERT_LE(e.seq, writer.durable_seq());
    partition_ptr->publish(events);
  });
  cfg.on_batch = [&](std::span<const Command> cmds, const EventBuffer& events) {
    JournalBatch* b = writer.acquire();
    b->commands.assign(cmds.begin(), cmds.end());
    b->events.assign(events.begin(), events.end());
    writer.submit(b);
    return true;
  };
  EnginePartition partition(0, cfg, std::move(engine));
  partition_ptr = &partition;
  writer.start();
  partition.start();

  Engine model(cfg.engine);
  for (const auto& s : instruments)
    model.add_instrument(s);
  RandomCommands gen(77, instruments);
  std::size_t outcomes_expected = 0;
  EventBuffer ev;
  for (Seq i = 1; i <= 20'000; ++i) {
    Command c = gen.next([&](OrderId id) { return model.order(id).has_value(); });
    if (c.kind > CommandKind::Resume) continue;
    Command stamped = c;
    stamped.seq = model.last_seq() + 1;
    ev.clear();
    model.apply(stamped, ev);
    ++outcomes_expected;
    partition.submit(c);
  }
  std::size_t outcomes = 0;
  std::vector<Event> buf(1024);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (outcomes < outcomes_expected && std::chrono::steady_clock::now() < deadline) {
    const std::size_t n = partition.poll(buf.data(), buf.size(), 10'000);
    for (std::size_t i = 0; i < n; ++i)
      outcomes += buf[i].kind == EventKind::Accepted || buf[i].kind == EventKind::Rejected;
  }
  partition.stop();
  writer.stop();
  EXPECT_EQ(outcomes, outcomes_expected);
  EXPECT_EQ(partition.engine().state_hash(), model.state_hash());
  EXPECT_EQ(writer.durable_seq(), model.last_seq());
  const JournalStats st = writer.stats();
  EXPECT_EQ(st.records, model.last_seq());
  EXPECT_LT(st.writes, st.records);  // group commit: fewer writes than records
  std::printf("20k commands: %lu writes (one fdatasync each), max %lu records per write\n",
              static_cast<unsigned long>(st.writes),
              static_cast<unsigned long>(st.max_records_per_write));

  RecoveryOptions opt;
  opt.engine = cfg.engine;
  opt.instruments = instruments;
  Recovered r = recover(*files, opt);
  EXPECT_EQ(r.engine->state_hash(), model.state_hash());
}

}  // namespace
}  // namespace swarmex::journal
