#include "swarmex/hostctl/cgroup_usage.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace swarmex::hostctl {

namespace {

// A decimal integer that is the whole of `s` (after trimming blanks), or nothing.
bool parse_int(std::string_view s, std::int64_t& out) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n'))
    s.remove_suffix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

// The file's first line, or "" while it is missing (a cgroup comes and goes with its tenant).
std::string value_or_empty(const std::filesystem::path& file) {
  try {
    return read_cgroup_value(file);
  } catch (const std::runtime_error&) {
    return {};
  }
}

}  // namespace

std::int64_t read_cpu_usage_ns(const CgroupLayout& layout, std::string_view tenant) {
  std::int64_t v = -1;
  if (layout.version == CgroupVersion::V1) {
    const char* controller = has_controller(layout, "cpuacct") ? "cpuacct" : "cpu";
    if (!parse_int(value_or_empty(tenant_dir(layout, controller, tenant) / "cpuacct.usage"), v))
      return -1;
    return v;
  }
  std::ifstream in(tenant_dir(layout, "cpu", tenant) / "cpu.stat");
  std::string key;
  while (in >> key >> v)
    if (key == "usage_usec") return v * 1000;
  return -1;
}

double read_cpu_quota_cpus(const CgroupLayout& layout, std::string_view tenant) {
  const auto dir = tenant_dir(layout, "cpu", tenant);
  std::int64_t quota = 0;
  std::int64_t period = 0;
  if (layout.version == CgroupVersion::V1) {
    if (!parse_int(value_or_empty(dir / "cpu.cfs_quota_us"), quota) ||
        !parse_int(value_or_empty(dir / "cpu.cfs_period_us"), period) || period <= 0)
      return -1;
    return quota < 0 ? 0.0 : static_cast<double>(quota) / static_cast<double>(period);
  }
  const std::string max = value_or_empty(dir / "cpu.max");  // "<quota|max> <period>"
  const auto space = max.find(' ');
  if (space == std::string::npos || !parse_int(std::string_view(max).substr(space + 1), period) ||
      period <= 0)
    return -1;
  if (max.compare(0, space, "max") == 0) return 0.0;
  if (!parse_int(std::string_view(max).substr(0, space), quota)) return -1;
  return static_cast<double>(quota) / static_cast<double>(period);
}

}  // namespace swarmex::hostctl
