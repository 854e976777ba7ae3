// The cluster module against a real 3-node nats-server cluster: streams with 3 replicas on file
// storage, publishes fenced by the expected last sequence, ordered followers, a node's death.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "nats_fixture.hpp"
#include "swarmex/cluster/error.hpp"
#include "swarmex/cluster/fenced_publisher.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"

namespace swarmex::testing {
namespace {

using cluster::FencedPublisher;
using cluster::PublishResult;

std::vector<std::uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// "<prefix><i>" (appended: GCC 12 misreads a short literal + std::to_string as overlapping).
std::string numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

cluster::StreamSpec spec(const std::string& name) {
  cluster::StreamSpec s;
  s.name = name;
  s.subjects = {name + ".x"};
  return s;
}

using ClusterStreamTest = NatsClusterTest;

TEST_F(ClusterStreamTest, StreamHasThreeReplicasOnFileStorageAndIsCreatedOnce) {
  const auto name = unique("s");
  const auto st = cluster::ensure_stream(*js_, spec(name));
  EXPECT_EQ(st.replicas, 3);
  EXPECT_EQ(st.last_seq, 0u);
  EXPECT_FALSE(st.leader.empty());
  EXPECT_GE(cluster_->index_of(st.leader), 0) << st.leader;
  // Again: the same stream, not an error.
  EXPECT_EQ(cluster::ensure_stream(*js_, spec(name)).replicas, 3);
  auto other = spec(name);
  other.replicas = 1;
  EXPECT_THROW(cluster::ensure_stream(*js_, other), cluster::NatsError);
  EXPECT_TRUE(cluster::delete_stream(*js_, name));
  EXPECT_FALSE(cluster::delete_stream(*js_, name));
}

TEST_F(ClusterStreamTest, APublisherThatAnotherWroteAfterIsFenced) {
  const auto name = unique("s");
  cluster::ensure_stream(*js_, spec(name));
  FencedPublisher a(*js_, name, name + ".x", "node-a", 0);
  for (int i = 0; i < 3; ++i) {
    const auto out = a.publish(bytes(numbered("a", i)));
    ASSERT_EQ(out.result, PublishResult::Ok) << out.error;
    EXPECT_EQ(out.seq, static_cast<std::uint64_t>(i + 1));
  }
  // B took over having applied everything up to 3, and appends.
  FencedPublisher b(*js_, name, name + ".x", "node-b", 3);
  ASSERT_EQ(b.publish(bytes("fence")).result, PublishResult::Ok);
  // A does not know: its next append expects 3 and fails, now and on every later try.
  const auto late = a.publish(bytes("a3"));
  EXPECT_EQ(late.result, PublishResult::Fenced) << late.error;
  EXPECT_EQ(a.publish(bytes("a4")).result, PublishResult::Fenced);
  EXPECT_EQ(cluster::stream_state(*js_, name).last_seq, 4u);
  EXPECT_EQ(b.publish(bytes("b1")).result, PublishResult::Ok);
}

TEST_F(ClusterStreamTest, TwoPublishersOnAnEmptyStreamCannotBothAppend) {
  const auto name = unique("s");
  cluster::ensure_stream(*js_, spec(name));
  FencedPublisher a(*js_, name, name + ".x", "node-a", 0);
  FencedPublisher b(*js_, name, name + ".x", "node-b", 0);
  EXPECT_EQ(a.publish(bytes("first")).result, PublishResult::Ok);
  EXPECT_EQ(b.publish(bytes("second")).result, PublishResult::Fenced);
  EXPECT_EQ(cluster::stream_state(*js_, name).last_seq, 1u);
}

TEST_F(ClusterStreamTest, FollowerReadsInOrderFromASequenceWithHeaders) {
  const auto name = unique("s");
  cluster::ensure_stream(*js_, spec(name));
  FencedPublisher p(*js_, name, name + ".x", "node-a", 0);
  for (int i = 1; i <= 5; ++i) {
    const std::vector<cluster::Header> h{{"Swx-N", std::to_string(i)}};
    ASSERT_EQ(p.publish(bytes(numbered("m", i)), h).result, PublishResult::Ok);
  }
  cluster::StreamFollower f(*js_, name, name + ".x", 3);
  for (int i = 3; i <= 5; ++i) {
    const auto m = f.next(5000);
    ASSERT_TRUE(m.has_value()) << "message " << i;
    EXPECT_EQ(m->seq, static_cast<std::uint64_t>(i));
    EXPECT_EQ(std::string(m->data.begin(), m->data.end()), numbered("m", i));
    EXPECT_EQ(m->header("Swx-N"), std::to_string(i));
  }
  EXPECT_FALSE(f.next(200).has_value());  // nothing more
  ASSERT_EQ(p.publish(bytes("m6")).result, PublishResult::Ok);
  const auto m6 = f.next(5000);
  ASSERT_TRUE(m6.has_value());
  EXPECT_EQ(m6->seq, 6u);
}

TEST_F(ClusterStreamTest, PublishingGoesOnWhenTheStreamLeaderDies) {
  const auto name = unique("s");
  const auto st = cluster::ensure_stream(*js_, spec(name));
  FencedPublisher p(*js_, name, name + ".x", "node-a", 0, 15000);
  ASSERT_EQ(p.publish(bytes("before")).result, PublishResult::Ok);
  const int leader = cluster_->index_of(cluster::stream_state(*js_, name).leader);
  ASSERT_GE(leader, 0) << st.leader;
  cluster_->kill(leader);
  const auto t0 = std::chrono::steady_clock::now();
  const auto out = p.publish(bytes("after"));  // waits out the new election
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_EQ(out.result, PublishResult::Ok) << out.error;
  EXPECT_EQ(out.seq, 2u);
  std::printf("stream leader %s killed: next publish acknowledged after %lld ms\n",
              cluster_->server_name(leader).c_str(), static_cast<long long>(ms));
  const auto now = cluster::stream_state(*js_, name);
  EXPECT_NE(now.leader, cluster_->server_name(leader));
  EXPECT_EQ(now.last_seq, 2u);
  cluster_->restart(leader);
}

TEST(NatsClusterFixtureTest, StopLeavesNoProcessAndNoDirectory) {
  if (tools::find_nats_server().empty()) GTEST_SKIP() << "nats-server not found";
  std::string dir;
  {
    tools::NatsCluster c(3, "swx-fixture");
    dir = c.dir();
    EXPECT_TRUE(std::filesystem::is_directory(dir + "/n0"));
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(c.running(i));
    c.pause(1);  // a paused server is stopped too
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
  // No process still runs with a configuration from that directory.
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream cmd(e.path() / "cmdline");
    std::string line;
    std::getline(cmd, line, '\0');
    std::string all = line;
    while (std::getline(cmd, line, '\0'))
      all += " " + line;
    EXPECT_EQ(all.find(dir), std::string::npos) << e.path() << ": " << all;
  }
}

}  // namespace
}  // namespace swarmex::testing
