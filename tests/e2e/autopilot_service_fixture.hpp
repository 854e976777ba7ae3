// swarmexd with 2-second windows and a real swarmex-autopilot beside it (lead 4 s, review 1.5 s,
// 1-second forecast steps, VPA for cpu), and the steps its tests share: tenant-a holding a
// window on host-a1 (so host-a1 may report its usage), hosts offering windows, the grant.
#pragma once

#include "child_process.hpp"
#include "e2e_fixture.hpp"

namespace swarmex::e2e {

class AutopilotServiceTest : public RollingWindowsTest {
 protected:
  void start_autopilot() {
    const std::string config = dir_.str() + "/autopilot.toml";
    FILE* f = std::fopen(config.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f,
                 "[exchange]\nserver = \"127.0.0.1:%d\"\nprincipal = \"autopilot\"\n"
                 "token = \"autopilot-token\"\n[autopilot]\nlead_ms = 4000\nreview_ms = 1500\n"
                 "tick_ms = 200\nstep_s = 1\ncpu_method = \"vpa\"\n",
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
  // tenant-a buys 1 unit of window `w` from host-a1.
  static void hold_on_host_a1(Conn& h, Conn& a, std::int64_t w) {
    h.order(1, book(w), wire::Side::Sell, 500, 1);
    ASSERT_EQ(h.report()->kind, wire::ExecKind::Accepted);
    a.order(1, book(w), wire::Side::Buy, 500, 1, wire::TimeInForce::Ioc);
    ASSERT_EQ(a.report()->kind, wire::ExecKind::Accepted);
    ASSERT_EQ(a.report()->kind, wire::ExecKind::Filled);
  }
  // The host offers 20 units at `price` in every window of [first, end).
  static void offer(Conn& h, std::uint64_t first_id, std::int64_t first, std::int64_t end,
                    std::int64_t price) {
    for (std::int64_t w = first; w < end; ++w) {
      const auto id = static_cast<std::uint64_t>(first_id + static_cast<std::uint64_t>(w - first));
      h.order(id, book(w), wire::Side::Sell, price, 20);
      std::optional<Report> r;  // skips the host's reports of earlier sales
      while ((r = h.report()) &&
             !(r->kind == wire::ExecKind::Accepted && r->client_order_id == id)) {
      }
      ASSERT_TRUE(r) << "the host's ask was not accepted";
    }
  }
  // tenant-a lets the agent buy 2 s windows of cpu in pool-a up to 1,000 at the 0.9 quantile.
  static void grant(Conn& a) {
    client::AutopilotSpec g;
    g.request_id = 1;
    g.resource = "cpu";
    g.pool = "pool-a";
    g.length_s = 2;
    g.max_unit_price = 1000;
    g.budget_per_hour = 1'000'000;
    g.target = 0.9;
    a.client().autopilot_set(g);
    const wire::Message* ack = a.next(wire::Body::AutopilotAck);
    ASSERT_NE(ack, nullptr);
    ASSERT_TRUE(ack->body_as_AutopilotAck()->ok());
  }
  // The host reports tenant-a using `millicores` over the last second.
  static void report_usage(Conn& h, std::int64_t millicores) {
    const client::UsageSampleSpec s{wire::UsageResource::Cpu, millicores, millicores, 500, ""};
    h.client().usage_report("tenant-a", 1000, realtime_ns(), {&s, 1});
  }

  std::unique_ptr<tools::ChildProcess> autopilot_;
};

}  // namespace swarmex::e2e
