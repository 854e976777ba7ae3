// server.metrics_listen: off unless set, and an address without a port refused with the key.
#include <gtest/gtest.h>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {
namespace {

TEST(MetricsConfig, OffUnlessSet) {
  EXPECT_EQ(parse_config("", "t").server.metrics_listen, "");
  EXPECT_EQ(
      parse_config("[server]\nmetrics_listen = \"127.0.0.1:9464\"\n", "t").server.metrics_listen,
      "127.0.0.1:9464");
}

TEST(MetricsConfig, AnAddressWithoutAPortIsRefused) {
  try {
    parse_config("[server]\nmetrics_listen = \"localhost\"\n", "test.toml");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("server.metrics_listen"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace swarmex::gateway
