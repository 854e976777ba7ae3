// Usage telemetry in the gateway: the history's bounds (each ring overwrites its oldest sample,
// the tenant cap drops the tenant reported least recently), the plausibility rules a host's
// report must pass, the per-host rate, the holders a host may report for, and the visibility rule.
#include <gtest/gtest.h>

#include <vector>

#include "principal_state.hpp"
#include "usage_board.hpp"
#include "usage_recipients.hpp"
#include "usage_rules.hpp"

namespace swarmex::gateway {
namespace {

using engine::RejectReason;

constexpr std::uint8_t kCpu = 0, kMem = 1, kIo = 2;

UsageRecord at(std::int64_t time_ns, std::uint8_t resource, std::int64_t used = 1) {
  UsageRecord r;
  r.host = 1;
  r.time_ns = time_ns;
  r.interval_ms = 5000;
  r.resource = resource;
  r.used = used;
  return r;
}

TEST(UsageBoard, EachRingKeepsTheLastSamples) {
  UsageBoard board(3, 10);
  for (int i = 1; i <= 5; ++i)
    board.record(7, at(i, kCpu, i));
  board.record(7, at(6, kMem));
  EXPECT_EQ(board.held(7, kCpu), 3u);
  EXPECT_EQ(board.held(7, kMem), 1u);
  const auto h = board.history(7, 0);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].record->used, 3);  // 1 and 2 were overwritten
  EXPECT_EQ(h[2].record->used, 5);
  EXPECT_EQ(h[3].record->resource, kMem);  // interleaved by time
  const auto last = board.history(7, 1);   // the last one per resource
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].record->used, 5);
}

TEST(UsageBoard, TheTenantCapDropsTheStalestTenant) {
  UsageBoard board(4, 2);
  board.record(1, at(1, kCpu));
  board.record(2, at(2, kCpu));
  board.record(1, at(3, kCpu));  // tenant 2 is now the stalest
  board.record(3, at(4, kCpu));
  EXPECT_EQ(board.tenants(), 2u);
  EXPECT_EQ(board.held(2, kCpu), 0u);
  EXPECT_EQ(board.held(1, kCpu), 2u);
  EXPECT_EQ(board.held(3, kCpu), 1u);
  const auto all = board.history(0, 0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].tenant, 1u);
  EXPECT_EQ(all[2].tenant, 3u);
  EXPECT_TRUE(board.history(2, 0).empty());
}

TEST(UsageBoard, AnUnknownResourceIsNotKept) {
  UsageBoard board(4, 2);
  board.record(1, at(1, 9));
  EXPECT_EQ(board.tenants(), 0u);
}

UsageSampleIn sample(std::uint8_t resource, std::int64_t used, std::int64_t held,
                     std::string_view device = {}) {
  return UsageSampleIn{resource, used, used, held, device};
}

RejectReason verdict(std::uint32_t interval_ms, std::vector<UsageSampleIn> s,
                     std::int64_t memory = 0) {
  return check_usage(interval_ms, s, memory).reason;
}

TEST(UsageRules, APlausibleReportPasses) {
  EXPECT_EQ(verdict(5000, {sample(kCpu, 480, 500), sample(kMem, 1 << 20, 256 << 20),
                           sample(kIo, 4096, 0, "8:0")}),
            RejectReason::None);
}

TEST(UsageRules, TheIntervalAndSampleCountAreBounded) {
  EXPECT_EQ(verdict(0, {sample(kCpu, 1, 100)}), RejectReason::ImplausibleUsage);
  EXPECT_EQ(verdict(kMaxUsageIntervalMs + 1, {sample(kCpu, 1, 100)}),
            RejectReason::ImplausibleUsage);
  EXPECT_EQ(verdict(kMaxUsageIntervalMs, {sample(kCpu, 1, 100)}), RejectReason::None);
  EXPECT_EQ(verdict(5000, {}), RejectReason::ImplausibleUsage);
  EXPECT_EQ(verdict(5000, std::vector<UsageSampleIn>(kMaxUsageSamples + 1, sample(kCpu, 1, 1))),
            RejectReason::ImplausibleUsage);
  EXPECT_EQ(verdict(5000, {sample(3, 1, 1)}), RejectReason::ImplausibleUsage);
}

TEST(UsageRules, NegativeValuesAreRefused) {
  EXPECT_EQ(verdict(5000, {sample(kCpu, -1, 100)}), RejectReason::ImplausibleUsage);
  EXPECT_EQ(verdict(5000, {sample(kMem, 1, -1)}), RejectReason::ImplausibleUsage);
  UsageSampleIn s = sample(kCpu, 1, 100);
  s.peak = -5;
  EXPECT_EQ(verdict(5000, {s}), RejectReason::ImplausibleUsage);
}

