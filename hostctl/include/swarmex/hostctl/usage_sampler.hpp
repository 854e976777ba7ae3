// Usage telemetry: what a tenant's cgroup really uses, read from the kernel's counters. Reading
// is a few small files per tenant (plain reads; the daemon samples between enactments):
// - CPU: v2 cpu.stat usage_usec, v1 cpuacct.usage (ns); the delta over the interval is averaged
//   into millicores (1 VRU = 100 millicores).
// - memory: v2 memory.current and memory.peak (when the kernel has it; else the most of our own
//   samples); v1 memory.usage_in_bytes and memory.max_usage_in_bytes.
// - IO: bytes read + written per device over the interval: v2 io.stat rbytes / wbytes, v1
//   blkio.throttle.io_service_bytes Read / Write.
// A file that is missing (a controller not mounted, a cgroup just removed) leaves its counter
// unknown; nothing throws.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/hostctl/cgroup_layout.hpp"

namespace swarmex::hostctl {

// The cumulative counters of one tenant cgroup at one moment; -1: unknown.
struct CgroupCounters {
  std::int64_t cpu_usage_ns = -1;
  std::int64_t mem_bytes = -1;
  std::int64_t mem_peak_bytes = -1;
  std::map<std::string, std::int64_t> io_bytes;  // "major:minor" -> read + written, cumulative
};

CgroupCounters read_counters(const CgroupLayout& layout, std::string_view tenant);

// io.stat (v2) or blkio.throttle.io_service_bytes (v1) text: read + written bytes per device.
std::map<std::string, std::int64_t> parse_io_stat_v2(std::string_view text);
std::map<std::string, std::int64_t> parse_io_service_bytes_v1(std::string_view text);

// CPU time used over an interval, averaged: millicores (1,000 = one core busy all along).
std::int64_t cpu_millicores(std::int64_t used_ns, std::int64_t interval_ns);

// One tenant's usage over one interval; -1: unknown.
struct TenantUsage {
  std::int64_t interval_ns = 0;
  std::int64_t cpu_millicores = -1;
  std::int64_t mem_bytes = -1;
  std::int64_t mem_peak_bytes = -1;
  std::vector<std::pair<std::string, std::int64_t>> io_bytes;  // device, bytes in the interval
};

// Keeps each tenant's previous counters, so each sample is the usage since the one before.
class UsageSampler {
 public:
  explicit UsageSampler(CgroupLayout layout) : layout_(std::move(layout)) {}

  // The usage since this tenant's previous sample at `now_ns` (a steady clock); false on its
  // first sample (nothing to measure from yet) or when its cgroup is not there.
  bool sample(std::string_view tenant, std::int64_t now_ns, TenantUsage& out);
  // Forgets tenants not in `active` (their cgroups went with their allocations).
  void keep_only(const std::vector<std::string>& active);
  [[nodiscard]] const CgroupLayout& layout() const noexcept { return layout_; }

 private:
  struct Previous {
    std::int64_t at_ns = 0;
    CgroupCounters counters;
    std::int64_t mem_peak_seen = -1;  // the most of our samples (when the kernel has no peak)
  };
  CgroupLayout layout_;
  std::map<std::string, Previous, std::less<>> previous_;
};

}  // namespace swarmex::hostctl
