// Journal retention and restarts that read only from the snapshot on: the segments wholly before
// the oldest kept snapshot are deleted or archived (never one that is still needed), recovery
// after retention reaches the same state hash, and start-up opens no segment before the snapshot
// (an unreadable early segment does not matter; without the snapshot it would).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "random_commands.hpp"
#include "sim_files.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/retention.hpp"
#include "swarmex/journal/segment.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/snapshot_writer.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using engine::Command;
using engine::Engine;
using engine::EngineConfig;
using engine::EventBuffer;
using engine::Seq;
using swarmex::common::TempDir;
using swarmex::testing::SimFiles;

constexpr std::size_t kCommands = 6000;

std::unique_ptr<Engine> make_engine() {
  auto e = std::make_unique<Engine>(EngineConfig{1u << 16});
  for (const auto& s : swarmex::testing::random_test_instruments())
    e->add_instrument(s);
  return e;
}

RecoveryOptions options() {
  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 16};
  opt.instruments = swarmex::testing::random_test_instruments();
  return opt;
}

// A journal of kCommands random commands in small segments (a few hundred records each), with a
// snapshot after every command in `snapshots`. Returns the live engine's final state hash.
std::uint64_t build(JournalFiles& files, const std::vector<Seq>& snapshots) {
  auto live = make_engine();
  swarmex::testing::RandomCommands gen(11, swarmex::testing::random_test_instruments());
  JournalWriter w(files, 16 * 1024, 1, {});
  JournalBatch batch;
  EventBuffer ev;
  for (Seq s = 1; s <= kCommands; ++s) {
    Command c = gen.next([&](engine::OrderId id) { return live->order(id).has_value(); });
    c.seq = s;
    c.time_ns = static_cast<std::int64_t>(s) * 1000;
    ev.clear();
    live->apply(c, ev);
    batch.commands.push_back(c);
    if (batch.commands.size() == 50 || s == kCommands) {
      JournalBatch* b = &batch;
      EXPECT_EQ(w.write_batches(&b, 1), 0);
      batch.commands.clear();
    }
    if (std::find(snapshots.begin(), snapshots.end(), s) != snapshots.end()) {
      EXPECT_TRUE(batch.commands.empty()) << "snapshots at batch ends only";
      engine::EngineSnapshot snap;
      live->snapshot(snap);
      EXPECT_EQ(write_snapshot(files, snap), 0);
    }
  }
  return live->state_hash();
}

// Each segment's [first, last] sequence, by name, from a full scan.
std::map<std::string, std::pair<Seq, Seq>> ranges(JournalFiles& files) {
  std::map<std::string, std::pair<Seq, Seq>> out;
  const ScanResult r = scan_journal(files, {});
  EXPECT_TRUE(r.ok) << r.error;
  for (const SegmentStats& s : r.segments)
    out[s.name] = {s.first_seq, s.last_seq};
  return out;
}

TEST(JournalRetentionTest, DeletesExactlyTheSegmentsWhollyBeforeTheOldestKeptSnapshot) {
  SimFiles files;
  const std::uint64_t hash = build(files, {2000, 4000});
  const auto before = ranges(files);
  ASSERT_GT(before.size(), 20u);
  const RetentionResult r = retain_from_oldest_snapshot(files, {Retention::Delete, {}});
  ASSERT_EQ(r.error, 0);
  ASSERT_FALSE(r.done.empty());
  // Every deleted segment ends at or before the oldest snapshot (2000); every kept one ends
  // after it: the segment holding 2001 stays.
  for (const auto& [name, range] : before) {
    const bool deleted = std::find(r.done.begin(), r.done.end(), name) != r.done.end();
    EXPECT_EQ(deleted, range.second <= 2000) << name << " ends at " << range.second;
    EXPECT_EQ(files.files.count(name), deleted ? 0u : 1u) << name;
  }
  const ScanResult after = scan_journal(files, {});
  ASSERT_TRUE(after.ok) << after.error;
  EXPECT_LE(after.first_seq, 2001u);
  EXPECT_GT(after.first_seq, 1u);
  EXPECT_EQ(after.last_seq, kCommands);
  // Recovery after retention: the same state, from the newest snapshot and, with it damaged, from
  // the oldest kept one.
  Recovered rec = recover(files, options());
  EXPECT_EQ(rec.snapshot_seq, 4000u);
  EXPECT_EQ(rec.engine->state_hash(), hash);
  files.files.erase(snapshot_name(4000));
  Recovered older = recover(files, options());
  EXPECT_EQ(older.snapshot_seq, 2000u);
  EXPECT_EQ(older.replayed, kCommands - 2000);
  EXPECT_EQ(older.engine->state_hash(), hash);
  // Run again, nothing more goes: what is left is all needed.
  EXPECT_TRUE(retain_from_oldest_snapshot(files, {Retention::Delete, {}}).done.empty());
  // Without any snapshot the trimmed journal is refused, never replayed from its middle.
  files.files.erase(snapshot_name(2000));
  EXPECT_THROW(recover(files, options()), std::runtime_error);
}

