// What the kernel reports for a tenant's cgroup: the CPU time its tasks used and the CPU quota in
// force. Read by `swarmex-hostctl status`-style tools, the demo and the end-to-end tests to show
// that a workload gets what its tenant bought.
#pragma once

#include <cstdint>
#include <string_view>

#include "swarmex/hostctl/cgroup_layout.hpp"

namespace swarmex::hostctl {

// CPU time used by the tenant's tasks (v1 cpuacct.usage; v2 cpu.stat usage_usec), or -1 while
// the cgroup or its counter is not there (not created yet, or removed).
std::int64_t read_cpu_usage_ns(const CgroupLayout& layout, std::string_view tenant);

// The tenant's CPU quota in CPUs (v1 cfs_quota_us / cfs_period_us; v2 cpu.max), 0 when
// unlimited ("max" or -1), or -1 while the cgroup is not there.
double read_cpu_quota_cpus(const CgroupLayout& layout, std::string_view tenant);

}  // namespace swarmex::hostctl
