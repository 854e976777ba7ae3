// Turns what tenants hold into kernel settings: one batch of cgroup operations per burst through
// the CgroupWriter (io_uring), every result checked; kills and removes the cgroup of a tenant
// whose last allocation ended; reconciles the Swarmex subtree with the allocations at start-up.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "swarmex/hostctl/cgroup_layout.hpp"
#include "swarmex/hostctl/cgroup_writer.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"

namespace swarmex::hostctl {

struct TenantOutcome {
  std::string tenant;
  bool ok = true;
  std::string why;  // the failed operations, described
  std::chrono::steady_clock::time_point done_at{};
};

class Enactor {
 public:
  Enactor(CgroupLayout layout, std::unique_ptr<CgroupWriter> writer);

  // Brings every tenant to its limits in one batch, creating cgroups that do not exist yet.
  std::vector<TenantOutcome> enforce(const std::map<std::string, TenantLimits>& tenants);
  // Kills the tenant's tasks (v2 cgroup.kill; v1 SIGKILL to every pid) and removes its cgroup.
  TenantOutcome remove(const std::string& tenant);
  // Takes the whole subtree down: every tenant cgroup (tasks killed) and then the subtree's own
  // directories. For tools and tests that own a subtree for a while (the demo, e2e tests); one
  // outcome per tenant plus one named "<subtree>" for the directories.
  std::vector<TenantOutcome> remove_subtree();
  // Start-up: removes every tenant cgroup under the subtree that is not in `keep`, then enforces
  // `keep` from scratch (nothing is assumed about the limits already written).
  std::vector<TenantOutcome> reconcile(const std::map<std::string, TenantLimits>& keep,
                                       std::vector<std::string>* removed);

  // Whether the tenant's cgroup exists with limits this wrote (enforced or pre-staged closed).
  [[nodiscard]] bool holds(const std::string& tenant) const { return enforced_.count(tenant) != 0; }
  [[nodiscard]] const CgroupLayout& layout() const noexcept { return layout_; }
  [[nodiscard]] std::string_view writer_name() const noexcept { return writer_->name(); }
  // The tenant's cgroup directories, one per controller the workload must join (v1: cpu,
  // cpuacct, memory, blkio, cpuset where mounted; v2: one).
  [[nodiscard]] std::vector<std::filesystem::path> tenant_dirs(const std::string& tenant) const;

 private:
  CgroupLayout layout_;
  std::unique_ptr<CgroupWriter> writer_;
  std::map<std::string, TenantLimits> enforced_;  // what each tenant's files hold now
};

// Attaches the calling process to every cgroup directory (writes "0" to cgroup.procs); throws
// std::runtime_error naming the directory that refused.
void join_cgroups(const std::vector<std::filesystem::path>& dirs);

// The layout of the configured root: detected (driver "auto") or forced ("v1", "v2": a dry-run
// directory that is not a cgroup mount).
CgroupLayout make_layout(const std::string& root, const std::string& driver,
                         const std::string& subtree);

}  // namespace swarmex::hostctl
