// Allocation arithmetic and planning: the values and files written for VRUs, memory shards, io
// units and cpusets on v2 and v1, their order, overflow, and the directory plans.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "cgroup_test_support.hpp"
#include "swarmex/hostctl/cgroup_tree.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"

namespace swarmex::hostctl {
namespace {

namespace fs = std::filesystem;
using common::TempDir;
using testing::make_v1;
using testing::make_v2;
using testing::put;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// "file=value" per write, file relative to the tenant's directory, '>' marking after_previous.
std::vector<std::string> describe(const std::vector<CgroupWrite>& ws) {
  std::vector<std::string> out;
  for (const auto& w : ws)
    out.push_back(
        fmt::format("{}{}={}", w.after_previous ? ">" : "", w.file.filename().string(), w.value));
  return out;
}

using Lines = std::vector<std::string>;

TEST(TenantLimitValues, CpuQuota) {
  EXPECT_EQ(cpu_quota_us(0), 1000);  // nothing bought: the kernel's minimum, not unlimited
  EXPECT_EQ(cpu_quota_us(1), 10000);
  EXPECT_EQ(cpu_quota_us(5), 50000);
  EXPECT_EQ(cpu_quota_us(10), 100000);
  EXPECT_EQ(cpu_quota_us(40), 400000);  // 4 CPUs' worth
  EXPECT_THROW(cpu_quota_us(-1), std::invalid_argument);
}

TEST(TenantLimitValues, MemoryAndIo) {
  EXPECT_EQ(memory_limit_bytes(0), std::nullopt);  // unlimited
  EXPECT_EQ(memory_limit_bytes(1), 268435456);
  EXPECT_EQ(memory_limit_bytes(4), 1073741824);
  EXPECT_EQ(io_bytes_per_second(0), 0);
  EXPECT_EQ(io_bytes_per_second(3), 30000000);
}

TEST(TenantLimitValues, OverflowIsAnErrorNeverAWrap) {
  EXPECT_THROW(cpu_quota_us(kMax / kCpuQuotaPerVruUs + 1), std::overflow_error);
  EXPECT_NO_THROW(cpu_quota_us(kMax / kCpuQuotaPerVruUs));
  EXPECT_THROW(memory_limit_bytes(kMax / kMemShardBytes + 1), std::overflow_error);
  EXPECT_THROW(io_bytes_per_second(kMax), std::overflow_error);
  const CgroupLayout v2{CgroupVersion::V2, "/cg", "swarmex", {}};
  EXPECT_THROW(plan_tenant_writes(v2, "a", TenantLimits{kMax, 1, {}, {}}, nullptr),
               std::overflow_error);
  EXPECT_THROW(plan_tenant_writes(v2, "a", TenantLimits{1, std::int64_t{1} << 40, {}, {}}, nullptr),
               std::overflow_error);
}

TEST(TenantLimitValues, InvalidLimitsAreRefused) {
  const CgroupLayout v1{CgroupVersion::V1, "/cg", "swarmex", {{"blkio", "/cg/blkio"}}};
  const auto plan = [&](TenantLimits l) { return plan_tenant_writes(v1, "a", l, nullptr); };
  EXPECT_THROW(plan({-1, 0, {}, {}}), std::invalid_argument);
  EXPECT_THROW(plan({0, -1, {}, {}}), std::invalid_argument);
  EXPECT_THROW(plan({0, 0, {{"sda", 1}}, {}}), std::invalid_argument);
  EXPECT_THROW(plan({0, 0, {{"8:0", -1}}, {}}), std::invalid_argument);
  EXPECT_THROW(plan({0, 0, {{"8:0", 1}, {"8:0", 2}}, {}}), std::invalid_argument);
  EXPECT_THROW(plan({0, 0, {}, "3-1"}), std::invalid_argument);
  EXPECT_THROW(plan({0, 0, {}, "1,,2"}), std::invalid_argument);
  EXPECT_THROW(plan({0, 0, {}, "0 1"}), std::invalid_argument);
  EXPECT_THROW(plan_tenant_writes(v1, "../x", TenantLimits{}, nullptr), std::invalid_argument);
}

TEST(TenantPlanV2, FreshTenantWritesEverythingMemoryFirst) {
  const CgroupLayout v2{CgroupVersion::V2,
                        "/cg",
                        "swarmex",
                        {{"cpu", "/cg"}, {"memory", "/cg"}, {"io", "/cg"}, {"cpuset", "/cg"}}};
  const TenantLimits now{5, 4, {{"8:0", 3}}, "2-3,5"};
  const auto ws = plan_tenant_writes(v2, "acme", now, nullptr);
  for (const auto& w : ws)
    EXPECT_EQ(w.file.parent_path(), fs::path("/cg/swarmex/acme"));
  EXPECT_EQ(describe(ws),
            (Lines{"memory.max=1073741824", ">memory.high=1073741824", ">cpu.max=50000 100000",
                   ">io.max=8:0 rbps=30000000 wbps=30000000", ">cpuset.cpus=2-3,5"}));
}

TEST(TenantPlanV2, ZeroMeansMinimumCpuAndUnlimitedMemory) {
  const CgroupLayout v2{CgroupVersion::V2, "/cg", "swarmex", {}};
  EXPECT_EQ(describe(plan_tenant_writes(v2, "a", TenantLimits{}, nullptr)),
            (Lines{"memory.max=max", ">memory.high=max", ">cpu.max=1000 100000"}));
}

TEST(TenantPlanV2, OnlyChangesAndMemoryLastWhenLowered) {
  const CgroupLayout v2{CgroupVersion::V2, "/cg", "swarmex", {{"io", "/cg"}}};
  const TenantLimits before{10, 8, {{"8:0", 3}, {"8:16", 2}}, {}};
  const TenantLimits now{5, 4, {{"8:0", 0}}, {}};
  EXPECT_EQ(describe(plan_tenant_writes(v2, "a", now, &before)),
            (Lines{"cpu.max=50000 100000", ">io.max=8:0 rbps=max wbps=max",
                   ">io.max=8:16 rbps=max wbps=max", ">memory.high=1073741824",
                   ">memory.max=1073741824"}));
  // Raising memory goes first; unchanged limits are not rewritten.
  const TenantLimits raised{5, 16, {{"8:0", 0}}, {}};
  EXPECT_EQ(describe(plan_tenant_writes(v2, "a", raised, &now)),
            (Lines{"memory.max=4294967296", ">memory.high=4294967296"}));
  EXPECT_TRUE(plan_tenant_writes(v2, "a", now, &now).empty());
}

TEST(TenantPlanV2, MissingControllersAreErrors) {
  const CgroupLayout bare{CgroupVersion::V2, "/cg", "swarmex", {{"cpu", "/cg"}, {"memory", "/cg"}}};
  EXPECT_THROW(plan_tenant_writes(bare, "a", TenantLimits{1, 1, {{"8:0", 1}}, {}}, nullptr),
               std::runtime_error);
  EXPECT_THROW(plan_tenant_writes(bare, "a", TenantLimits{1, 1, {}, "1"}, nullptr),
               std::runtime_error);
  EXPECT_EQ(plan_tenant_writes(bare, "a", TenantLimits{1, 1, {}, {}}, nullptr).size(), 3u);
  // A zero io limit needs no controller: there is nothing to remove.
  EXPECT_EQ(plan_tenant_writes(bare, "a", TenantLimits{1, 1, {{"8:0", 0}}, {}}, nullptr).size(),
            3u);
}

TEST(TenantPlanV1, FreshTenant) {
  TempDir t;
  make_v1(t.path());
  const auto v1 = detect_cgroup_layout(t.path());
  const auto ws = plan_tenant_writes(v1, "acme", TenantLimits{5, 4, {{"8:0", 3}}, {}}, nullptr);
  EXPECT_EQ(describe(ws),
            (Lines{"memory.limit_in_bytes=1073741824", ">cpu.cfs_period_us=100000",
                   ">cpu.cfs_quota_us=50000", ">blkio.throttle.read_bps_device=8:0 30000000",
                   ">blkio.throttle.write_bps_device=8:0 30000000",
                   ">cpuset.cpus=0-3"}));  // not pinned: the parent's cpus
  EXPECT_EQ(ws[0].file, t.path() / "memory/swarmex/acme/memory.limit_in_bytes");
  EXPECT_EQ(ws[2].file, t.path() / "cpu/swarmex/acme/cpu.cfs_quota_us");
  EXPECT_EQ(ws[3].file, t.path() / "blkio/swarmex/acme/blkio.throttle.read_bps_device");
  EXPECT_EQ(ws[5].file, t.path() / "cpuset/swarmex/acme/cpuset.cpus");
}

TEST(TenantPlanV1, UpdatesAndRemovals) {
  TempDir t;
  make_v1(t.path());
  const auto v1 = detect_cgroup_layout(t.path());
  const TenantLimits before{10, 4, {{"8:0", 3}}, "1"};
  const TenantLimits now{0, 0, {}, "1"};
  EXPECT_EQ(
      describe(plan_tenant_writes(v1, "a", now, &before)),
      (Lines{"memory.limit_in_bytes=-1", ">cpu.cfs_quota_us=1000",
             ">blkio.throttle.read_bps_device=8:0 0", ">blkio.throttle.write_bps_device=8:0 0"}));
  const TenantLimits lower{10, 2, {{"8:0", 3}}, "1"};
  EXPECT_EQ(describe(plan_tenant_writes(v1, "a", lower, &before)),
            (Lines{"memory.limit_in_bytes=536870912"}));
}

TEST(TenantCreate, V2EnablesControllersOnce) {
  TempDir t;
  make_v2(t.path(), "cpuset cpu io memory pids");
  const auto layout = detect_cgroup_layout(t.path());
  const auto ws = plan_tenant_create(layout, "acme");
  ASSERT_EQ(ws.size(), 4u);
  EXPECT_EQ(ws[0].file, t.path() / "cgroup.subtree_control");
  EXPECT_EQ(ws[0].value, "+cpu +memory +io +cpuset");
  EXPECT_EQ(ws[1].op, CgroupOp::MakeDir);
  EXPECT_EQ(ws[1].file, t.path() / "swarmex");
  EXPECT_EQ(ws[2].file, t.path() / "swarmex" / "cgroup.subtree_control");
  EXPECT_EQ(ws[2].value, "+cpu +memory +io +cpuset");
  EXPECT_EQ(ws[3].op, CgroupOp::MakeDir);
  EXPECT_EQ(ws[3].file, t.path() / "swarmex" / "acme");
  for (std::size_t i = 1; i < ws.size(); ++i)
    EXPECT_TRUE(ws[i].after_previous);

  // Once enabled (the kernel lists them without '+'), only the tenant's directory is made.
  put(t.path() / "cgroup.subtree_control", "cpuset cpu io memory\n");
  put(t.path() / "swarmex" / "cgroup.subtree_control", "cpuset cpu io memory\n");
  const auto again = plan_tenant_create(layout, "beta");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].op, CgroupOp::MakeDir);
  EXPECT_EQ(again[0].file, t.path() / "swarmex" / "beta");
}

