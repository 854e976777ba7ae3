// Fills from JetStream (hostctl fill_feed.hpp): where a host controller reads its subject from,
// what each message is to it (the next fill, a duplicate, a gap), and the [exchange] keys.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "host_config_support.hpp"
#include "swarmex/hostctl/fill_feed.hpp"

namespace swarmex::hostctl {
namespace {

using test::error_of;

// [exchange] with the fill keys, then [host].
std::string config(const std::string& exchange_keys) {
  return "[exchange]\nprincipal=\"h\"\ntoken=\"t\"\n" + exchange_keys + "[host]\npool=\"p\"\n";
}

TEST(FillFeedTest, AnEmptySubjectIsReadFromItsStart) {
  EXPECT_EQ(feed_start(std::nullopt, 0), 1u);
  EXPECT_EQ(feed_start(std::nullopt, 42), 1u);
}

TEST(FillFeedTest, AnEnactedTailIsSkippedWhole) {
  // The newest message (stream seq 900) carries fill 7: with 7 (or more) enacted, nothing before
  // it is needed, and the subject is read from right after it.
  EXPECT_EQ(feed_start(SubjectTail{.stream_seq = 900, .fill_seq = 7}, 7), 901u);
  EXPECT_EQ(feed_start(SubjectTail{.stream_seq = 900, .fill_seq = 7}, 9), 901u);
}

TEST(FillFeedTest, ATailNotYetEnactedIsReadFromTheSubjectsStart) {
  // Somewhere before the tail is the first fill after the last enacted one.
  EXPECT_EQ(feed_start(SubjectTail{.stream_seq = 900, .fill_seq = 8}, 7), 1u);
  EXPECT_EQ(feed_start(SubjectTail{.stream_seq = 900, .fill_seq = 8}, 0), 1u);
}

TEST(FillFeedTest, StepsTakeTheNextSkipDuplicatesAndSeeGaps) {
  EXPECT_EQ(feed_step(8, 7, 7), FeedStep::Take);
  EXPECT_EQ(feed_step(1, 0, 0), FeedStep::Take);
  EXPECT_EQ(feed_step(7, 6, 7), FeedStep::Duplicate);
  EXPECT_EQ(feed_step(3, 2, 7), FeedStep::Duplicate);
  // Fill 10 follows 9, but only 7 is enacted: 8 and 9 never reached the subject.
  EXPECT_EQ(feed_step(10, 9, 7), FeedStep::Gap);
  EXPECT_EQ(feed_step(1, 0, 0), FeedStep::Take);
  EXPECT_EQ(feed_step(2, 1, 0), FeedStep::Gap);
}

TEST(FillFeedTest, SessionIsTheDefault) {
  const HostConfig c = parse_host_config(config(""), "f");
  EXPECT_EQ(c.fills, "session");
  EXPECT_TRUE(c.fills_servers.empty());
  EXPECT_EQ(c.fills_cluster, "swarmex");
}

TEST(FillFeedTest, JetStreamReadsServersAndCluster) {
  const HostConfig c =
      parse_host_config(config("fills = \"jetstream\"\nnats_servers = [\"nats://10.0.0.1:4222\", "
                               "\"nats://10.0.0.2:4222\"]\ncluster = \"prod-1\"\n"),
                        "f");
  EXPECT_EQ(c.fills, "jetstream");
  ASSERT_EQ(c.fills_servers.size(), 2u);
  EXPECT_EQ(c.fills_servers[1], "nats://10.0.0.2:4222");
  EXPECT_EQ(c.fills_cluster, "prod-1");
}

TEST(FillFeedTest, BadFillKeysAreRefusedWithTheKey) {
  EXPECT_NE(error_of(config("fills = \"kafka\"\n")).find("exchange.fills"), std::string::npos);
  EXPECT_NE(error_of(config("fills = \"jetstream\"\n")).find("exchange.nats_servers"),
            std::string::npos);
  EXPECT_NE(error_of(config("nats_servers = [\"10.0.0.1:4222\"]\n")).find("exchange.nats_servers"),
            std::string::npos);
  EXPECT_NE(error_of(config("nats_servers = \"nats://a:1\"\n")).find("exchange.nats_servers"),
            std::string::npos);
  EXPECT_NE(error_of(config("cluster = \"a.b\"\n")).find("exchange.cluster"), std::string::npos);
}

}  // namespace
}  // namespace swarmex::hostctl
