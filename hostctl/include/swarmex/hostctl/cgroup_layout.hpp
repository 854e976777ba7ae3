#pragma once

// Where this host's cgroups live: which hierarchy (v1 or v2), its mount root, which controllers
// it offers, and the path of every tenant's cgroup under the Swarmex subtree.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace swarmex::hostctl {

enum class CgroupVersion { V1, V2 };

struct CgroupLayout {
  CgroupVersion version = CgroupVersion::V2;
  std::filesystem::path root;       // v2: the cgroup2 mount; v1: the directory holding the mounts
  std::string subtree = "swarmex";  // every tenant cgroup lives under <controller root>/<subtree>
  // Controller name ("cpu", "memory", "io", "blkio", "cpuset", ...) → the directory its
  // hierarchy starts at. v2: every controller in root/cgroup.controllers maps to root. v1: each
  // mount, e.g. "cpu" → root/cpu or root/cpu,cpuacct when co-mounted. Empty for a hand-made
  // layout: then v2 uses root and v1 uses root/<controller>.
  std::map<std::string, std::filesystem::path, std::less<>> controller_roots;
};

// Inspects `root` (normally /sys/fs/cgroup). v2 when root/cgroup.controllers lists both cpu and
// memory (an empty cgroup2 mount beside v1 mounts, like /sys/fs/cgroup/unified, is not usable);
// v1 when root/cpu[,cpuacct]/cpu.cfs_quota_us and root/memory/memory.limit_in_bytes exist.
// Throws std::runtime_error saying what was looked for when neither holds.
CgroupLayout detect_cgroup_layout(const std::filesystem::path& root);

// Whether the layout offers `controller` (always true for a hand-made layout's cpu and memory).
bool has_controller(const CgroupLayout& layout, std::string_view controller);

// The directory `controller`'s hierarchy starts at (see controller_roots).
std::filesystem::path controller_root(const CgroupLayout& layout, std::string_view controller);

// <controller root>/<subtree>: the parent of every tenant cgroup.
std::filesystem::path subtree_dir(const CgroupLayout& layout, std::string_view controller);

// v2: root/<subtree>/<tenant>; v1: root/<controller>/<subtree>/<tenant>. Throws
// std::invalid_argument for an invalid tenant (or subtree) name, so no path escapes the subtree.
std::filesystem::path tenant_dir(const CgroupLayout& layout, std::string_view controller,
                                 std::string_view tenant);

// The controllers a tenant cgroup is made in: v2 one directory ("cpu" stands for all of them);
// v1 cpu, memory, and blkio / cpuset where mounted.
std::vector<std::string> tenant_controllers(const CgroupLayout& layout);

// Non-empty, at most 64 of [A-Za-z0-9._-], and neither "." nor "..".
bool is_valid_tenant_name(std::string_view name);
// Throws std::invalid_argument naming the offending value when !is_valid_tenant_name(name).
void validate_tenant_name(std::string_view name);

// Tenants whose directory exists under the subtree of any tenant controller, sorted and unique
// (start-up reconciliation). Entries with invalid names are skipped; a missing subtree is empty.
std::vector<std::string> list_tenants(const CgroupLayout& layout);
// The same for one controller's hierarchy.
std::vector<std::string> list_tenants(const CgroupLayout& layout, std::string_view controller);

// v1: what a new cgroup under the subtree copies into `file` ("cpuset.cpus" or "cpuset.mems"):
// the subtree's value when it is set, else the cpuset root's. Throws std::runtime_error when
// neither can be read.
std::string inherited_cpuset_value(const CgroupLayout& layout, std::string_view file);

// The first line of a small cgroup file without its newline; throws std::runtime_error on error.
std::string read_cgroup_value(const std::filesystem::path& file);

}  // namespace swarmex::hostctl
