// Usage telemetry over the wire with the real swarmexd: a host reports what a tenant that bought
// from it uses; that tenant (and operators) read it with `swarmex usage`, other tenants do not;
// reports from a non-host, for a tenant the host holds nothing for, with implausible values, or
// past the host's rate are refused with their reason while the session goes on.
#include <gtest/gtest.h>

#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

class UsageE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server("", "sync", 2, "[telemetry]\nreports_per_s = 5\nreports_burst = 10\n");
  }
  std::string cli(const std::string& who, const std::string& args) {
    return std::string(SWARMEX_CLI) +
           " usage --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " + who +
           " --token " + who + "-token " + args;
  }
  // tenant-a buys 5 VRU from host-a1; returns once the host has its fill.
  void sell_to_tenant_a(Conn& host, Conn& tenant) {
    host.client().subscribe_fills(1, 0);
    host.order(1, 1, wire::Side::Sell, 1000, 10);
    ASSERT_TRUE(host.report());  // accepted
    tenant.order(1, 1, wire::Side::Buy, 1000, 5, wire::TimeInForce::Ioc);
    std::optional<Report> fill;
    do
      fill = tenant.report();
    while (fill && fill->kind == wire::ExecKind::Accepted);
    ASSERT_TRUE(fill);
    ASSERT_EQ(fill->kind, wire::ExecKind::Filled);
    ASSERT_NE(host.next(wire::Body::Fill), nullptr);
  }
  static std::vector<client::UsageSampleSpec> samples(std::int64_t cpu_millicores) {
    return {{wire::UsageResource::Cpu, cpu_millicores, cpu_millicores, 500, {}},
            {wire::UsageResource::Mem, 3 << 20, 4 << 20, 0, {}},
            {wire::UsageResource::Io, 8192, 8192, 0, "8:0"}};
  }
};

TEST_F(UsageE2eTest, TheTenantSeesItsOwnUsageAndNoOtherTenantDoes) {
  auto host = this->host("host-a1");
  auto a = tenant("tenant-a");
  sell_to_tenant_a(*host, *a);
  // tenant-a follows its usage from before the report: the history (empty), then the report.
  a->client().subscribe_usage("", true);
  const wire::Message* end = a->next(wire::Body::UsageHistoryEnd);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->body_as_UsageHistoryEnd()->reports(), 0u);
  const auto s = samples(480);
  host->client().usage_report("tenant-a", 1000, realtime_ns(), s);
  const wire::Message* live = a->next(wire::Body::UsageReport);
  ASSERT_NE(live, nullptr);
  const auto* r = live->body_as_UsageReport();
  EXPECT_EQ(r->tenant()->str(), "tenant-a");
  EXPECT_EQ(r->host(), 1u);
  ASSERT_EQ(r->samples()->size(), 3u);
  EXPECT_EQ(r->samples()->Get(0)->used(), 480);

  const CliRun own = run_command(cli("tenant-a", "--json"));
  ASSERT_EQ(own.exit_code, 0) << own.out;
  EXPECT_NE(own.out.find(R"("tenant":"tenant-a","host":1)"), std::string::npos) << own.out;
  EXPECT_NE(own.out.find(R"("resource":"cpu","unit":"millicores","used":480,"peak":480,)"
                         R"("held":500)"),
            std::string::npos)
      << own.out;
  EXPECT_NE(own.out.find(R"("resource":"io","unit":"bytes","used":8192)"), std::string::npos);
  EXPECT_NE(own.out.find(R"("device":"8:0")"), std::string::npos);
  EXPECT_EQ(count_of(own.out, R"("type":"usage")"), 3) << own.out;
  const CliRun text = run_command(cli("tenant-a", ""));
  EXPECT_NE(text.out.find("usage tenant=tenant-a host=1 cpu used=480"), std::string::npos)
      << text.out;

  // tenant-b sees nothing of tenant-a's, asking for its own or for tenant-a's.
  const CliRun other = run_command(cli("tenant-b", "--json"));
  EXPECT_EQ(other.exit_code, 0) << other.out;
  EXPECT_EQ(count_of(other.out, "tenant-a"), 0) << other.out;
  EXPECT_EQ(count_of(other.out, R"("type":"usage")"), 0) << other.out;
  const CliRun named = run_command(cli("tenant-b", "--tenant tenant-a --json"));
  EXPECT_NE(named.exit_code, 0);
  EXPECT_NE(named.out.find("wrong_role"), std::string::npos) << named.out;
  EXPECT_EQ(count_of(named.out, R"("type":"usage")"), 0) << named.out;

  // Operators see every tenant's, or the one they name.
  const CliRun op = run_command(cli("operator", "--role operator --tenant tenant-a --json"));
  ASSERT_EQ(op.exit_code, 0) << op.out;
  EXPECT_EQ(count_of(op.out, R"("tenant":"tenant-a")"), 3) << op.out;
  const CliRun all = run_command(cli("operator", "--role operator --json"));
  EXPECT_EQ(count_of(all.out, R"("tenant":"tenant-a")"), 3) << all.out;
}

