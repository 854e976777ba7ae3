// Fair share: [limits.<role>] and a principal's own `limits` — the defaults, the order of
// precedence, and the refusal of values that would let one principal take a whole pool.
#include <gtest/gtest.h>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {
namespace {

const char* kHash = "pbkdf2-sha256$10000$00$00";

std::string principal(const std::string& name, int id, const std::string& role,
                      const std::string& extra = "") {
  return "[[principals]]\nname = \"" + name + "\"\nid = " + std::to_string(id) + "\nrole = \"" +
         role + "\"\ntoken_hash = \"" + kHash + "\"\n" +
         (role == "host" ? "host_id = " + std::to_string(id) + "\n" : "") + extra + "\n";
}

std::string message_of(const std::string& toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(LimitsConfig, DefaultsAreAFractionOfThePoolAndTheSessionRate) {
  const Config c = parse_config(
      "[server]\nrate_limit_per_s = 500\nrate_burst = 50\n"
      "[engine]\norder_capacity = 1600\n" +
          principal("t", 1, "tenant") + principal("h", 2, "host"),
      "t");
  ASSERT_EQ(c.principals.size(), 2u);
  for (const Principal& p : c.principals) {
    EXPECT_EQ(p.limits.resting_orders_per_partition, 100u) << "a sixteenth of order_capacity";
    EXPECT_EQ(p.limits.sessions, 64u);
    EXPECT_EQ(p.limits.subscriptions, 4096u);
    EXPECT_EQ(p.limits.depth_levels, 1000u);
    EXPECT_EQ(p.limits.requests_per_s, 500.0) << "all sessions together: one session's rate";
    EXPECT_EQ(p.limits.requests_burst, 50.0);
  }
  const Config tiny =
      parse_config("[engine]\norder_capacity = 4\n" + principal("t", 1, "tenant"), "t");
  EXPECT_EQ(tiny.principals[0].limits.resting_orders_per_partition, 1u) << "at least one";
}

TEST(LimitsConfig, RoleTablesThenThePrincipalsOwn) {
  const Config c = parse_config(
      "[engine]\norder_capacity = 1000\n"
      "[limits.tenant]\nresting_orders_per_partition = 10\nsessions = 2\nsubscriptions = 3\n"
      "depth_levels = 5\nrequests_per_s = 7.5\nrequests_burst = 9\n"
      "[limits.host]\nresting_orders_per_partition = 300\n" +
          principal("a", 1, "tenant") +
          principal("b", 2, "tenant",
                    "limits = { resting_orders_per_partition = 20, sessions = 4 }") +
          principal("h", 3, "host") + principal("op", 4, "operator") +
          principal("h2", 5, "host", "[principals.limits]\nsubscriptions = 11\n"),
      "t");
  const auto& a = c.principals[0].limits;
  EXPECT_EQ(a.resting_orders_per_partition, 10u);
  EXPECT_EQ(a.sessions, 2u);
  EXPECT_EQ(a.subscriptions, 3u);
  EXPECT_EQ(a.depth_levels, 5u);
  EXPECT_EQ(a.requests_per_s, 7.5);
  EXPECT_EQ(a.requests_burst, 9.0);
  const auto& b = c.principals[1].limits;
  EXPECT_EQ(b.resting_orders_per_partition, 20u) << "its own over its role's";
  EXPECT_EQ(b.sessions, 4u);
  EXPECT_EQ(b.subscriptions, 3u) << "the rest from its role";
  EXPECT_EQ(c.principals[2].limits.resting_orders_per_partition, 300u);
  EXPECT_EQ(c.principals[2].limits.sessions, 64u) << "hosts keep the built-in sessions";
  EXPECT_EQ(c.principals[3].limits.resting_orders_per_partition, 62u) << "operators: derived";
  EXPECT_EQ(c.principals[4].limits.subscriptions, 11u) << "a sub-table works as well";
  EXPECT_EQ(c.principals[4].limits.resting_orders_per_partition, 300u);
}

TEST(LimitsConfig, NoPrincipalMayTakeAWholePartition) {
  const std::string role = message_of(
      "[engine]\norder_capacity = 100\n[limits.tenant]\nresting_orders_per_partition "
      "= 100\n");
  EXPECT_NE(role.find("limits.tenant.resting_orders_per_partition"), std::string::npos) << role;
  EXPECT_NE(role.find("order_capacity"), std::string::npos) << role;
  const std::string own =
      message_of("[engine]\norder_capacity = 100\n" + principal("a", 1, "tenant") +
                 principal("b", 2, "tenant", "limits = { resting_orders_per_partition = 150 }"));
  EXPECT_NE(own.find("principals[1].limits.resting_orders_per_partition"), std::string::npos)
      << own;
  EXPECT_EQ(message_of("[engine]\norder_capacity = 100\n[limits.tenant]\n"
                       "resting_orders_per_partition = 99\n"),
            "")
      << "just below the pool is allowed";
}

TEST(LimitsConfig, BadValuesAreRefusedWithTheirKey) {
  const std::pair<std::string, std::string> cases[] = {
      {"[limits.tenant]\nsessions = 0\n", "limits.tenant.sessions"},
      {"[limits.host]\nsubscriptions = -1\n", "limits.host.subscriptions"},
      {"[limits.agent]\ndepth_levels = 1001\n", "limits.agent.depth_levels"},
      {"[limits.operator]\nrequests_per_s = 0\n", "limits.operator.requests_per_s"},
      {"[limits.tenant]\nrequests_burst = 0.5\n", "limits.tenant.requests_burst"},
      {"[limits.tenant]\nresting_orders_per_partition = \"many\"\n",
       "limits.tenant.resting_orders_per_partition"},
      {"[limits.tenant]\nsesions = 3\n", "limits.tenant.sesions"},
      // A float where an integer belongs is refused, never converted (2.2e121 overflows int64).
      {"[limits.tenant]\nsessions = 2.2e121\n", "limits.tenant.sessions"},
      {"[limits.tenant]\nresting_orders_per_partition = 2.2e121\n",
       "limits.tenant.resting_orders_per_partition"},
      {"[limits.guest]\nsessions = 3\n", "limits.guest"},
      {"[limits]\ntenant = 3\n", "limits.tenant"},
      {principal("a", 1, "tenant", "limits = { sessions = 0 }"), "principals[0].limits.sessions"},
      {principal("a", 1, "tenant", "limits = 5"), "principals[0].limits"},
      {principal("a", 1, "tenant", "limits = { bogus = 1 }"), "principals[0].limits.bogus"},
  };
  for (const auto& [toml, key] : cases) {
    const std::string m = message_of(toml);
    EXPECT_NE(m.find(key), std::string::npos) << toml << " -> " << m;
  }
}

}  // namespace
}  // namespace swarmex::gateway
