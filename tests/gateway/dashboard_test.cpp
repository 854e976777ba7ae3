// The dashboard's parts that need no network: the operator token check and its cache, the query
// string, the stage latency recorder and the operations view's bounds.
#include <gtest/gtest.h>

#include "dashboard_auth.hpp"
#include "dashboard_ops.hpp"
#include "stage_latency.hpp"
#include "swarmex/common/token_hash.hpp"

namespace swarmex::gateway {
namespace {

std::vector<Principal> principals() {
  const auto p = [](std::string name, Role role, engine::OwnerId id) {
    return Principal{name, id, role, role == Role::Host ? 1u : 0u,
                     common::hash_token(name + "-token", 1000)};
  };
  return {p("tenant-a", Role::Tenant, 1), p("host-a1", Role::Host, 2), p("ops", Role::Operator, 3),
          p("ops-2", Role::Operator, 4)};
}

TEST(DashboardAuthTest, OnlyOperatorTokensPass) {
  DashboardAuth auth(principals());
  EXPECT_TRUE(auth.check("ops-token", 0));
  EXPECT_TRUE(auth.check("ops-2-token", 0));
  EXPECT_FALSE(auth.check("tenant-a-token", 0));
  EXPECT_FALSE(auth.check("host-a1-token", 0));
  EXPECT_FALSE(auth.check("", 0));
}

TEST(DashboardAuthTest, AVerifiedTokenIsNotHashedAgain) {
  DashboardAuth auth(principals());
  ASSERT_TRUE(auth.check("ops-token", 0));
  const std::uint64_t hashed = auth.hashes_run();
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(auth.check("ops-token", i));
  EXPECT_EQ(auth.hashes_run(), hashed);
}

TEST(DashboardAuthTest, FailuresArePaced) {
  DashboardAuth auth(principals());
  for (std::uint32_t i = 0; i < DashboardAuth::kFailuresPerSecond; ++i)
    EXPECT_FALSE(auth.check(std::to_string(i) + "-wrong", 0));
  const std::uint64_t hashed = auth.hashes_run();
  EXPECT_FALSE(auth.check("ops-token", 500'000'000));   // this second's failures are spent
  EXPECT_EQ(auth.hashes_run(), hashed);                 // refused without hashing
  EXPECT_TRUE(auth.check("ops-token", 1'000'000'000));  // the next second checks again
}

TEST(DashboardAuthTest, QueryParameters) {
  EXPECT_EQ(query_param("/?token=abc", "token"), "abc");
  EXPECT_EQ(query_param("/ws?x=1&token=a%2Bb%20c+d&y=2", "token"), "a+b c d");
  EXPECT_EQ(query_param("/?tokens=abc", "token"), "");
  EXPECT_EQ(query_param("/", "token"), "");
  EXPECT_EQ(query_param("/?token", "token"), "");
  EXPECT_EQ(query_param("/?token=%zz%4", "token"), "%zz%4");  // malformed escapes kept as is
}

TEST(StageLatencyTest, RecordsEachStageOfAnAcknowledgedOrder) {
  StageRecorder r;
  r.received(7, 1'000);
  r.acknowledged(7, 3'000, 10'000, 12'000);
  r.acknowledged(7, 3'000, 10'000, 12'000);  // once only
  r.acknowledged(8, 3'000, 10'000, 12'000);  // never received here
  StageHistograms h;
  r.take(h);
  EXPECT_EQ(h[0].count(), 1u);
  EXPECT_EQ(h[0].max(), 2'000);   // received -> sequenced
  EXPECT_EQ(h[1].max(), 7'000);   // sequenced -> released
  EXPECT_EQ(h[2].max(), 11'000);  // received -> acknowledged
  StageHistograms again;
  r.take(again);  // taken: forgotten
  EXPECT_EQ(again[0].count(), 0u);
}

TEST(StageLatencyTest, SummaryKeepsTotalsAndARecentWindow) {
  StageSummary s;
  StageHistograms h;
  h[2].record(5'000);
  s.add(h, 1);
  s.add(StageHistograms(), 1 + StageSummary::kWindowNs);      // the first window rotates
  s.add(StageHistograms(), 1 + 2 * StageSummary::kWindowNs);  // and is gone
  EXPECT_EQ(s.recent(Stage::OrderToAck).count, 0u);
  EXPECT_EQ(s.since_start(Stage::OrderToAck).count, 1u);
  EXPECT_EQ(s.since_start(Stage::OrderToAck).max_ns, 5'000);
}

TEST(DashboardOpsTest, SessionsHostsAndForecastsAgainstUse) {
  Config c;
  c.principals = principals();
  DashboardOps ops(c);
  ops.session_opened(c.principals[0]);
  ops.session_opened(c.principals[1]);
  ops.enactment(c.principals[1], 5, true, 2'000'000, 100);
  ops.enactment(c.principals[1], 6, false, 0, 200);
  const std::int64_t start = 1'000 * 1'000'000'000LL;
  ops.forecast(ForecastView{.tenant = "tenant-a",
                            .resource = "cpu",
                            .pool = "pool-a",
                            .window_start_ns = start,
                            .window_length_s = 60,
                            .p50 = 1.5,
                            .p90 = 2.0});
  ops.usage("tenant-a", 0, 1'250, start + 1);  // millicores
  ops.usage("tenant-b", 0, 9'000, start + 1);  // not forecast: not kept
  ops.sample(start + 2);
  const OpsView v = ops.view(start + 2);
  EXPECT_EQ(v.sessions[0], 1u);
  EXPECT_EQ(v.sessions[1], 1u);
  ASSERT_EQ(v.hosts.size(), 1u);
  EXPECT_EQ(v.hosts[0].sessions, 1u);
  EXPECT_EQ(v.hosts[0].enactments, 2u);
  EXPECT_EQ(v.hosts[0].failures, 1u);
  EXPECT_EQ(v.hosts[0].last_fill_seq, 6u);
  EXPECT_EQ(v.hosts[0].last_lag_ns, 2'000'000);
  ASSERT_EQ(v.forecasts.size(), 1u);
  EXPECT_DOUBLE_EQ(v.forecasts[0].actual, 1.25);
  ASSERT_EQ(v.forecast_history.size(), 1u);
  ASSERT_EQ(v.forecast_history[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(v.forecast_history[0].points[0].p90, 2.0);
  EXPECT_DOUBLE_EQ(v.forecast_history[0].points[0].actual, 1.25);
  ops.session_closed(c.principals[1]);
  EXPECT_EQ(ops.view(start + 2).hosts[0].sessions, 0u);
}

TEST(DashboardOpsTest, ForecastsAreBounded) {
  DashboardOps ops{Config{}};
  for (std::size_t i = 0; i < kMaxForecasts + 10; ++i)
    for (std::size_t w = 0; w < kForecastWindows + 3; ++w)
      ops.forecast(ForecastView{.tenant = std::to_string(i) + "-t",
                                .resource = "cpu",
                                .pool = "p",
                                .window_start_ns = static_cast<std::int64_t>(w + i),
                                .window_length_s = 1});
  EXPECT_EQ(ops.view(0).forecasts.size(), kMaxForecasts);
}

}  // namespace
}  // namespace swarmex::gateway
