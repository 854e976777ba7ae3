// The usage sampler against fake cgroup trees (v1 and v2) in a temporary directory: CPU deltas
// into millicores, memory and its peak, IO bytes per device, and missing files tolerated.
#include <gtest/gtest.h>

#include "cgroup_test_support.hpp"
#include "swarmex/hostctl/usage_sampler.hpp"

namespace swarmex::hostctl {
namespace {

using testing::make_v1;
using testing::make_v2;
using testing::put;
using testing::TempDir;

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(UsageSampler, MillicoresAreCpuTimeOverTheInterval) {
  EXPECT_EQ(cpu_millicores(500'000'000, kSecond), 500);  // half a core
  EXPECT_EQ(cpu_millicores(3 * kSecond, 2 * kSecond), 1500);
  EXPECT_EQ(cpu_millicores(0, kSecond), 0);
  EXPECT_EQ(cpu_millicores(1, 0), -1);
}

TEST(UsageSampler, ParsesIoStatV2) {
  const auto io = parse_io_stat_v2(
      "8:0 rbytes=4096 wbytes=1024 rios=1 wios=1 dbytes=0 dios=0\n"
      "259:1 rbytes=10 wbytes=0 rios=1 wios=0 dbytes=7 dios=1\nnot-a-device rbytes=5\n");
  ASSERT_EQ(io.size(), 2u);
  EXPECT_EQ(io.at("8:0"), 5120);
  EXPECT_EQ(io.at("259:1"), 10);  // discards (dbytes) are not read or written bytes
}

TEST(UsageSampler, ParsesIoServiceBytesV1) {
  const auto io = parse_io_service_bytes_v1(
      "8:0 Read 4096\n8:0 Write 100\n8:0 Sync 4196\n8:0 Async 0\n8:0 Total 4196\nTotal 4196\n");
  ASSERT_EQ(io.size(), 1u);
  EXPECT_EQ(io.at("8:0"), 4196);
}

TEST(UsageSampler, V2CpuMemoryAndIo) {
  TempDir t;
  make_v2(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  const auto dir = t.path() / "swarmex" / "tenant-a";
  put(dir / "cpu.stat", "usage_usec 1000000\nuser_usec 900000\nsystem_usec 100000\n");
  put(dir / "memory.current", "1000\n");
  put(dir / "memory.peak", "5000\n");
  put(dir / "io.stat", "8:0 rbytes=10 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
  UsageSampler sampler(layout);
  TenantUsage u;
  EXPECT_FALSE(sampler.sample("tenant-a", 10 * kSecond, u));  // nothing to measure from yet
  put(dir / "cpu.stat", "usage_usec 1500000\nuser_usec 1400000\nsystem_usec 100000\n");
  put(dir / "memory.current", "2000\n");
  put(dir / "io.stat", "8:0 rbytes=110 wbytes=40 rios=2 wios=1 dbytes=0 dios=0\n");
  ASSERT_TRUE(sampler.sample("tenant-a", 11 * kSecond, u));
  EXPECT_EQ(u.interval_ns, kSecond);
  EXPECT_EQ(u.cpu_millicores, 500);  // 0.5 s of CPU in 1 s
  EXPECT_EQ(u.mem_bytes, 2000);
  EXPECT_EQ(u.mem_peak_bytes, 5000);  // the kernel's own peak
  ASSERT_EQ(u.io_bytes.size(), 1u);
  EXPECT_EQ(u.io_bytes[0].first, "8:0");
  EXPECT_EQ(u.io_bytes[0].second, 140);  // read + written since the previous sample
  // The next interval measures from this sample, not the first.
  put(dir / "cpu.stat", "usage_usec 3500000\n");
  ASSERT_TRUE(sampler.sample("tenant-a", 13 * kSecond, u));
  EXPECT_EQ(u.cpu_millicores, 1000);
}

TEST(UsageSampler, V2WithoutMemoryPeakKeepsTheMostOfItsSamples) {
  TempDir t;
  make_v2(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  const auto dir = t.path() / "swarmex" / "tenant-a";
  put(dir / "cpu.stat", "usage_usec 0\n");
  put(dir / "memory.current", "7000\n");
  UsageSampler sampler(layout);
  TenantUsage u;
  sampler.sample("tenant-a", kSecond, u);
  put(dir / "memory.current", "3000\n");
  ASSERT_TRUE(sampler.sample("tenant-a", 2 * kSecond, u));
  EXPECT_EQ(u.mem_bytes, 3000);
  EXPECT_EQ(u.mem_peak_bytes, 7000);
  EXPECT_TRUE(u.io_bytes.empty());  // no io.stat: no IO sample, no error
}

TEST(UsageSampler, V1CpuacctMemoryAndBlkio) {
  TempDir t;
  make_v1(t.path());
  put(t.path() / "cpuacct" / "cpuacct.usage", "0\n");
  const auto layout = detect_cgroup_layout(t.path());
  ASSERT_EQ(layout.version, CgroupVersion::V1);
  const auto cpu =
      tenant_dir(layout, has_controller(layout, "cpuacct") ? "cpuacct" : "cpu", "tenant-b");
  const auto mem = tenant_dir(layout, "memory", "tenant-b");
  const auto blkio = tenant_dir(layout, "blkio", "tenant-b");
  put(cpu / "cpuacct.usage", "2000000000\n");
  put(mem / "memory.usage_in_bytes", "4096\n");
  put(mem / "memory.max_usage_in_bytes", "8192\n");
  put(blkio / "blkio.throttle.io_service_bytes", "8:16 Read 0\n8:16 Write 0\nTotal 0\n");
  UsageSampler sampler(layout);
  TenantUsage u;
  EXPECT_FALSE(sampler.sample("tenant-b", kSecond, u));
  put(cpu / "cpuacct.usage", "2250000000\n");  // 0.25 s more, in 500 ms: half a core
  put(blkio / "blkio.throttle.io_service_bytes", "8:16 Read 300\n8:16 Write 700\nTotal 1000\n");
  ASSERT_TRUE(sampler.sample("tenant-b", kSecond + kSecond / 2, u));
  EXPECT_EQ(u.cpu_millicores, 500);
  EXPECT_EQ(u.mem_bytes, 4096);
  EXPECT_EQ(u.mem_peak_bytes, 8192);
  ASSERT_EQ(u.io_bytes.size(), 1u);
  EXPECT_EQ(u.io_bytes[0].second, 1000);
}

TEST(UsageSampler, MissingFilesAndCgroupsAreTolerated) {
  TempDir t;
  make_v2(t.path());
  const auto layout = detect_cgroup_layout(t.path());
  UsageSampler sampler(layout);
  TenantUsage u;
  EXPECT_FALSE(sampler.sample("nobody", kSecond, u));  // no cgroup at all
  EXPECT_FALSE(sampler.sample("nobody", 2 * kSecond, u));
  const auto dir = t.path() / "swarmex" / "tenant-c";
  put(dir / "memory.current", "100\n");  // only memory: no cpu.stat, no io.stat
  EXPECT_FALSE(sampler.sample("tenant-c", 3 * kSecond, u));
  ASSERT_TRUE(sampler.sample("tenant-c", 4 * kSecond, u));
  EXPECT_EQ(u.cpu_millicores, -1);
  EXPECT_EQ(u.mem_bytes, 100);
  // A cgroup recreated (its counter back near 0) gives no negative CPU.
  put(dir / "cpu.stat", "usage_usec 5000000\n");
  sampler.sample("tenant-c", 5 * kSecond, u);
  put(dir / "cpu.stat", "usage_usec 10\n");
  ASSERT_TRUE(sampler.sample("tenant-c", 6 * kSecond, u));
  EXPECT_EQ(u.cpu_millicores, -1);
  // Forgotten tenants start again from a first sample.
  sampler.keep_only({});
  EXPECT_FALSE(sampler.sample("tenant-c", 7 * kSecond, u));
}

}  // namespace
}  // namespace swarmex::hostctl
