// swarmex-autopilot against a real swarmexd, on 2-second windows: a host reports what tenant-a
// uses (it holds a window there), tenant-a opts in, and the autopilot forecasts from the reports,
// bids before the gate closure, and the tenant sees its Forecast notice and a fill that names
// the agent, for exactly what the notice says was bought.
#include "child_process.hpp"
#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class AutopilotServiceE2eTest : public RollingWindowsTest {
 protected:
  void start_autopilot() {
    const std::string config = dir_.str() + "/autopilot.toml";
    FILE* f = std::fopen(config.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f,
                 "[exchange]\nserver = \"127.0.0.1:%d\"\nprincipal = \"autopilot\"\n"
                 "token = \"autopilot-token\"\n[autopilot]\nlead_ms = 4000\nreview_ms = "
                 "1500\ntick_ms = 200\n"
                 "step_s = 1\ncpu_method = \"vpa\"\n",
                 server_->port());
    std::fclose(f);
    autopilot_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/autopilot.log");
    autopilot_->start({SWARMEX_AUTOPILOT, "--config", config});
    ASSERT_NE(autopilot_->wait_for("logged on", 0, 10000), std::string::npos)
        << autopilot_->output();
  }
  void TearDown() override {
    if (autopilot_) {
      autopilot_->stop();
      if (HasFailure()) std::printf("--- autopilot output ---\n%s\n", autopilot_->output().c_str());
    }
    RollingWindowsTest::TearDown();
  }
  std::unique_ptr<tools::ChildProcess> autopilot_;
};

TEST_F(AutopilotServiceE2eTest, ItForecastsFromUsageBuysBeforeTheGateAndTellsTheTenant) {
  auto h = host("host-a1");
  auto a = tenant("tenant-a");
  // tenant-a holds a window on host-a1 (so the host may report its usage) ...
  const std::int64_t held = window_after(5 * kSecond);
  h->order(1, book(held), Side::Sell, 500, 1);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  a->order(1, book(held), Side::Buy, 500, 1, wire::TimeInForce::Ioc);
  ASSERT_EQ(a->report()->kind, ExecKind::Accepted);
  ASSERT_EQ(a->report()->kind, ExecKind::Filled);
  // ... and the host offers the windows before it.
  const std::int64_t first = window_after(1 * kSecond);
  for (std::int64_t w = first; w < held; ++w) {
    const auto id = static_cast<std::uint64_t>(10 + w - first);
    h->order(id, book(w), Side::Sell, 500, 20);
    std::optional<Report> r;  // skips the host's report of its earlier sale
    while ((r = h->report()) && !(r->kind == ExecKind::Accepted && r->client_order_id == id)) {
    }
    ASSERT_TRUE(r) << "the host's ask was not accepted";
  }
  client::AutopilotSpec g;
  g.request_id = 1;
  g.resource = "cpu";
  g.pool = "pool-a";
  g.length_s = 2;
  g.max_unit_price = 1000;
  g.budget_per_hour = 1'000'000;
  g.target = 0.9;
  a->client().autopilot_set(g);
  const wire::Message* ack = a->next(wire::Body::AutopilotAck);
  ASSERT_NE(ack, nullptr);
  ASSERT_TRUE(ack->body_as_AutopilotAck()->ok());
  start_autopilot();

  // 0.45 cores every 200 ms: VPA's 0.9 percentile + 15% is about 0.52 cores, 6 VRU.
  std::int64_t units = 0, bought = 0, filled = 0;
  const auto deadline = std::chrono::steady_clock::now() + 6s;
  auto next_report = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline && (bought == 0 || filled < bought)) {
    if (std::chrono::steady_clock::now() >= next_report) {
      const client::UsageSampleSpec s{wire::UsageResource::Cpu, 450, 450, 500, ""};
      h->client().usage_report("tenant-a", 1000, realtime_ns(), {&s, 1});
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
