// The drop copy's log on its own: gap-free numbering, reads from memory and from files, segment
// rotation and retention, a torn last entry, and the restart rule (a replay of what the log holds
// adds nothing; what it lacks is added).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "drop_copy_log.hpp"
#include "swarmex/common/temp_dir.hpp"

namespace swarmex::gateway {
namespace {

engine::Event event(engine::Seq seq, engine::OrderId order) {
  engine::Event e;
  e.seq = seq;
  e.kind = engine::EventKind::Accepted;
  e.order_id = order;
  return e;
}

DropCopyOptions options(const std::string& dir) {
  return DropCopyOptions{
      .dir = dir, .segment_entries = 4, .retain_segments = 3, .ring_entries = 2, .partitions = 2};
}

std::vector<engine::OrderId> orders(const DropCopyLog& log, std::uint64_t from) {
  std::vector<DropCopyEntry> out;
  for (std::uint64_t s = from;;) {
    const auto n = log.read(s, 3, out);
    if (!n || *n == 0) break;
    s += *n;
  }
  std::vector<engine::OrderId> ids;
  for (const auto& e : out)
    ids.push_back(e.event.order_id);
  return ids;
}

TEST(DropCopyLogTest, NumbersReadsRotatesAndRetains) {
  common::TempDir dir;
  DropCopyLog log(options(dir.str()));
  EXPECT_EQ(log.next_seq(), 1u);
  for (engine::OrderId i = 1; i <= 10; ++i)
    log.add(event(i, i), 0, false);
  log.flush(0);
  EXPECT_EQ(log.next_seq(), 11u);
  // Segments of 4: [1..4] [5..8] [9..]; all three kept.
  EXPECT_EQ(log.oldest_seq(), 1u);
  EXPECT_EQ(orders(log, 1), (std::vector<engine::OrderId>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(orders(log, 9), (std::vector<engine::OrderId>{9, 10}));  // from the ring
  for (engine::OrderId i = 11; i <= 13; ++i)
    log.add(event(i, i), 1, false);
  log.flush(0);
  // A fourth segment [13..] drops [1..4].
  EXPECT_EQ(log.oldest_seq(), 5u);
  std::vector<DropCopyEntry> out;
  EXPECT_FALSE(log.read(4, 10, out).has_value()) << "an entry no longer kept was read";
  EXPECT_EQ(orders(log, 5).front(), 5u);
  EXPECT_EQ(orders(log, 5).back(), 13u);
  EXPECT_FALSE(std::filesystem::exists(dir.str() + "/dropcopy-00000000000000000001.swxd"));
}

TEST(DropCopyLogTest, ARestartSkipsWhatAReplayBringsAgainAndAddsTheRest) {
  common::TempDir dir;
  {
    DropCopyLog log(options(dir.str()));
    // Partition 0: seq 5 made two reports, seq 6 one. Partition 1: seq 3 one.
    log.add(event(5, 50), 0, false);
    log.add(event(5, 51), 0, true);
    log.add(event(3, 30), 1, false);
    log.add(event(6, 60), 0, false);
    log.flush(0);  // no state file yet (written once a second): the restart scans
  }
  // A torn write after the last whole entry.
  {
    std::ofstream f(dir.str() + "/dropcopy-00000000000000000001.swxd",
                    std::ios::binary | std::ios::app);
    f << "torn";
  }
  DropCopyLog log(options(dir.str()));
  EXPECT_EQ(log.next_seq(), 5u);
  // The replay: partition 0 from seq 5 (its snapshot), then a new seq 7; partition 1 again.
  log.add(event(5, 50), 0, false);
  log.add(event(5, 51), 0, true);
  log.add(event(6, 60), 0, false);
  log.add(event(7, 70), 0, false);
  log.add(event(3, 30), 1, false);
  log.add(event(4, 40), 1, false);
  log.flush(0);
  EXPECT_EQ(orders(log, 1), (std::vector<engine::OrderId>{50, 51, 30, 60, 70, 40}));
}

TEST(DropCopyLogTest, ACommandHalfCopiedBeforeACrashIsCompleted) {
  common::TempDir dir;
  {
    DropCopyLog log(options(dir.str()));
    log.add(event(8, 80), 0, false);  // the taker's report was written, the maker's was not
    log.flush(0);
  }
  DropCopyLog log(options(dir.str()));
  log.add(event(8, 80), 0, false);
  log.add(event(8, 81), 0, true);
  log.flush(0);
  EXPECT_EQ(orders(log, 1), (std::vector<engine::OrderId>{80, 81}));
}

TEST(DropCopyLogTest, WithoutADirectoryOnlyTheRingIsKept) {
  DropCopyLog log(DropCopyOptions{.dir = "", .ring_entries = 3, .partitions = 1});
  for (engine::OrderId i = 1; i <= 5; ++i)
    log.add(event(i, i), 0, false);
  log.flush(0);
  EXPECT_EQ(log.oldest_seq(), 3u);
  EXPECT_EQ(orders(log, 3), (std::vector<engine::OrderId>{3, 4, 5}));
  std::vector<DropCopyEntry> out;
  EXPECT_FALSE(log.read(2, 1, out).has_value());
}

}  // namespace
}  // namespace swarmex::gateway
