#include "swarmex/hostctl/usage_sampler.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "swarmex/hostctl/cgroup_usage.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"

namespace swarmex::hostctl {
namespace {

// The whole file, or "" when it cannot be read.
std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t to_int(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.remove_suffix(1);
  std::int64_t v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty() ? v : -1;
}

std::int64_t read_int_file(const std::filesystem::path& file) {
  return to_int(slurp(file));
}

}  // namespace

std::map<std::string, std::int64_t> parse_io_stat_v2(std::string_view text) {
  // "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0", one device a line.
  std::map<std::string, std::int64_t> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string device, field;
    if (!(words >> device) || !is_device_id(device)) continue;
    std::int64_t sum = 0;
    while (words >> field)
      for (const char* key : {"rbytes=", "wbytes="})
        if (field.rfind(key, 0) == 0) {
          const std::int64_t v = to_int(std::string_view(field).substr(7));
          if (v > 0) sum += v;
        }
    out[device] += sum;
  }
  return out;
}

std::map<std::string, std::int64_t> parse_io_service_bytes_v1(std::string_view text) {
  // "8:0 Read 4096", "8:0 Write 0", ..., "Total 4096".
  std::map<std::string, std::int64_t> out;
  std::istringstream in{std::string(text)};
  std::string device, op;
  std::int64_t v = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    if (!(words >> device >> op >> v) || !is_device_id(device)) continue;
    if (op == "Read" || op == "Write") out[device] += std::max<std::int64_t>(v, 0);
  }
  return out;
}

std::int64_t cpu_millicores(std::int64_t used_ns, std::int64_t interval_ns) {
  if (interval_ns <= 0 || used_ns < 0) return -1;
  // used_ns x 1000 overflows only past 292 years of CPU time in one interval.
  return (used_ns * 1000 + interval_ns / 2) / interval_ns;
}

CgroupCounters read_counters(const CgroupLayout& layout, std::string_view tenant) {
  CgroupCounters c;
  c.cpu_usage_ns = read_cpu_usage_ns(layout, tenant);
  if (layout.version == CgroupVersion::V2) {
    const auto dir = tenant_dir(layout, "memory", tenant);
    c.mem_bytes = read_int_file(dir / "memory.current");
    c.mem_peak_bytes = read_int_file(dir / "memory.peak");  // kernels from 5.19
    c.io_bytes = parse_io_stat_v2(slurp(tenant_dir(layout, "io", tenant) / "io.stat"));
    return c;
  }
  if (has_controller(layout, "memory")) {
    const auto dir = tenant_dir(layout, "memory", tenant);
    c.mem_bytes = read_int_file(dir / "memory.usage_in_bytes");
    c.mem_peak_bytes = read_int_file(dir / "memory.max_usage_in_bytes");
  }
  if (has_controller(layout, "blkio"))
    c.io_bytes = parse_io_service_bytes_v1(
        slurp(tenant_dir(layout, "blkio", tenant) / "blkio.throttle.io_service_bytes"));
  return c;
}

bool UsageSampler::sample(std::string_view tenant, std::int64_t now_ns, TenantUsage& out) {
  CgroupCounters now = read_counters(layout_, tenant);
  if (now.cpu_usage_ns < 0 && now.mem_bytes < 0) {  // no cgroup (yet, or any more)
    if (auto it = previous_.find(tenant); it != previous_.end()) previous_.erase(it);
    return false;
  }
  auto it = previous_.find(tenant);
  if (it == previous_.end()) {
    Previous p{now_ns, std::move(now), -1};
    p.mem_peak_seen = p.counters.mem_bytes;
    previous_.emplace(std::string(tenant), std::move(p));
    return false;
  }
  Previous& p = it->second;
  out = TenantUsage{};
  out.interval_ns = now_ns - p.at_ns;
  if (now.cpu_usage_ns >= 0 && p.counters.cpu_usage_ns >= 0 &&
      now.cpu_usage_ns >= p.counters.cpu_usage_ns)  // a recreated cgroup starts again from 0
    out.cpu_millicores =
        cpu_millicores(now.cpu_usage_ns - p.counters.cpu_usage_ns, out.interval_ns);
  out.mem_bytes = now.mem_bytes;
  p.mem_peak_seen = std::max(p.mem_peak_seen, now.mem_bytes);
  out.mem_peak_bytes = now.mem_peak_bytes >= 0 ? now.mem_peak_bytes : p.mem_peak_seen;
  for (const auto& [device, bytes] : now.io_bytes) {
    auto before = p.counters.io_bytes.find(device);
    const std::int64_t from = before == p.counters.io_bytes.end() ? 0 : before->second;
    out.io_bytes.emplace_back(device, bytes >= from ? bytes - from : bytes);
  }
  p.at_ns = now_ns;
  p.counters = std::move(now);
  return out.interval_ns > 0;
}

void UsageSampler::keep_only(const std::vector<std::string>& active) {
  const std::set<std::string_view> keep(active.begin(), active.end());
  std::erase_if(previous_, [&](const auto& kv) { return !keep.contains(kv.first); });
}

}  // namespace swarmex::hostctl
