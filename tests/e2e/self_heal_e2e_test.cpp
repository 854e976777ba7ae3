// Self-healing over real processes: swarmex-autopilot buys tenant-a's windows from the cheaper
// host-a1; host-a1's session goes away; past server.host_grace_ms the exchange tells tenant-a
// and the agent (HostLost), and the autopilot buys the same windows again from host-b1.
#include "autopilot_service_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class SelfHealE2eTest : public AutopilotServiceTest {
 protected:
  void SetUp() override { start_server("host_grace_ms = 300", "sync", 2, windows().toml); }
};

TEST_F(SelfHealE2eTest, ALostHostsWindowsAreBoughtAgainElsewhere) {
  auto h1 = host("host-a1");
  auto h2 = host("host-b1");
  auto a = tenant("tenant-a");
  const std::int64_t held = window_after(5 * kSecond);
  hold_on_host_a1(*h1, *a, held);
  const std::int64_t first = window_after(1 * kSecond);
  offer(*h1, 10, first, held, 500);
  offer(*h2, 10, first, held, 800);
  grant(*a);
  start_autopilot();

  std::int64_t from_a1 = 0;
  const auto bought_deadline = std::chrono::steady_clock::now() + 5s;
  auto next_report = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < bought_deadline && from_a1 == 0) {
    if (std::chrono::steady_clock::now() >= next_report) {
      report_usage(*h1, 450);
      next_report += 200ms;
    }
    const wire::Message* m = a->client().receive(50ms);
    if (m == nullptr || m->body_type() != wire::Body::ExecutionReport) continue;
    const auto* r = m->body_as_ExecutionReport();
    if (r->kind() == ExecKind::Filled && r->agent() != nullptr && r->host() == 1)
      from_a1 += r->last_qty();
  }
  ASSERT_GT(from_a1, 0) << "the agent bought from the cheaper host first\n" << autopilot_->output();

  h1.reset();  // host-a1's controller is gone (its asks go with it)
  const auto lost_at = std::chrono::steady_clock::now();
  bool told = false;
  std::int64_t from_b1 = 0;
  std::chrono::steady_clock::duration healed{};
  const auto heal_deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < heal_deadline && (!told || from_b1 == 0)) {
    const wire::Message* m = a->client().receive(50ms);
    if (m == nullptr) continue;
    if (m->body_type() == wire::Body::HostLost) {
      const auto* l = m->body_as_HostLost();
      EXPECT_EQ(l->host(), 1u);
      EXPECT_EQ(l->host_name()->str(), "host-a1");
      EXPECT_EQ(l->tenant()->str(), "tenant-a");
      EXPECT_GT(l->lease_end_ns(), l->lost_at_ns());
      told = true;
    }
    if (m->body_type() == wire::Body::ExecutionReport) {
      const auto* r = m->body_as_ExecutionReport();
      if (r->kind() == ExecKind::Filled && r->agent() != nullptr && r->host() == 2 &&
          from_b1 == 0) {
        EXPECT_TRUE(told) << "bought elsewhere only once the loss was declared";
        EXPECT_EQ(r->last_price(), 800);
        from_b1 = r->last_qty();
        healed = std::chrono::steady_clock::now() - lost_at;
      }
    }
  }
  EXPECT_TRUE(told) << "tenant-a hears of the loss";
  EXPECT_GT(from_b1, 0) << autopilot_->output();
  std::printf("host gone -> capacity bought elsewhere: %lld ms (grace 300 ms)\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(healed).count()));
  autopilot_->stop();
  EXPECT_NE(autopilot_->output().find("self-heal"), std::string::npos) << autopilot_->output();
}

}  // namespace
}  // namespace swarmex::e2e

namespace swarmex::e2e {
namespace {

// A host whose controller keeps failing to enforce its fills while its session stays up:
// server.host_failed_enactments failures in a row declare it lost at once (no grace to wait),
// its tenants hear HostLost, and its session is closed so that its asks leave the book.
class FailingHostE2eTest : public RollingWindowsTest {
 protected:
  void SetUp() override {
    start_server("host_grace_ms = 60000\nhost_failed_enactments = 3", "sync", 2, windows().toml);
  }
};

TEST_F(FailingHostE2eTest, EnactmentsFailingInARowDeclareTheHostLostAndCloseIt) {
  auto h = host("host-a1");
  auto a = tenant("tenant-a");
  const std::int64_t w = window_after(5 * kSecond);
  h->order(1, book(w), wire::Side::Sell, 500, 10);
  ASSERT_EQ(h->report()->kind, wire::ExecKind::Accepted);
  a->order(1, book(w), wire::Side::Buy, 500, 2, wire::TimeInForce::Ioc);
  ASSERT_EQ(a->report()->kind, wire::ExecKind::Accepted);
  ASSERT_EQ(a->report()->kind, wire::ExecKind::Filled);
  // Two failures, an enforced fill, two failures: never three in a row.
  for (const bool enforced : {false, false, true, false, false})
    h->client().enactment_report(1, enforced, enforced ? "" : "mkdir: permission denied", 1000);
  EXPECT_EQ(a->next(wire::Body::HostLost, std::chrono::milliseconds(700)), nullptr)
      << "an enforced report in between resets the count";
  h->client().enactment_report(1, false, "mkdir: permission denied", 0);
  const wire::Message* lost = a->next(wire::Body::HostLost, std::chrono::milliseconds(5000));
  ASSERT_NE(lost, nullptr) << "the third failure in a row declares the host lost";
  EXPECT_EQ(lost->body_as_HostLost()->host(), 1u);
  EXPECT_EQ(lost->body_as_HostLost()->host_name()->str(), "host-a1");
  const wire::Message* closed = h->next(wire::Body::Error, std::chrono::milliseconds(5000));
  ASSERT_NE(closed, nullptr) << "the failing host's session is closed with a reason";
  EXPECT_EQ(closed->body_as_Error()->reason(), wire::RejectReason::HostFailing);
  // Its ask went with the session: nothing is left to buy on that window.
  a->order(2, book(w), wire::Side::Buy, 500, 1, wire::TimeInForce::Ioc);
  ASSERT_EQ(a->report()->kind, wire::ExecKind::Accepted);
  const auto r = a->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, wire::ExecKind::Cancelled) << "no fill from the host declared lost";
}

}  // namespace
}  // namespace swarmex::e2e
