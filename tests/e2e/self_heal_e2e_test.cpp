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
