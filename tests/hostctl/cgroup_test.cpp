// cgroup layout: detection of v2 / v1 / neither, tenant paths, tenant name validation, and the
// listing used for start-up reconciliation. All on temporary directories.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "cgroup_test_support.hpp"
#include "swarmex/hostctl/cgroup_layout.hpp"
#include "swarmex/hostctl/cgroup_usage.hpp"

namespace swarmex::hostctl {
namespace {

namespace fs = std::filesystem;
using common::TempDir;
using testing::make_v1;
using testing::make_v2;
using testing::put;

TEST(CgroupDetect, V2WithCpuAndMemory) {
  TempDir t;
  make_v2(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  EXPECT_EQ(layout.version, CgroupVersion::V2);
  EXPECT_EQ(layout.root, t.path());
  EXPECT_EQ(layout.subtree, "swarmex");
  EXPECT_TRUE(has_controller(layout, "io"));
  EXPECT_TRUE(has_controller(layout, "cpuset"));
  EXPECT_FALSE(has_controller(layout, "hugetlb"));
  EXPECT_EQ(controller_root(layout, "memory"), t.path());
}

TEST(CgroupDetect, V1SeparateMounts) {
  TempDir t;
  make_v1(t.path());
  put(t.path() / "cpuacct" / "cpuacct.usage");
  const auto layout = detect_cgroup_layout(t.path());
  EXPECT_EQ(layout.version, CgroupVersion::V1);
  EXPECT_EQ(controller_root(layout, "cpu"), t.path() / "cpu");
  EXPECT_EQ(controller_root(layout, "memory"), t.path() / "memory");
  EXPECT_TRUE(has_controller(layout, "blkio"));
  EXPECT_TRUE(has_controller(layout, "cpuset"));
  EXPECT_EQ(tenant_controllers(layout),
            (std::vector<std::string>{"cpu", "memory", "blkio", "cpuset"}));
}

TEST(CgroupDetect, V1CoMountedCpuCpuacct) {
  TempDir t;
  make_v1(t.path(), /*co_mounted=*/true);
  const auto layout = detect_cgroup_layout(t.path());
  EXPECT_EQ(layout.version, CgroupVersion::V1);
  EXPECT_EQ(controller_root(layout, "cpu"), t.path() / "cpu,cpuacct");
  EXPECT_EQ(controller_root(layout, "cpuacct"), t.path() / "cpu,cpuacct");
  EXPECT_EQ(tenant_dir(layout, "cpu", "acme"), t.path() / "cpu,cpuacct" / "swarmex" / "acme");

  // The usual symlinks: the exact name wins.
  fs::create_directory_symlink(t.path() / "cpu,cpuacct", t.path() / "cpu");
  EXPECT_EQ(controller_root(detect_cgroup_layout(t.path()), "cpu"), t.path() / "cpu");
}

TEST(CgroupDetect, NeitherThrowsWithReason) {
  TempDir t;
  put(t.path() / "cpu" / "cpu.shares");  // a cpu mount without CFS quota, no memory
  try {
    detect_cgroup_layout(t.path());
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no usable cgroup hierarchy"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cgroup.controllers"), std::string::npos);
  }
}

TEST(CgroupDetect, EmptyV2MountIsNotUsable) {
  TempDir t;
  make_v2(t.path() / "unified", "");  // like /sys/fs/cgroup/unified next to v1 mounts
  EXPECT_THROW(detect_cgroup_layout(t.path() / "unified"), std::runtime_error);
  make_v2(t.path() / "partial", "pids io");  // controllers, but not cpu and memory
  EXPECT_THROW(detect_cgroup_layout(t.path() / "partial"), std::runtime_error);
  // The hybrid host this runs on: v1 mounts plus the empty cgroup2 one → v1.
  make_v1(t.path());
  EXPECT_EQ(detect_cgroup_layout(t.path()).version, CgroupVersion::V1);
}

TEST(CgroupPaths, TenantDirs) {
  const CgroupLayout v2{CgroupVersion::V2, "/sys/fs/cgroup", "swarmex", {}};
  EXPECT_EQ(tenant_dir(v2, "cpu", "acme"), fs::path("/sys/fs/cgroup/swarmex/acme"));
  EXPECT_EQ(tenant_dir(v2, "memory", "acme"), fs::path("/sys/fs/cgroup/swarmex/acme"));
  const CgroupLayout v1{CgroupVersion::V1, "/sys/fs/cgroup", "swarmex", {}};
  EXPECT_EQ(tenant_dir(v1, "cpu", "acme"), fs::path("/sys/fs/cgroup/cpu/swarmex/acme"));
  EXPECT_EQ(tenant_dir(v1, "memory", "acme"), fs::path("/sys/fs/cgroup/memory/swarmex/acme"));
  EXPECT_EQ(subtree_dir(v1, "blkio"), fs::path("/sys/fs/cgroup/blkio/swarmex"));
}

TEST(CgroupPaths, TenantNamesAreValidated) {
  const CgroupLayout v1{CgroupVersion::V1, "/sys/fs/cgroup", "swarmex", {}};
  for (const std::string& bad :
       std::vector<std::string>{"", ".", "..", "../x", "a/b", "/abs", "a b", "x\n", "é",
                                std::string(65, 'a'), std::string("a\0b", 3)}) {
    EXPECT_FALSE(is_valid_tenant_name(bad)) << bad;
    EXPECT_THROW(tenant_dir(v1, "cpu", bad), std::invalid_argument) << bad;
  }
  for (const std::string& good :
       std::vector<std::string>{"acme", "acme-1.prod_X", "...", std::string(64, 'z')})
    EXPECT_TRUE(is_valid_tenant_name(good)) << good;
  CgroupLayout escaping = v1;
  escaping.subtree = "..";
  EXPECT_THROW(tenant_dir(escaping, "cpu", "acme"), std::invalid_argument);
}

TEST(CgroupPaths, ListTenantsForReconciliation) {
  TempDir t;
  make_v1(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  EXPECT_TRUE(list_tenants(layout).empty());  // no subtree yet
  fs::create_directories(t.path() / "cpu" / "swarmex" / "b");
  fs::create_directories(t.path() / "memory" / "swarmex" / "a");
  fs::create_directories(t.path() / "memory" / "swarmex" / "b");
  fs::create_directories(t.path() / "memory" / "swarmex" / "bad name");
  put(t.path() / "memory" / "swarmex" / "memory.limit_in_bytes");  // a control file, not a tenant
  EXPECT_EQ(list_tenants(layout), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(list_tenants(layout, "cpu"), (std::vector<std::string>{"b"}));
}

TEST(CgroupUsage, ReadsV1QuotaAndUsageOrMinusOneWhileMissing) {
  TempDir t;
  make_v1(t.path());
  put(t.path() / "cpuacct" / "cpuacct.usage", "0\n");
  const auto layout = detect_cgroup_layout(t.path());
  EXPECT_EQ(read_cpu_quota_cpus(layout, "acme"), -1);  // no cgroup yet
  EXPECT_EQ(read_cpu_usage_ns(layout, "acme"), -1);
  put(t.path() / "cpu" / "swarmex" / "acme" / "cpu.cfs_quota_us", "50000\n");
  put(t.path() / "cpu" / "swarmex" / "acme" / "cpu.cfs_period_us", "100000\n");
  put(t.path() / "cpuacct" / "swarmex" / "acme" / "cpuacct.usage", "123456789\n");
  EXPECT_EQ(read_cpu_quota_cpus(layout, "acme"), 0.5);
  EXPECT_EQ(read_cpu_usage_ns(layout, "acme"), 123456789);
  put(t.path() / "cpu" / "swarmex" / "acme" / "cpu.cfs_quota_us", "-1\n");
  EXPECT_EQ(read_cpu_quota_cpus(layout, "acme"), 0.0) << "-1 is unlimited";
  put(t.path() / "cpuacct" / "swarmex" / "acme" / "cpuacct.usage", "12x\n");
  EXPECT_EQ(read_cpu_usage_ns(layout, "acme"), -1) << "garbage is not a number";
}

TEST(CgroupUsage, ReadsV2CpuMaxAndCpuStat) {
  TempDir t;
  make_v2(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  const auto dir = t.path() / "swarmex" / "acme";
  put(dir / "cpu.max", "150000 100000\n");
  put(dir / "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
  EXPECT_EQ(read_cpu_quota_cpus(layout, "acme"), 1.5);
  EXPECT_EQ(read_cpu_usage_ns(layout, "acme"), 2500000);
  put(dir / "cpu.max", "max 100000\n");
  EXPECT_EQ(read_cpu_quota_cpus(layout, "acme"), 0.0);
  put(dir / "cpu.max", "100000\n");
  EXPECT_EQ(read_cpu_quota_cpus(layout, "acme"), -1) << "no period";
  put(dir / "cpu.stat", "user_usec 2000\n");
  EXPECT_EQ(read_cpu_usage_ns(layout, "acme"), -1);
}

}  // namespace
}  // namespace swarmex::hostctl
