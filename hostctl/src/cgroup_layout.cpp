#include "swarmex/hostctl/cgroup_layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace swarmex::hostctl {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxTenantNameLength = 64;

std::vector<std::string> split_words(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find(sep, i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool exists_no_throw(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// v2 when root/cgroup.controllers lists cpu and memory; fills every listed controller.
bool try_v2(const fs::path& root, CgroupLayout& out) {
  const fs::path list = root / "cgroup.controllers";
  if (!exists_no_throw(list)) return false;
  const auto names = split_words(read_cgroup_value(list), ' ');
  const auto has = [&](std::string_view c) {
    return std::find(names.begin(), names.end(), c) != names.end();
  };
  if (!has("cpu") || !has("memory")) return false;
  out.version = CgroupVersion::V2;
  for (const auto& n : names)
    out.controller_roots[n] = root;
  return true;
}

// v1: maps each controller to its mount; an exact name (root/cpu, perhaps a symlink to the
// co-mount) wins over a comma-joined one (root/cpu,cpuacct).
bool try_v1(const fs::path& root, CgroupLayout& out) {
  std::error_code ec;
  std::map<std::string, fs::path, std::less<>> mounts;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    std::error_code dir_ec;
    if (!entry.is_directory(dir_ec)) continue;
    const std::string name = entry.path().filename().string();
    const auto parts = split_words(name, ',');
    for (const auto& c : parts) {
      const bool exact = parts.size() == 1;
      if (exact || mounts.find(c) == mounts.end()) mounts[c] = entry.path();
    }
  }
  if (ec) return false;
  const auto cpu = mounts.find("cpu");
  const auto mem = mounts.find("memory");
  if (cpu == mounts.end() || mem == mounts.end()) return false;
  if (!exists_no_throw(cpu->second / "cpu.cfs_quota_us")) return false;
  if (!exists_no_throw(mem->second / "memory.limit_in_bytes")) return false;
  out.version = CgroupVersion::V1;
  out.controller_roots = std::move(mounts);
  return true;
}

bool is_tenant_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

CgroupLayout detect_cgroup_layout(const fs::path& root) {
  CgroupLayout layout;
  layout.root = root;
  if (try_v2(root, layout) || try_v1(root, layout)) return layout;
  throw std::runtime_error(fmt::format(
      "no usable cgroup hierarchy at {}: neither cgroup v2 (cgroup.controllers listing cpu and "
      "memory) nor cgroup v1 (cpu/cpu.cfs_quota_us or cpu,cpuacct/cpu.cfs_quota_us, and "
      "memory/memory.limit_in_bytes)",
      root.string()));
}

bool has_controller(const CgroupLayout& layout, std::string_view controller) {
  if (layout.controller_roots.empty()) return controller == "cpu" || controller == "memory";
  return layout.controller_roots.find(controller) != layout.controller_roots.end();
}

fs::path controller_root(const CgroupLayout& layout, std::string_view controller) {
  const auto it = layout.controller_roots.find(controller);
  if (it != layout.controller_roots.end()) return it->second;
  return layout.version == CgroupVersion::V2 ? layout.root : layout.root / controller;
}

fs::path subtree_dir(const CgroupLayout& layout, std::string_view controller) {
  validate_tenant_name(layout.subtree);
  return controller_root(layout, controller) / layout.subtree;
}

fs::path tenant_dir(const CgroupLayout& layout, std::string_view controller,
                    std::string_view tenant) {
  validate_tenant_name(tenant);
  return subtree_dir(layout, controller) / tenant;
}

std::vector<std::string> tenant_controllers(const CgroupLayout& layout) {
  if (layout.version == CgroupVersion::V2) return {"cpu"};
  std::vector<std::string> out{"cpu", "memory"};
  for (const char* c : {"blkio", "cpuset"})
    if (layout.controller_roots.find(c) != layout.controller_roots.end()) out.emplace_back(c);
  return out;
}

bool is_valid_tenant_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxTenantNameLength) return false;
  if (name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), is_tenant_char);
}

void validate_tenant_name(std::string_view name) {
  if (!is_valid_tenant_name(name))
    throw std::invalid_argument(
        fmt::format("invalid tenant name '{}': want 1 to {} of [A-Za-z0-9._-], not '.' or '..'",
                    name, kMaxTenantNameLength));
}

std::vector<std::string> list_tenants(const CgroupLayout& layout, std::string_view controller) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(subtree_dir(layout, controller), ec)) {
    std::error_code dir_ec;
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(dir_ec) && is_valid_tenant_name(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> list_tenants(const CgroupLayout& layout) {
  std::vector<std::string> out;
  for (const auto& c : tenant_controllers(layout)) {
    auto some = list_tenants(layout, c);
    out.insert(out.end(), some.begin(), some.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string inherited_cpuset_value(const CgroupLayout& layout, std::string_view file) {
  std::error_code ec;
  const fs::path sub = subtree_dir(layout, "cpuset") / file;
  if (fs::exists(sub, ec)) {
    std::string value = read_cgroup_value(sub);
    if (!value.empty()) return value;
  }
  return read_cgroup_value(controller_root(layout, "cpuset") / file);
}

std::string read_cgroup_value(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", file.string()));
  std::string line;
  std::getline(in, line);
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read {}", file.string()));
  return line;
}

}  // namespace swarmex::hostctl