TEST(TenantCreate, V1PerControllerWithCpusetCopiedMemsFirst) {
  TempDir t;
  make_v1(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  const auto ws = plan_tenant_create(layout, "acme");
  EXPECT_EQ(describe(ws), (Lines{"swarmex=", ">acme=", "swarmex=", ">acme=", "swarmex=", ">acme=",
                                 "swarmex=", ">cpuset.mems=0", ">cpuset.cpus=0-3",
                                 ">acme=", ">cpuset.mems=0", ">cpuset.cpus=0-3"}));
  EXPECT_EQ(ws[0].file, t.path() / "cpu" / "swarmex");
  EXPECT_EQ(ws[3].file, t.path() / "memory" / "swarmex" / "acme");
  EXPECT_EQ(ws[11].file, t.path() / "cpuset" / "swarmex" / "acme" / "cpuset.cpus");

  const auto rm = plan_tenant_remove(layout, "acme");
  ASSERT_EQ(rm.size(), 4u);
  EXPECT_EQ(rm[1].op, CgroupOp::RemoveDir);
  EXPECT_EQ(rm[1].file, t.path() / "memory" / "swarmex" / "acme");
  EXPECT_EQ(plan_subtree_remove(layout)[0].file, t.path() / "cpu" / "swarmex");
  EXPECT_THROW(plan_tenant_create(layout, "a/b"), std::invalid_argument);
}

}  // namespace
}  // namespace swarmex::hostctl
