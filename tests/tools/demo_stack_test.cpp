// The demo's configuration edit: keys of [server] replaced where set, added where not, the other
// tables untouched.
#include <gtest/gtest.h>

#include "stack.hpp"

namespace {

using swarmex::demo::with_server_keys;

TEST(DemoStackTest, ServerKeysAreReplacedOrAddedAndOtherTablesKept) {
  const std::string toml =
      "[server]\nlisten = \"0.0.0.0:7001\"\nlisten_backlog=16\n\n[engine]\nlisten = 1\n";
  const std::string out =
      with_server_keys(toml, {{"listen", "\"127.0.0.1:0\""}, {"dashboard_listen", "\"x\""}});
  EXPECT_EQ(out,
            "[server]\ndashboard_listen = \"x\"\nlisten = \"127.0.0.1:0\"\nlisten_backlog=16\n\n"
            "[engine]\nlisten = 1\n");
}

TEST(DemoStackTest, AMissingServerTableIsWrittenFirst) {
  EXPECT_EQ(with_server_keys("[engine]\nx = 1\n", {{"a", "1"}}),
            "[server]\na = 1\n\n[engine]\nx = 1\n");
}

}  // namespace
