#pragma once

// What a tenant has bought on this host, in the design's units, and the cgroup writes that
// enforce it.
//
// Units:
// - 1 VRU = 100 millicores = 10 ms of CPU per 100 ms period (cpu.max "<quota_us> 100000" on v2,
//   cpu.cfs_quota_us with cpu.cfs_period_us = 100000 on v1). 0 VRUs → the kernel's minimum quota,
//   1000 us per period: nothing was bought, so the tenant's tasks barely run (1 % of one CPU);
//   there is no "zero" quota and "max" would mean unlimited.
// - 1 memory shard = 256 MiB (memory.max and memory.high, equal, on v2; memory.limit_in_bytes on
//   v1). 0 shards → unlimited ("max" on v2, -1 on v1): a zero does not limit memory; the daemon
//   kills the tenant's workload when its last allocation ends.
// - 1 io unit = 10 MB/s (10,000,000 bytes/s) of read AND of write bandwidth on one block device
//   (io.max "MAJ:MIN rbps=N wbps=N" on v2; blkio.throttle.{read,write}_bps_device "MAJ:MIN N" on
//   v1). 0 units on a device that had a limit removes it ("rbps=max wbps=max" / "MAJ:MIN 0").
// - cpuset: "" = not pinned (v2: inherit the parent's cpus; v1: the parent's cpus, copied), else a
//   cpu list such as "2-3,5".
// Products are checked: one that overflows int64 throws std::overflow_error, never wraps.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/hostctl/cgroup_layout.hpp"
#include "swarmex/hostctl/cgroup_write.hpp"

namespace swarmex::hostctl {

inline constexpr std::int64_t kCpuPeriodUs = 100'000;
inline constexpr std::int64_t kCpuQuotaPerVruUs = 10'000;
inline constexpr std::int64_t kMinCpuQuotaUs = 1'000;
inline constexpr std::int64_t kMemShardBytes = std::int64_t{256} << 20;
inline constexpr std::int64_t kIoUnitBytesPerSecond = 10'000'000;

struct IoLimit {
  std::string device;  // "major:minor"
  std::int64_t units = 0;

  bool operator==(const IoLimit&) const = default;
};

struct TenantLimits {
  std::int64_t vrus = 0;
  std::int64_t mem_shards = 0;
  std::vector<IoLimit> io;  // one entry per device
  std::string cpuset;       // "" = not pinned, else a cpu list like "2-3,5"
  // Pre-staged, nothing granted yet: the kernel's minimum cpu quota and a memory limit of 0 (the
  // amounts above are ignored), so a task joining before the window starts gets nothing.
  bool closed = false;

  bool operator==(const TenantLimits&) const = default;
};

// A block device as cgroup files name it: "major:minor", both decimal.
bool is_device_id(std::string_view device);

// vrus × 10,000, or kMinCpuQuotaUs for 0. Throws std::invalid_argument when negative.
std::int64_t cpu_quota_us(std::int64_t vrus);
// shards × 256 MiB, or nullopt (unlimited) for 0. Throws std::invalid_argument when negative.
std::optional<std::int64_t> memory_limit_bytes(std::int64_t shards);
// units × 10,000,000. Throws std::invalid_argument when negative.
std::int64_t io_bytes_per_second(std::int64_t units);

// Throws std::invalid_argument for negative amounts, a device that is not "major:minor", a
// duplicated device, or a cpuset that is not a cpu list.
void validate_tenant_limits(const TenantLimits& limits);

// What a pre-staged tenant's cgroup holds before its window starts (see TenantLimits::closed).
inline TenantLimits closed_limits() {
  TenantLimits l;
  l.closed = true;
  return l;
}

// The writes that move the tenant from `before` (nullptr: unknown, write everything) to `now`;
// with `before`, only what changed. The tenant's writes form one after_previous chain in a safe
// order: memory first when it is raised or unchanged (room before more CPU or IO lets the
// workload allocate faster), last when it is lowered (the other limits bite at once, while the
// memory write may reclaim, and on v1 fail EBUSY and be retried). v1 also writes
// cpu.cfs_period_us when `before` is nullptr. Throws std::invalid_argument (bad tenant or limits)
// or std::runtime_error (io or cpuset limits on a layout without that controller).
std::vector<CgroupWrite> plan_tenant_writes(const CgroupLayout& layout, std::string_view tenant,
                                            const TenantLimits& now, const TenantLimits* before);

}  // namespace swarmex::hostctl
