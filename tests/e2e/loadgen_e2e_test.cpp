// swarmex-loadgen against the real swarmexd: every request answered, the ack split at the
// engine's sequencing stamp adds up, and the echo baseline runs in the same invocation.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

// The number after "name": in a flat JSON text, or -1. (Not std::regex: GCC 12 warns inside
// <regex> under the sanitizer build, and warnings are errors.)
double field(const std::string& json, const std::string& name) {
  const std::string tag = "\"" + name + "\":";
  const auto at = json.find(tag);
  return at == std::string::npos ? -1 : std::strtod(json.c_str() + at + tag.size(), nullptr);
}

// The object after "name": (no nesting inside it).
std::string object(const std::string& json, const std::string& name) {
  const auto at = json.find("\"" + name + "\":{");
  if (at == std::string::npos) return "";
  const auto open = json.find('{', at);
  return json.substr(open, json.find('}', open) - open + 1);
}

TEST_F(E2eTest, LoadgenIsAnsweredInFullAndSplitsTheAckAtTheEngine) {
  const CliRun r = run_command(std::string(SWARMEX_LOADGEN) +
                               " --server 127.0.0.1:" + std::to_string(server_->port()) +
                               " --sessions 3 --principals tenant-a,tenant-b,tenant-c"
                               " --hosts host-a1 --rate 2000 --duration 1 --warmup 0.3"
                               " --echo-baseline --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string& j = r.out;
  EXPECT_GT(field(j, "orders"), 1000) << j;
  EXPECT_EQ(field(j, "unanswered"), 0) << j;
  EXPECT_EQ(field(j, "errors"), 0) << j;
  EXPECT_GT(field(j, "fills"), 0) << "crossing orders hit host-a1's asks: " << j;
  const std::string ack = object(j, "ack"), to = object(j, "to_engine"),
                    from = object(j, "from_engine");
  ASSERT_FALSE(ack.empty() || to.empty() || from.empty()) << j;
  // Every accepted order is split, and its two parts are each within its whole round trip.
  EXPECT_EQ(field(to, "count"), field(j, "accepted")) << j;
  EXPECT_EQ(field(from, "count"), field(j, "accepted")) << j;
  EXPECT_LE(field(to, "max_us"), field(ack, "max_us")) << j;
  EXPECT_LE(field(from, "max_us"), field(ack, "max_us")) << j;
  EXPECT_GT(field(object(j, "echo"), "count"), 1000) << "the echo baseline ran: " << j;
  EXPECT_GT(field(j, "ratio_p50"), 0) << j;
}

}  // namespace
}  // namespace swarmex::e2e