TEST(JournalRetentionTest, KeepAndNoSnapshotTouchNothingAndTheNewestSegmentStays) {
  SimFiles none;
  build(none, {});
  EXPECT_TRUE(retain_from_oldest_snapshot(none, {Retention::Delete, {}}).done.empty());
  SimFiles files;
  build(files, {kCommands});  // a snapshot at the very end: all but the newest segment go
  const std::size_t n = files.list(kSegmentPrefix).size();
  SimFiles keep = files;
  EXPECT_TRUE(retain_from_oldest_snapshot(keep, {Retention::Keep, {}}).done.empty());
  const RetentionResult r = retain_from_oldest_snapshot(files, {Retention::Delete, {}});
  EXPECT_EQ(r.done.size(), n - 1);
  ASSERT_EQ(files.list(kSegmentPrefix).size(), 1u);
  EXPECT_EQ(recover(files, options()).engine->last_seq(), kCommands);
}

TEST(JournalRetentionTest, ArchiveMovesTheSegmentsToTheArchiveDirectory) {
  TempDir dir;
  const std::string journal_dir = dir.str() + "/partition-0";
  const std::string archive_dir = dir.str() + "/archive/partition-0";
  auto files = open_directory(journal_dir);
  const std::uint64_t hash = build(*files, {3000, 5000});
  const auto before = ranges(*files);
  std::map<std::string, std::vector<std::uint8_t>> bytes;
  for (const auto& [name, range] : before)
    files->read(name, &bytes[name]);
  const RetentionResult r = retain_from_oldest_snapshot(*files, {Retention::Archive, archive_dir});
  ASSERT_EQ(r.error, 0);
  ASSERT_FALSE(r.done.empty());
  for (const auto& [name, range] : before) {
    const bool moved = range.second <= 3000;
    EXPECT_EQ(std::filesystem::exists(journal_dir + "/" + name), !moved) << name;
    EXPECT_EQ(std::filesystem::exists(archive_dir + "/" + name), moved) << name;
    if (!moved) continue;
    std::ifstream in(archive_dir + "/" + name, std::ios::binary);
    const std::vector<std::uint8_t> got((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(got, bytes[name]) << name;
  }
  EXPECT_EQ(recover(*files, options()).engine->state_hash(), hash);
  // The archive is a journal directory of its own: `swarmex journal verify` reads it.
  auto archive = open_directory(archive_dir);
  const ScanResult a = scan_journal(*archive, {});
  EXPECT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.first_seq, 1u);
}

TEST(JournalRestartTest, StartUpReadsNoSegmentBeforeTheSnapshot) {
  SimFiles files;
  const std::uint64_t hash = build(files, {4500});
  const auto before = ranges(files);
  files.reads.clear();
  Recovered rec = recover(files, options());
  EXPECT_EQ(rec.engine->state_hash(), hash);
  EXPECT_EQ(rec.replayed, kCommands - 4500);
  std::size_t read = 0;
  for (const auto& [name, range] : before) {
    const bool needed = range.second > 4500;
    EXPECT_EQ(files.reads.count(name), needed ? 1u : 0u) << name << " ends at " << range.second;
    read += needed;
  }
  EXPECT_EQ(rec.segments_read, read);
  EXPECT_EQ(rec.segments_skipped, before.size() - read);
  EXPECT_GT(rec.segments_skipped, 10u);
}

TEST(JournalRestartTest, UnreadableEarlySegmentsDoNotMatterAfterASnapshot) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const std::uint64_t hash = build(*files, {4500});
  const auto before = ranges(*files);
  // Garbage over every segment that ends before the snapshot.
  for (const auto& [name, range] : before) {
    if (range.second > 4500) continue;
    std::ofstream out(files->path(name), std::ios::binary | std::ios::trunc);
    out << "not a journal segment";
  }
  Recovered rec = recover(*files, options());
  EXPECT_EQ(rec.snapshot_seq, 4500u);
  EXPECT_EQ(rec.engine->state_hash(), hash);
  // The same journal without its snapshot is corrupt, so those segments were really not read.
  std::filesystem::remove(files->path(snapshot_name(4500)));
  EXPECT_THROW(recover(*files, options()), std::runtime_error);
}

