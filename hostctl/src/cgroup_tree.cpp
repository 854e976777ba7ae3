#include "swarmex/hostctl/cgroup_tree.hpp"

#include <algorithm>
#include <system_error>

namespace swarmex::hostctl {

namespace fs = std::filesystem;

namespace {

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// The controllers named in a cgroup.subtree_control file; none when it cannot be read.
std::vector<std::string> enabled_in(const fs::path& subtree_control) {
  std::vector<std::string> out;
  if (!path_exists(subtree_control)) return out;
  const std::string line = read_cgroup_value(subtree_control);
  std::size_t i = 0;
  while (i < line.size()) {
    std::size_t j = line.find(' ', i);
    if (j == std::string::npos) j = line.size();
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// "+a +b" for each wanted controller not already enabled in `file`; "" when none.
std::string enable_missing(const fs::path& file, const std::vector<std::string>& wanted) {
  const auto enabled = enabled_in(file);
  std::string out;
  for (const auto& c : wanted) {
    if (std::find(enabled.begin(), enabled.end(), c) != enabled.end()) continue;
    if (!out.empty()) out += ' ';
    out += '+';
    out += c;
  }
  return out;
}

void plan_v2(const CgroupLayout& layout, std::string_view tenant, std::vector<CgroupWrite>& out) {
  std::vector<std::string> wanted;
  for (const char* c : {"cpu", "memory", "io", "cpuset"})
    if (has_controller(layout, c)) wanted.emplace_back(c);
  const fs::path sub = subtree_dir(layout, "cpu");
  const fs::path root_control = controller_root(layout, "cpu") / "cgroup.subtree_control";
  if (auto enable = enable_missing(root_control, wanted); !enable.empty())
    out.push_back({root_control, std::move(enable)});
  if (!path_exists(sub)) out.push_back(CgroupWrite::make_dir(sub));
  if (auto enable = enable_missing(sub / "cgroup.subtree_control", wanted); !enable.empty())
    out.push_back({sub / "cgroup.subtree_control", std::move(enable)});
  out.push_back(CgroupWrite::make_dir(tenant_dir(layout, "cpu", tenant)));
  for (std::size_t i = 1; i < out.size(); ++i)
    out[i].after_previous = true;
}

// v1 cpuset: a new cgroup starts with empty cpus and mems; copy them from the parent, mems first.
void copy_cpuset(const CgroupLayout& layout, const fs::path& dir, std::vector<CgroupWrite>& out) {
  out.push_back(
      {dir / "cpuset.mems", inherited_cpuset_value(layout, "cpuset.mems"), CgroupOp::Write, true});
  out.push_back(
      {dir / "cpuset.cpus", inherited_cpuset_value(layout, "cpuset.cpus"), CgroupOp::Write, true});
}

void plan_v1(const CgroupLayout& layout, std::string_view tenant, std::vector<CgroupWrite>& out) {
  for (const auto& controller : tenant_controllers(layout)) {
    const bool cpuset = controller == "cpuset";
    const fs::path sub = subtree_dir(layout, controller);
    const std::size_t first = out.size();
    if (!path_exists(sub)) {
      out.push_back(CgroupWrite::make_dir(sub));
      if (cpuset) copy_cpuset(layout, sub, out);
    } else if (cpuset && path_exists(sub / "cpuset.mems") &&
               read_cgroup_value(sub / "cpuset.mems").empty()) {
      copy_cpuset(layout, sub, out);
    }
    out.push_back(CgroupWrite::make_dir(tenant_dir(layout, controller, tenant), true));
    if (cpuset) copy_cpuset(layout, tenant_dir(layout, controller, tenant), out);
    out[first].after_previous = false;  // each controller's chain is independent
  }
}

}  // namespace

std::vector<CgroupWrite> plan_tenant_create(const CgroupLayout& layout, std::string_view tenant) {
  validate_tenant_name(tenant);
  std::vector<CgroupWrite> out;
  if (layout.version == CgroupVersion::V2)
    plan_v2(layout, tenant, out);
  else
    plan_v1(layout, tenant, out);
  return out;
}

std::vector<CgroupWrite> plan_tenant_remove(const CgroupLayout& layout, std::string_view tenant) {
  std::vector<CgroupWrite> out;
  for (const auto& controller : tenant_controllers(layout))
    out.push_back(CgroupWrite::remove_dir(tenant_dir(layout, controller, tenant)));
  return out;
}

std::vector<CgroupWrite> plan_subtree_remove(const CgroupLayout& layout) {
  std::vector<CgroupWrite> out;
  for (const auto& controller : tenant_controllers(layout))
    out.push_back(CgroupWrite::remove_dir(subtree_dir(layout, controller)));
  return out;
}

}  // namespace swarmex::hostctl
