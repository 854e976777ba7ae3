// The [engine] table: how partitions wait, and the inline mode's one-I/O-thread rule; how I/O
// threads wait (server.busy_poll_us).
#include <gtest/gtest.h>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {
namespace {

std::string message_of(const std::string& toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(EngineConfig, EveryWaitStrategyParses) {
  EXPECT_EQ(parse_config("[engine]\nwait = \"spin\"\n", "t").engine.wait,
            engine::WaitStrategy::Spin);
  EXPECT_EQ(parse_config("[engine]\nwait = \"yield\"\n", "t").engine.wait,
            engine::WaitStrategy::Yield);
  EXPECT_EQ(parse_config("", "t").engine.wait, engine::WaitStrategy::Block) << "the default";
  const Config c = parse_config("[server]\nio_threads = 1\n[engine]\nwait = \"inline\"\n", "t");
  EXPECT_EQ(c.engine.wait, engine::WaitStrategy::Inline);
  EXPECT_EQ(c.server.io_threads, 1u);
}

TEST(EngineConfig, InlineNeedsExactlyOneIoThread) {
  const std::string two = message_of("[server]\nio_threads = 2\n[engine]\nwait = \"inline\"\n");
  EXPECT_NE(two.find("engine.wait"), std::string::npos) << two;
  EXPECT_NE(two.find("io_threads = 1"), std::string::npos) << two;
  const std::string by_default = message_of("[engine]\nwait = \"inline\"\n");
  EXPECT_NE(by_default.find("io_threads = 1"), std::string::npos)
      << "the default of 2 I/O threads is refused too: " << by_default;
}

TEST(EngineConfig, BusyPollIsOffByDefaultAndBounded) {
  EXPECT_EQ(parse_config("", "t").server.busy_poll_us, 0u) << "I/O threads sleep by default";
  EXPECT_EQ(parse_config("[server]\nbusy_poll_us = 50\n", "t").server.busy_poll_us, 50u);
  EXPECT_EQ(parse_config("[server]\nbusy_poll_us = 10000\n", "t").server.busy_poll_us, 10'000u);
  for (const char* bad : {"-1", "10001", "\"50\"", "1.5"}) {
    const std::string m = message_of(std::string("[server]\nbusy_poll_us = ") + bad + "\n");
    EXPECT_NE(m.find("server.busy_poll_us"), std::string::npos) << bad << ": " << m;
  }
}

TEST(EngineConfig, UnknownWaitNamesTheChoices) {
  const std::string m = message_of("[engine]\nwait = \"sleep\"\n");
  EXPECT_NE(m.find("spin, yield, block or inline"), std::string::npos) << m;
}

}  // namespace
}  // namespace swarmex::gateway
