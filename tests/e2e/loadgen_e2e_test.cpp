// swarmex-loadgen against the real swarmexd: every request answered, the ack split at the
// engine's sequencing stamp adds up, and the echo baseline runs in the same invocation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "e2e_fixture.hpp"
#include "json_output.hpp"

namespace swarmex::e2e {
namespace {

using nlohmann::json;

// A number under `key`: a missing key or a value of another type throws and fails the test.
double number(const json& j, const std::string& key) {
  return j.at(key).get<double>();
}

TEST_F(E2eTest, LoadgenIsAnsweredInFullAndSplitsTheAckAtTheEngine) {
  const CliRun r = run_command(std::string(SWARMEX_LOADGEN) +
                               " --server 127.0.0.1:" + std::to_string(server_->port()) +
                               " --sessions 3 --principals tenant-a,tenant-b,tenant-c"
                               " --hosts host-a1 --rate 2000 --duration 1 --warmup 0.3"
                               " --echo-baseline --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json j = last_json_object(r.out);  // the summary, after any log lines
  EXPECT_GT(number(j, "orders"), 1000) << r.out;
  EXPECT_EQ(number(j, "unanswered"), 0) << r.out;
  EXPECT_EQ(number(j, "errors"), 0) << r.out;
  EXPECT_GT(number(j, "fills"), 0) << "crossing orders hit host-a1's asks: " << r.out;
  const json& ack = j.at("ack");
  const json& to = j.at("to_engine");
  const json& from = j.at("from_engine");
  // Every accepted order is split, and its two parts are each within its whole round trip.
  EXPECT_GT(number(j, "accepted"), 0) << r.out;
  EXPECT_EQ(number(to, "count"), number(j, "accepted")) << r.out;
  EXPECT_EQ(number(from, "count"), number(j, "accepted")) << r.out;
  EXPECT_LE(number(to, "max_us"), number(ack, "max_us")) << r.out;
  EXPECT_LE(number(from, "max_us"), number(ack, "max_us")) << r.out;
  EXPECT_GT(number(j.at("echo"), "count"), 1000) << "the echo baseline ran: " << r.out;
  EXPECT_GT(number(j, "ratio_p50"), 0) << r.out;
  // Interleaved by default: 500 ms segments, 1 s measured -> 2 pairs, each with a ratio.
  EXPECT_EQ(number(j, "echo_segment_ms"), 500) << r.out;
  EXPECT_EQ(number(j, "segments"), 2) << r.out;
  EXPECT_GT(number(j, "median_ratio_p50"), 0) << r.out;
  EXPECT_GT(number(j, "median_ratio_p99"), 0) << r.out;
  // Same schedule on both sides: the echo answers as many requests as the gateway was sent.
  const double requests = number(j, "orders") + number(j, "cancels");
  EXPECT_NEAR(number(j.at("echo"), "count"), requests, 0.05 * requests) << r.out;
}

TEST_F(E2eTest, LoadgenSequentialEchoBaselineStillRuns) {
  const CliRun r = run_command(std::string(SWARMEX_LOADGEN) +
                               " --server 127.0.0.1:" + std::to_string(server_->port()) +
                               " --sessions 2 --principals tenant-a,tenant-b --hosts host-a1"
                               " --rate 1000 --duration 0.5 --warmup 0.2 --echo-baseline"
                               " --echo-segment-ms 0 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json j = last_json_object(r.out);
  EXPECT_EQ(number(j, "unanswered"), 0) << r.out;
  EXPECT_GT(number(j.at("echo"), "count"), 300) << r.out;
  EXPECT_EQ(number(j, "echo_segment_ms"), 0) << r.out;
  EXPECT_FALSE(j.contains("median_ratio_p50")) << r.out;
}

// A cluster's node list: the first node refuses the connection (nothing listens on port 1), so
// every session logs on to the next.
TEST_F(E2eTest, LoadgenLogsOnToTheNodeOfAListThatAnswers) {
  const CliRun r = run_command(std::string(SWARMEX_LOADGEN) + " --server 127.0.0.1:1,127.0.0.1:" +
                               std::to_string(server_->port()) +
                               " --sessions 2 --principals tenant-a,tenant-b --hosts host-a1"
                               " --rate 1000 --duration 0.3 --warmup 0.1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const json j = last_json_object(r.out);
  EXPECT_GT(number(j, "orders"), 100) << r.out;
  EXPECT_EQ(number(j, "unanswered"), 0) << r.out;
  EXPECT_EQ(number(j, "errors"), 0) << r.out;
}

}  // namespace
}  // namespace swarmex::e2e