TEST(UsageRules, CpuIsAtMost64TimesItsQuotaAtLeastOneCore) {
  // 5 VRU held: the floor of one core counts, so 64 cores.
  EXPECT_EQ(verdict(5000, {sample(kCpu, 64'000, 500)}), RejectReason::None);
  EXPECT_EQ(verdict(5000, {sample(kCpu, 64'001, 500)}), RejectReason::ImplausibleUsage);
  // 40 VRU (4 cores) held: 256 cores.
  EXPECT_EQ(verdict(5000, {sample(kCpu, 256'000, 4000)}), RejectReason::None);
  EXPECT_EQ(verdict(5000, {sample(kCpu, 256'001, 4000)}), RejectReason::ImplausibleUsage);
  // A held quota too large to multiply is still bounded, without overflow.
  EXPECT_EQ(verdict(5000, {sample(kCpu, 1, INT64_MAX)}), RejectReason::None);
}

TEST(UsageRules, MemoryIsAtMostTheHostsDeclaredMemory) {
  const std::int64_t host = 4 * kMemShardBytes;
  EXPECT_EQ(verdict(5000, {sample(kMem, host, 0)}, host), RejectReason::None);
  EXPECT_EQ(verdict(5000, {sample(kMem, host + 1, 0)}, host), RejectReason::ImplausibleUsage);
  UsageSampleIn peak = sample(kMem, 1, 0);
  peak.peak = host + 1;
  EXPECT_EQ(verdict(5000, {peak}, host), RejectReason::ImplausibleUsage);
  // Nothing declared: 64 TiB.
  EXPECT_EQ(verdict(5000, {sample(kMem, kUsageUnknownHostMemoryBytes, 0)}), RejectReason::None);
  EXPECT_EQ(verdict(5000, {sample(kMem, kUsageUnknownHostMemoryBytes + 1, 0)}),
            RejectReason::ImplausibleUsage);
}

TEST(UsageRules, IoNamesADeviceAndStaysUnder100GBps) {
  EXPECT_EQ(verdict(1000, {sample(kIo, 1, 0)}), RejectReason::ImplausibleUsage);
  EXPECT_EQ(verdict(1000, {sample(kIo, 100'000'000'000, 0, "8:0")}), RejectReason::None);
  EXPECT_EQ(verdict(1000, {sample(kIo, 100'000'000'001, 0, "8:0")}),
            RejectReason::ImplausibleUsage);
  EXPECT_FALSE(check_usage(1000, std::vector{sample(kIo, 1, 0)}, 0).text.empty());
}

TEST(UsageRecipients, TenantsReadTheirOwnOperatorsEveryTenants) {
  EXPECT_TRUE(may_read_usage(Role::Tenant, 5, 5));
  EXPECT_FALSE(may_read_usage(Role::Tenant, 5, 6));
  EXPECT_FALSE(may_read_usage(Role::Tenant, 5, 0));
  EXPECT_TRUE(may_read_usage(Role::Operator, 1, 6));
  EXPECT_FALSE(may_read_usage(Role::Host, 3, 6));
  EXPECT_TRUE(reads_all_usage(Role::Operator));
  EXPECT_FALSE(reads_all_usage(Role::Tenant));
  EXPECT_FALSE(reads_all_usage(Role::Host));
}

TEST(UsageHolders, AHostReportsOnlyForTenantsItsFillsNamed) {
  Principal host{"host-a", 2, Role::Host, 1, ""};
  PrincipalState ps(host, 16);
  const std::int64_t s = 1'000'000'000;
  EXPECT_FALSE(ps.holds_for(10, 100 * s, 10 * s));
  ps.note_holder(10, 200 * s);
  ps.note_holder(10, 150 * s);  // an earlier lease does not shorten the later one
  EXPECT_TRUE(ps.holds_for(10, 100 * s, 10 * s));
  EXPECT_TRUE(ps.holds_for(10, 209 * s, 10 * s));  // within the grace after the lease
  EXPECT_FALSE(ps.holds_for(10, 211 * s, 10 * s));
  EXPECT_FALSE(ps.holds_for(11, 100 * s, 10 * s));
}

TEST(UsageRate, TheHostsBucketRefusesPastItsBurstAndRefills) {
  Principal host{"host-a", 2, Role::Host, 1, ""};
  PrincipalState ps(host, 16);
  const std::int64_t t0 = 5'000'000'000;
  int taken = 0;
  for (int i = 0; i < 10; ++i)
    taken += ps.take_usage_token(t0, 2.0, 4.0) ? 1 : 0;
  EXPECT_EQ(taken, 4);
  EXPECT_TRUE(ps.take_usage_token(t0 + 500'000'000, 2.0, 4.0));  // 0.5 s at 2/s: one more
  EXPECT_FALSE(ps.take_usage_token(t0 + 500'000'000, 2.0, 4.0));
}

}  // namespace
}  // namespace swarmex::gateway