// The snapshot writer with retention, as swarmexd runs it: the journal's writer thread, snapshots
// every 1,000 commands submitted from the producing thread while batches flow, two kept: the
// journal then starts no later than the older kept snapshot + 1, and recovers the same state.
TEST(JournalRetentionTest, SnapshotWriterTrimsBehindTheSnapshotsWhileCommandsFlow) {
  SimFiles probe;  // the flow's commands and final hash
  const std::uint64_t hash = build(probe, {});
  std::vector<Command> cmds;
  ASSERT_TRUE(scan_journal(probe, {.visit = [&](const Command& c) { cmds.push_back(c); }}).ok);
  ASSERT_EQ(cmds.size(), kCommands);

  TempDir dir;
  auto files = open_directory(dir.str());
  JournalWriter journal(*files, 16 * 1024, 1, {});
  SnapshotWriter snaps(*files, &journal, 2, {Retention::Delete, {}});
  std::vector<SnapshotReport> reports;
  std::mutex mu;
  snaps.set_on_written([&](const SnapshotReport& r) {
    std::lock_guard lock(mu);
    reports.push_back(r);
  });
  journal.start();
  snaps.start();
  auto live = make_engine();
  EventBuffer ev;
  for (std::size_t i = 0; i < cmds.size(); i += 50) {
    JournalBatch* b = journal.acquire();
    for (std::size_t k = i; k < std::min(cmds.size(), i + 50); ++k) {
      ev.clear();
      live->apply(cmds[k], ev);
      b->commands.push_back(cmds[k]);
    }
    journal.submit(b);
    if ((i + 50) % 1000 == 0) {
      // As the partition does: wait for the previous snapshot to finish, so none is skipped.
      while (!snaps.ready())
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      engine::EngineSnapshot snap = snaps.take_spare();
      live->snapshot(snap);
      ASSERT_TRUE(snaps.submit(std::move(snap)));
    }
  }
  journal.stop();
  snaps.stop();
  ASSERT_EQ(live->state_hash(), hash);
  EXPECT_EQ(snaps.failures(), 0u);
  EXPECT_GT(snaps.segments_trimmed(), 0u);
  std::lock_guard lock(mu);
  ASSERT_EQ(reports.size(), kCommands / 1000);
  const std::vector<std::string> kept = files->list(kSnapshotPrefix);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept.front(), snapshot_name(kCommands - 1000));
  const ScanResult left = scan_journal(*files, {});
  ASSERT_TRUE(left.ok) << left.error;
  EXPECT_LE(left.first_seq, kCommands - 1000 + 1);
  EXPECT_GT(left.first_seq, kCommands - 2000);
  Recovered rec = recover(*files, options());
  EXPECT_EQ(rec.engine->state_hash(), hash);
  EXPECT_EQ(rec.engine->last_seq(), kCommands);
}

}  // namespace
}  // namespace swarmex::journal
