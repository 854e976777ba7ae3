#include "swarmex/hostctl/enactor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "swarmex/hostctl/cgroup_tree.hpp"

namespace swarmex::hostctl {

namespace fs = std::filesystem;

namespace {

// v1 keeps the CPU usage counter in cpuacct, which may be mounted apart from cpu (as on this
// project's CI machines): the tenant's workload joins it too, so its usage can be read.
bool separate_cpuacct(const CgroupLayout& l) {
  return l.version == CgroupVersion::V1 && has_controller(l, "cpuacct") &&
         controller_root(l, "cpuacct") != controller_root(l, "cpu");
}

// A failed operation joins the outcome's reasons (every failure is named, not only the first).
void note_failure(TenantOutcome& o, const CgroupWrite& op, int error) {
  o.ok = false;
  o.why += (o.why.empty() ? "" : "; ") + describe_cgroup_error(op, error);
}

void record_failures(TenantOutcome& o, const std::vector<CgroupWrite>& ops,
                     const std::vector<CgroupWriteResult>& results) {
  for (std::size_t k = 0; k < ops.size(); ++k)
    if (results[k].error != 0) note_failure(o, ops[k], results[k].error);
}

std::vector<int> pids_in(const fs::path& dir) {
  std::vector<int> out;
  std::ifstream in(dir / "cgroup.procs");
  int pid = 0;
  while (in >> pid)
    out.push_back(pid);
  return out;
}

}  // namespace

Enactor::Enactor(CgroupLayout layout, std::unique_ptr<CgroupWriter> writer)
    : layout_(std::move(layout)), writer_(std::move(writer)) {}

std::vector<fs::path> Enactor::tenant_dirs(const std::string& tenant) const {
  std::vector<fs::path> out;
  for (const std::string& c : tenant_controllers(layout_))
    out.push_back(tenant_dir(layout_, c, tenant));
  if (separate_cpuacct(layout_)) out.push_back(tenant_dir(layout_, "cpuacct", tenant));
  return out;
}

std::vector<TenantOutcome> Enactor::enforce(const std::map<std::string, TenantLimits>& tenants) {
  std::vector<CgroupWrite> ops;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;  // [begin, end) per tenant
  std::vector<TenantOutcome> out;
  for (const auto& [tenant, limits] : tenants) {
    TenantOutcome o;
    o.tenant = tenant;
    const std::size_t begin = ops.size();
    try {
      auto known = enforced_.find(tenant);
      if (known == enforced_.end()) {
        auto create = plan_tenant_create(layout_, tenant);
        ops.insert(ops.end(), create.begin(), create.end());
        if (separate_cpuacct(layout_)) {
          const fs::path sub = subtree_dir(layout_, "cpuacct");
          if (!fs::exists(sub)) ops.push_back(CgroupWrite::make_dir(sub));
          ops.push_back(CgroupWrite::make_dir(tenant_dir(layout_, "cpuacct", tenant), true));
        }
      }
      auto writes = plan_tenant_writes(layout_, tenant, limits,
                                       known == enforced_.end() ? nullptr : &known->second);
      // The limits go in only once the directories exist.
      if (!writes.empty() && ops.size() > begin) writes.front().after_previous = true;
      ops.insert(ops.end(), writes.begin(), writes.end());
    } catch (const std::exception& e) {
      ops.resize(begin);
      o.ok = false;
      o.why = e.what();
    }
    ranges.emplace_back(begin, ops.size());
    out.push_back(std::move(o));
  }
  const auto results = writer_->apply(ops);
  const auto now = std::chrono::steady_clock::now();
  std::size_t i = 0;
  for (const auto& [tenant, limits] : tenants) {
    TenantOutcome& o = out[i];
    o.done_at = ranges[i].first == ranges[i].second ? now : results[ranges[i].first].done_at;
    for (std::size_t k = ranges[i].first; k < ranges[i].second; ++k) {
      o.done_at = std::max(o.done_at, results[k].done_at);
      if (results[k].error != 0) note_failure(o, ops[k], results[k].error);
    }
    if (o.ok)
      enforced_[tenant] = limits;
    else
      enforced_.erase(tenant);  // unknown now: the next enforce writes everything again
    ++i;
  }
  return out;
}

TenantOutcome Enactor::remove(const std::string& tenant) {
  TenantOutcome o;
  o.tenant = tenant;
  enforced_.erase(tenant);
  std::vector<fs::path> dirs;
  try {
    dirs = tenant_dirs(tenant);
  } catch (const std::exception& e) {
    o.ok = false;
    o.why = e.what();
    return o;
  }
  if (layout_.version == CgroupVersion::V2 && fs::exists(dirs.front() / "cgroup.kill")) {
    std::ofstream(dirs.front() / "cgroup.kill") << "1";
  } else {
    for (const fs::path& d : dirs)
      for (int pid : pids_in(d))
        ::kill(pid, SIGKILL);
  }
  // A killed task leaves its cgroup once it has exited: wait for that before rmdir.
  for (int tries = 0; tries < 200; ++tries) {
    bool empty = true;
    for (const fs::path& d : dirs)
      if (!pids_in(d).empty()) empty = false;
    if (empty) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::vector<CgroupWrite> ops = plan_tenant_remove(layout_, tenant);
  if (separate_cpuacct(layout_))
    ops.push_back(CgroupWrite::remove_dir(tenant_dir(layout_, "cpuacct", tenant)));
  record_failures(o, ops, writer_->apply(ops));
  o.done_at = std::chrono::steady_clock::now();
  return o;
}

std::vector<TenantOutcome> Enactor::remove_subtree() {
  std::vector<TenantOutcome> out;
  std::error_code ec;
  for (const std::string& t : list_tenants(layout_))
    out.push_back(remove(t));
  TenantOutcome o;
  o.tenant = layout_.subtree;
  std::vector<CgroupWrite> ops;
  for (CgroupWrite& op : plan_subtree_remove(layout_))
    if (fs::exists(op.file, ec)) ops.push_back(std::move(op));
  if (separate_cpuacct(layout_) && fs::exists(subtree_dir(layout_, "cpuacct"), ec))
    ops.push_back(CgroupWrite::remove_dir(subtree_dir(layout_, "cpuacct")));
  record_failures(o, ops, writer_->apply(ops));
  o.done_at = std::chrono::steady_clock::now();
  out.push_back(std::move(o));
  return out;
}

std::vector<TenantOutcome> Enactor::reconcile(const std::map<std::string, TenantLimits>& keep,
                                              std::vector<std::string>* removed) {
  std::vector<std::string> existing = list_tenants(layout_);
  if (separate_cpuacct(layout_)) {
    const auto more = list_tenants(layout_, "cpuacct");
    existing.insert(existing.end(), more.begin(), more.end());
  }
  std::set<std::string> seen;
  std::vector<TenantOutcome> out;
  for (const std::string& t : existing) {
    if (keep.count(t) || !seen.insert(t).second) continue;
    out.push_back(remove(t));
    if (removed) removed->push_back(t);
  }
  enforced_.clear();
  auto enforced = enforce(keep);
  out.insert(out.end(), enforced.begin(), enforced.end());
  return out;
}

void join_cgroups(const std::vector<fs::path>& dirs) {
  for (const fs::path& d : dirs) {
    const fs::path procs = d / "cgroup.procs";
    const int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(procs.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, "0", 1) == 1;
    const int err = errno;
    ::close(fd);
    if (!ok) throw std::runtime_error(procs.string() + ": " + std::strerror(err));
  }
}

CgroupLayout make_layout(const std::string& root, const std::string& driver,
                         const std::string& subtree) {
  CgroupLayout l;
  if (driver == "auto") {
    l = detect_cgroup_layout(root);
  } else {
    l.version = driver == "v1" ? CgroupVersion::V1 : CgroupVersion::V2;
    l.root = root;
  }
  l.subtree = subtree;
  return l;
}

}  // namespace swarmex::hostctl
