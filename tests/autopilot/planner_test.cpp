// The autopilot's planner: one decision per tenant and window, at the lead before its gate
// closure, bidding the forecast units less what the agent already bought, at the grant's price
// down to the tick; nothing for windows of other products or far gates; bounded by forgetting
// ended windows.
#include <gtest/gtest.h>

#include "swarmex/autopilot/config.hpp"
#include "swarmex/autopilot/planner.hpp"

namespace swarmex::autopilot {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

class PlannerTest : public ::testing::Test {
 protected:
  PlannerTest()
      : forecasts_(16, 1, {"vpa", 0.9}, {"vpa", 0.9}),
        planner_(forecasts_, PlannerConfig{10 * kS, 4 * kS, 1}) {}

  // tenant-a used `cores` every second for a minute before t0.
  void use(double cores) {
    for (std::int64_t t = 1; t <= 60; ++t)
      forecasts_.report("tenant-a", forecast::Resource::cpu, 1000 + t, cores, 1);
  }
  static ListedWindow window(std::uint32_t id, std::int64_t start_s, std::int64_t length_s = 4) {
    return ListedWindow{id, "cpu", "pool-a", start_s * kS, length_s * kS, (start_s - 2) * kS, 100};
  }
  static Grant grant(std::uint32_t length_s = 4) {
    return Grant{"tenant-a", "cpu", "pool-a", length_s, 1250, 1'000'000, 0.9};
  }

