// The [standby] table of the host controller's configuration: defaults, values, and thresholds
// that would let the host flap refused with the key.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "host_config_support.hpp"
#include "swarmex/hostctl/host_config.hpp"

namespace swarmex::hostctl {
namespace {

using test::error_of;
using test::kHead;

TEST(StandbyConfigTest, AbsentMeansAnOrdinaryHost) {
  EXPECT_FALSE(parse_host_config(kHead, "f").standby.has_value());
}

TEST(StandbyConfigTest, ReadsThresholdsAndCommands) {
  const HostConfig c = parse_host_config(
      kHead +
          "[standby]\nactivate_at = 0.75\ndeactivate_below = 0\ndeactivate_after_ms = 5000\n"
          "on_activate = \"wake-gpus\"\non_deactivate = \"sleep-gpus\"\n"
          "command_timeout_ms = 100\n",
      "f");
  ASSERT_TRUE(c.standby.has_value());
  EXPECT_DOUBLE_EQ(c.standby->activate_at, 0.75);
  EXPECT_DOUBLE_EQ(c.standby->deactivate_below, 0.0);
  EXPECT_EQ(c.standby->deactivate_after_ms, 5000);
  EXPECT_EQ(c.standby->on_activate, "wake-gpus");
  EXPECT_EQ(c.standby->on_deactivate, "sleep-gpus");
  EXPECT_EQ(c.standby->command_timeout_ms, 100);
  const HostConfig d = parse_host_config(kHead + "[standby]\n", "f");
  ASSERT_TRUE(d.standby.has_value());
  EXPECT_DOUBLE_EQ(d.standby->activate_at, 0.8);
  EXPECT_DOUBLE_EQ(d.standby->deactivate_below, 0.3);
  const HostConfig whole = parse_host_config(kHead + "[standby]\nactivate_at = 1\n", "f");
  EXPECT_DOUBLE_EQ(whole.standby->activate_at, 1.0);  // an integer is a fraction too
}

TEST(StandbyConfigTest, RefusesThresholdsWithoutHysteresis) {
  EXPECT_NE(error_of(kHead + "[standby]\nactivate_at = 0.5\ndeactivate_below = 0.5\n")
                .find("standby.deactivate_below"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "[standby]\nactivate_at = 0.2\n").find("standby.deactivate_below"),
            std::string::npos);  // the default 0.3 is above it
  EXPECT_NE(error_of(kHead + "[standby]\nactivate_at = 1.5\n").find("standby.activate_at"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "[standby]\nactivate_at = 0\ndeactivate_below = 0\n")
                .find("standby.activate_at"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "[standby]\nactivate_at = \"high\"\n").find("standby.activate_at"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "[standby]\npower = 1\n").find("power"), std::string::npos);
}

}  // namespace
}  // namespace swarmex::hostctl
