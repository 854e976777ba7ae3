#pragma once

// The directory operations of a tenant's cgroup: creating it (with the Swarmex subtree above it,
// once) and removing it. The planners read the current state of the hierarchy to skip what
// already exists, and return CgroupWrite lists for a CgroupWriter.

#include <string_view>
#include <vector>

#include "swarmex/hostctl/cgroup_layout.hpp"
#include "swarmex/hostctl/cgroup_write.hpp"

namespace swarmex::hostctl {

// v2: enables cpu, memory, io and cpuset (those the root offers) in the root's and the
// subtree's cgroup.subtree_control where not yet enabled, makes the subtree where missing, then
// the tenant's directory; one after_previous chain.
// v1: per controller (cpu, memory, blkio, cpuset where mounted; chains run independently) the
// subtree where missing, then the tenant's directory. cpuset directories get cpuset.mems (first:
// no task can be attached while it is empty) and cpuset.cpus copied from their parent.
// Throws std::invalid_argument for an invalid tenant name.
std::vector<CgroupWrite> plan_tenant_create(const CgroupLayout& layout, std::string_view tenant);

// rmdir of the tenant's directory in every controller (fails EBUSY while it has tasks).
std::vector<CgroupWrite> plan_tenant_remove(const CgroupLayout& layout, std::string_view tenant);

// rmdir of the subtree directory in every controller (fails EBUSY while tenants remain).
std::vector<CgroupWrite> plan_subtree_remove(const CgroupLayout& layout);

}  // namespace swarmex::hostctl