  forecast::TenantForecasts forecasts_;
  Planner planner_;
};

TEST_F(PlannerTest, ItBidsTheForecastOnceAtTheLeadAtTheGrantsPriceOnTick) {
  use(0.5);
  const std::vector<ListedWindow> windows{window(100, 1080), window(101, 1200)};
  const std::vector<Grant> grants{grant()};
  const Plan plan = planner_.plan(grants, windows, 1070 * kS);
  ASSERT_EQ(plan.bids.size(), 1u) << "only the window whose gate is within the lead";
  EXPECT_EQ(plan.bids[0].instrument, 100u);
  EXPECT_EQ(plan.bids[0].price, 1200) << "the maximum unit price, down to the tick";
  // VPA: the 0.9 percentile of 0.5 cores, + 15%: 0.575 cores = 6 VRU.
  EXPECT_EQ(plan.bids[0].qty, 6);
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(plan.notices[0].decision.units, 6);
  EXPECT_EQ(plan.notices[0].bought, 6);
  EXPECT_TRUE(planner_.plan(grants, windows, 1071 * kS).bids.empty()) << "decided once";
}

TEST_F(PlannerTest, WhatTheAgentBoughtIsNotBoughtAgain) {
  use(0.5);
  const std::vector<ListedWindow> windows{window(100, 1080)};
  planner_.note_fill("tenant-a", windows[0], 7, 4, 1000);
  const std::vector<Grant> grants{grant()};
  const Plan plan = planner_.plan(grants, windows, 1070 * kS);
  ASSERT_EQ(plan.bids.size(), 1u);
  EXPECT_EQ(plan.bids[0].qty, 2);
  EXPECT_EQ(plan.notices[0].held, 4);
}

TEST_F(PlannerTest, NoUsageOtherProductsAndSpotGrantsBuyNothing) {
  const std::vector<ListedWindow> windows{window(100, 1080)};
  std::vector<Grant> grants{grant()};
  EXPECT_TRUE(planner_.plan(grants, windows, 1070 * kS).notices.empty()) << "no usage seen yet";
  use(0.5);
  grants = {grant(8), grant(0)};
  EXPECT_TRUE(planner_.plan(grants, windows, 1070 * kS).notices.empty());
  grants = {grant()};
  EXPECT_EQ(planner_.plan(grants, windows, 1070 * kS).bids.size(), 1u)
      << "a window asked about without usage is decided once usage comes";
}

// The review finds 10 units held (bought when more was forecast) against a forecast of 6.
TEST_F(PlannerTest, AtTheReviewWhatIsHeldAboveForecastPlusMarginIsOfferedBack) {
  use(0.5);
  const std::vector<ListedWindow> windows{window(100, 1080)};
  const std::vector<Grant> grants{grant()};
  ASSERT_EQ(planner_.plan(grants, windows, 1070 * kS).bids[0].qty, 6);
  planner_.note_fill("tenant-a", windows[0], 7, 8, 1000);
  planner_.note_fill("tenant-a", windows[0], 8, 2, 1250);
  EXPECT_TRUE(planner_.plan(grants, windows, 1073 * kS).resales.empty()) << "not yet the review";
  const Plan review = planner_.plan(grants, windows, 1075 * kS);
  ASSERT_EQ(review.resales.size(), 1u) << "3 of host 7's 8 (its first host) cover the surplus";
  EXPECT_EQ(review.resales[0].host, 7u);
  EXPECT_EQ(review.resales[0].qty, 3) << "10 held, 6 forecast + 1 margin kept";
  EXPECT_EQ(review.resales[0].price, 1100) << "the average paid, 1,050, up to the tick";
  ASSERT_EQ(review.notices.size(), 1u);
  EXPECT_EQ(review.notices[0].bought, -3);
  EXPECT_EQ(review.notices[0].held, 10);
  const Plan again = planner_.plan(grants, windows, 1076 * kS);
  EXPECT_TRUE(again.resales.empty() && again.notices.empty()) << "reviewed once";
  planner_.note_fill("tenant-a", windows[0], 7, -3, 1100);
  EXPECT_EQ(planner_.held("tenant-a", windows[0]), 7);
}

TEST_F(PlannerTest, WhatALostHostHeldIsBoughtAgainWhileTheGateIsOpen) {
  use(0.5);
  const std::vector<ListedWindow> windows{window(100, 1080)};
  const std::vector<Grant> grants{grant()};
  ASSERT_EQ(planner_.plan(grants, windows, 1070 * kS).bids[0].qty, 6);
  planner_.note_fill("tenant-a", windows[0], 7, 4, 1000);
  planner_.note_fill("tenant-a", windows[0], 8, 2, 1000);
  EXPECT_TRUE(planner_.host_lost("tenant-b", 7).empty()) << "another tenant's";
  EXPECT_EQ(planner_.host_lost("tenant-a", 7), std::vector<std::int64_t>{1080 * kS});
  EXPECT_EQ(planner_.held("tenant-a", windows[0]), 2);
  const Plan again = planner_.plan(grants, windows, 1071 * kS);
  ASSERT_EQ(again.bids.size(), 1u);
  EXPECT_EQ(again.bids[0].qty, 4) << "host 7's share, bought again";
  EXPECT_TRUE(planner_.plan(grants, windows, 1079 * kS).bids.empty()) << "past the gate: nothing";
}

TEST_F(PlannerTest, EndedWindowsAreForgotten) {
  use(0.5);
  const std::vector<ListedWindow> windows{window(100, 1080)};
  const std::vector<Grant> grants{grant()};
  ASSERT_EQ(planner_.plan(grants, windows, 1070 * kS).bids.size(), 1u);
  planner_.note_fill("tenant-a", windows[0], 7, 6, 1000);
  EXPECT_EQ(planner_.decided(), 1u);
  planner_.forget_before(1084 * kS);
  EXPECT_EQ(planner_.decided(), 0u);
  EXPECT_EQ(planner_.held("tenant-a", windows[0]), 0);
}

TEST(AutopilotConfigTest, ReadsItsTablesAndRefusesWhatItDoesNotKnow) {
  const Config c = parse_config(
      "[exchange]\nserver = \"127.0.0.1:9\"\ntoken = \"t\"\n"
      "[autopilot]\nlead_ms = 5000\nreview_ms = 1000\nstep_s = 1\ncpu_method = \"vpa\"\n",
      "test.toml");
  EXPECT_EQ(c.server, "127.0.0.1:9");
  EXPECT_EQ(c.lead_ms, 5000);
  EXPECT_EQ(c.step_s, 1);
  EXPECT_EQ(c.cpu_method.name, "vpa");
  EXPECT_THROW(parse_config("[exchange]\ntoken = \"t\"\n[autopilot]\nlead = 1\n", "x"),
               std::runtime_error);
  EXPECT_THROW(
      parse_config("[exchange]\ntoken = \"t\"\n[autopilot]\ncpu_method = \"magic\"\n", "x"),
      std::runtime_error);
  EXPECT_THROW(parse_config("[exchange]\nserver = \"x:1\"\n", "x"), std::runtime_error)
      << "a token is required";
  EXPECT_THROW(parse_config("[exchange]\ntoken = \"t\"\n[autopilot]\nlead_ms = 5000\n", "x"),
               std::runtime_error)
      << "the review (15 s by default) must come after the decision";
}

TEST(AutopilotConfigTest, TheSampleConfigurationLoadsWithTheDefaults) {
  const Config c = load_config(SWARMEX_SAMPLE_AUTOPILOT_CONFIG);
  const Config defaults;
  EXPECT_EQ(c.principal, "autopilot");
  EXPECT_EQ(c.lead_ms, defaults.lead_ms);
  EXPECT_EQ(c.review_ms, defaults.review_ms);
  EXPECT_EQ(c.cpu_method.name, defaults.cpu_method.name);
  EXPECT_EQ(c.mem_method.name, defaults.mem_method.name);
}

}  // namespace
}  // namespace swarmex::autopilot
