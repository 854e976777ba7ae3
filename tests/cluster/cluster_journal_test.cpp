// The journal writer in durability `replicated`: each write goes to the partition's JetStream
// stream before its batch is released, the stream's message holds exactly the segment's records,
// and a deposed writer (another node appended) releases nothing more and journals nothing more.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "nats_fixture.hpp"
#include "random_commands.hpp"
#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::testing {
namespace {

using engine::Command;

struct Dir {
  std::filesystem::path path;
  Dir() {
    std::string t = (std::filesystem::temp_directory_path() / "swarmex-cj-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::vector<Command> commands(std::uint64_t first, std::size_t n) {
  RandomCommands gen(7, random_test_instruments());
  std::vector<Command> out;
  for (std::size_t i = 0; i < n; ++i) {
    Command c = gen.next([](engine::OrderId) { return false; });
    c.seq = first + i;
    c.time_ns = static_cast<std::int64_t>(first + i) * 1000;
    out.push_back(c);
  }
  return out;
}

// Records of `data`, decoded.
std::vector<Command> decode_all(const std::vector<std::uint8_t>& data) {
  std::vector<Command> out;
  std::size_t off = 0;
  while (off < data.size()) {
    Command c;
    std::size_t len = 0;
    if (journal::decode_record(std::span(data).subspan(off), &c, &len) != journal::DecodeStatus::Ok)
      break;
    out.push_back(c);
    off += len;
  }
  return out;
}

using ClusterJournalTest = NatsClusterTest;

TEST_F(ClusterJournalTest, ReplicatedWriterReleasesAfterTheStreamHoldsTheBatchAndIsFencedAfter) {
  const std::string name = unique("swx");
  cluster::ensure_stream(*js_, cluster::journal_stream_spec(name, 0));
  std::atomic<int> deposed{0};
  cluster::JournalStreamReplicator rep(*js_, name, 0, "node-a", 0, 5000,
                                       [&](const std::string&) { ++deposed; });
  Dir dir;
  auto files = journal::open_directory(dir.path.string());
  std::mutex mu;
  std::size_t released = 0;
  journal::JournalWriter w(*files, 64u << 20, 1, [&](const std::vector<engine::Event>& ev) {
    std::lock_guard lock(mu);
    released += ev.size();
  });
  w.set_replicator(&rep, false);
  w.start();
  const auto first = commands(1, 50);
  journal::JournalBatch* b = w.acquire();
  b->commands = first;
  b->events.assign(3, engine::Event{});
  b->state_hash = 0xabcdef0123;
  w.submit(b);
  const auto t0 = std::chrono::steady_clock::now();
  while (w.durable_seq() < 50 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(w.durable_seq(), 50u) << w.failure();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(released, 3u);
  }
  // The stream holds one message: the 50 records, headers naming their range.
  const auto st = cluster::stream_state(*js_, cluster::journal_stream_name(name, 0));
  EXPECT_EQ(st.last_seq, 1u);
  EXPECT_EQ(rep.last_stream_seq(), 1u);
  {
    cluster::StreamFollower f(*js_, cluster::journal_stream_name(name, 0),
                              cluster::journal_subject(name, 0), 1);
    const auto m = f.next(5000);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->header(cluster::kKindHeader), "batch");
    EXPECT_EQ(m->header(cluster::kFirstHeader), "1");
    EXPECT_EQ(m->header(cluster::kLastHeader), "50");
    // The engine's state hash after seq 50, for a standby to compare with its own.
    EXPECT_EQ(m->header(cluster::kHashHeader), "000000abcdef0123");
    EXPECT_EQ(cluster::parse_state_hash(m->header(cluster::kHashHeader)), 0xabcdef0123u);
    const auto got = decode_all(m->data);
    ASSERT_EQ(got.size(), 50u);
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].seq, first[i].seq);
      EXPECT_EQ(got[i].kind, first[i].kind);
    }
  }

  // Another node takes over: its fence lands after the batch.
  cluster::JournalStreamReplicator other(*js_, name, 0, "node-b", st.last_seq, 5000);
  ASSERT_EQ(other.fence(50).result, cluster::PublishResult::Ok);

  // The deposed writer's next batch is neither released nor journaled locally.
  b = w.acquire();
  b->commands = commands(51, 10);
  b->events.assign(2, engine::Event{});
  w.submit(b);
  const auto t1 = std::chrono::steady_clock::now();
  while (!w.failed() && std::chrono::steady_clock::now() - t1 < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(w.failed());
  EXPECT_NE(w.failure().find("fenced"), std::string::npos) << w.failure();
  EXPECT_EQ(deposed.load(), 1);
  w.stop();
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(released, 3u);
  }
  EXPECT_EQ(w.durable_seq(), 50u);
  const auto scan = journal::scan_journal(*files, {});
  ASSERT_TRUE(scan.ok) << scan.error;
  EXPECT_EQ(scan.last_seq, 50u);
  EXPECT_EQ(cluster::stream_state(*js_, cluster::journal_stream_name(name, 0)).last_seq, 2u);
}

TEST(ClusterDurabilityTest, DurabilityNamesParse) {
  journal::Durability d{};
  ASSERT_TRUE(journal::parse_durability("replicated", &d));
  EXPECT_EQ(d, journal::Durability::Replicated);
  EXPECT_STREQ(journal::to_string(d), "replicated");
  ASSERT_TRUE(journal::parse_durability("replicated+sync", &d));
  EXPECT_EQ(d, journal::Durability::ReplicatedSync);
  EXPECT_TRUE(journal::releases_after_write(d));
  EXPECT_FALSE(journal::releases_after_write(journal::Durability::Async));
  EXPECT_FALSE(journal::parse_durability("replicated+async", &d));
}

}  // namespace
}  // namespace swarmex::testing