TEST_F(UsageE2eTest, ReportsFromNonHostsForNonHoldersOrImplausibleAreRefused) {
  auto host = this->host("host-a1");
  auto a = tenant("tenant-a");
  sell_to_tenant_a(*host, *a);
  const auto s = samples(400);
  a->client().usage_report("tenant-a", 1000, realtime_ns(), s);  // a tenant is no host
  auto e = a->error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, RejectReason::WrongRole) << e->text;

  host->client().usage_report("tenant-b", 1000, realtime_ns(), s);  // bought nothing here
  e = host->error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, RejectReason::NoAllocation) << e->text;
  EXPECT_NE(e->text.find("tenant-b"), std::string::npos);
  host->client().usage_report("host-b1", 1000, realtime_ns(), s);  // not a tenant at all
  e = host->error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, RejectReason::NoAllocation);

  const auto absurd = samples(500 * 1000);  // 500 cores on 5 VRU
  host->client().usage_report("tenant-a", 1000, realtime_ns(), absurd);
  e = host->error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, RejectReason::ImplausibleUsage) << e->text;
  host->client().usage_report("tenant-a", 0, realtime_ns(), s);  // no interval
  e = host->error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, RejectReason::ImplausibleUsage) << e->text;

  // None of them was kept.
  const CliRun own = run_command(cli("tenant-a", "--json"));
  ASSERT_EQ(own.exit_code, 0) << own.out;
  EXPECT_EQ(count_of(own.out, R"("type":"usage")"), 0) << own.out;
}

TEST_F(UsageE2eTest, AFloodPastTheHostsRateIsRefusedAndTheSessionGoesOn) {
  auto host = this->host("host-a1");
  auto a = tenant("tenant-a");
  sell_to_tenant_a(*host, *a);
  const auto s = samples(300);
  for (int i = 0; i < 40; ++i)
    host->client().usage_report("tenant-a", 1000, realtime_ns() + i, s);
  int limited = 0;
  while (auto e = host->error(500ms)) {
    EXPECT_EQ(e->reason, RejectReason::RateLimited) << e->text;
    ++limited;
  }
  // A burst of 10, and at 5 per second perhaps one more while they arrived.
  EXPECT_GE(limited, 28);
  EXPECT_LE(limited, 30);
  // The session still works: it is answered, and a report within the rate is kept.
  host->client().admin_list_instruments(7);
  EXPECT_NE(host->next(wire::Body::AdminAck), nullptr);
  std::this_thread::sleep_for(300ms);  // a token back
  host->client().usage_report("tenant-a", 1000, realtime_ns(), samples(123));
  EXPECT_FALSE(host->error(300ms));
  const CliRun own = run_command(cli("tenant-a", "--json --last 0"));
  EXPECT_EQ(count_of(own.out, R"("resource":"cpu")"), 40 - limited + 1) << own.out;
  EXPECT_NE(own.out.find(R"("used":123)"), std::string::npos);
}

}  // namespace
}  // namespace swarmex::e2e
