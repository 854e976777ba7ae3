// swarmex-autopilot against a real swarmexd, on 2-second windows: a host reports what tenant-a
// uses (it holds a window there), tenant-a opts in, and the autopilot forecasts from the reports,
// bids before the gate closure, and the tenant sees its Forecast notice and a fill that names
// the agent, for exactly what the notice says was bought.
#include "autopilot_service_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

using AutopilotServiceE2eTest = AutopilotServiceTest;

TEST_F(AutopilotServiceE2eTest, ItForecastsFromUsageBuysBeforeTheGateAndTellsTheTenant) {
  auto h = host("host-a1");
  auto a = tenant("tenant-a");
  const std::int64_t held = window_after(5 * kSecond);
  hold_on_host_a1(*h, *a, held);
  offer(*h, 10, window_after(1 * kSecond), held, 500);
  grant(*a);
  start_autopilot();

  // 0.45 cores every 200 ms: VPA's 0.9 percentile + 15% is about 0.52 cores, 6 VRU.
  std::int64_t units = 0, bought = 0, filled = 0;
  const auto deadline = std::chrono::steady_clock::now() + 6s;
  auto next_report = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline && (bought == 0 || filled < bought)) {
    if (std::chrono::steady_clock::now() >= next_report) {
      report_usage(*h, 450);
      next_report += 200ms;
    }
    const wire::Message* m = a->client().receive(50ms);
    if (m == nullptr) continue;
    if (m->body_type() == wire::Body::Forecast && bought == 0) {
      const auto* f = m->body_as_Forecast();
      EXPECT_EQ(f->tenant()->str(), "tenant-a");
      EXPECT_EQ(f->resource()->str(), "cpu");
      EXPECT_EQ(f->price(), 1000);
      EXPECT_GT(f->p90(), 0.4);
      units = f->units();
      bought = f->bought();
    }
    if (m->body_type() == wire::Body::ExecutionReport) {
      const auto* r = m->body_as_ExecutionReport();
      if (r->kind() == ExecKind::Filled && r->agent() != nullptr) {
        EXPECT_EQ(r->agent()->str(), "autopilot");
        EXPECT_EQ(r->last_price(), 500) << "it paid the ask, not its limit";
        filled += r->last_qty();
      }
    }
  }
  EXPECT_GE(units, 5);
  EXPECT_LE(units, 7);
  EXPECT_EQ(bought, units) << "the agent held nothing of that window before";
  EXPECT_EQ(filled, bought) << "the tenant holds what the notice says was bought";
  autopilot_->stop();
  EXPECT_NE(autopilot_->output().find("units filled"), std::string::npos) << autopilot_->output();
}

TEST_F(AutopilotServiceE2eTest, WhenTheExchangeRestartsItLogsOnAgain) {
  start_autopilot();
  const std::size_t first = autopilot_->output().find("logged on");
  const std::string address = "127.0.0.1:" + std::to_string(server_->port());
  server_->kill();
  server_->set_listen(address);  // the same port: the autopilot's configuration names it
  server_->start();
  EXPECT_NE(autopilot_->wait_for("logged on", first + 1, 15000), std::string::npos)
      << autopilot_->output();
  EXPECT_NE(autopilot_->output().find("connecting again"), std::string::npos);
  EXPECT_TRUE(autopilot_->running());
}

}  // namespace
}  // namespace swarmex::e2e
