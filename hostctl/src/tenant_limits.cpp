#include "swarmex/hostctl/tenant_limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace swarmex::hostctl {

namespace {

std::int64_t checked_product(std::int64_t amount, std::int64_t unit, const char* what) {
  if (amount < 0) throw std::invalid_argument(fmt::format("negative {}: {}", what, amount));
  std::int64_t out = 0;
  if (__builtin_mul_overflow(amount, unit, &out))
    throw std::overflow_error(fmt::format("{} {} × {} overflows int64", what, amount, unit));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "N" or "N-M" (N <= M), comma separated.
bool is_cpu_list(std::string_view list) {
  if (list.empty()) return false;
  std::size_t i = 0;
  while (i <= list.size()) {
    std::size_t j = list.find(',', i);
    if (j == std::string_view::npos) j = list.size();
    const std::string_view part = list.substr(i, j - i);
    const auto dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (!all_digits(part) || part.size() > 6) return false;
    } else {
      const auto lo = part.substr(0, dash);
      const auto hi = part.substr(dash + 1);
      if (!all_digits(lo) || !all_digits(hi) || lo.size() > 6 || hi.size() > 6) return false;
      if (std::stoi(std::string(lo)) > std::stoi(std::string(hi))) return false;
    }
    i = j + 1;
  }
  return true;
}

std::int64_t units_on(const std::vector<IoLimit>& io, std::string_view device) {
  for (const auto& l : io)
    if (l.device == device) return l.units;
  return 0;
}

// Memory limit as a comparable number: unlimited is above every limit, closed below all.
std::int64_t memory_rank(const TenantLimits& l) {
  if (l.closed) return 0;
  return memory_limit_bytes(l.mem_shards).value_or(std::numeric_limits<std::int64_t>::max());
}

// What a limit file gets: closed means 0 bytes, whatever the shards say.
std::optional<std::int64_t> memory_value(const TenantLimits& l) {
  if (l.closed) return 0;
  return memory_limit_bytes(l.mem_shards);
}

void plan_cpu(const CgroupLayout& layout, std::string_view tenant, const TenantLimits& now,
              const TenantLimits* before, std::vector<CgroupWrite>& out) {
  const auto vrus = [](const TenantLimits& l) { return l.closed ? 0 : l.vrus; };
  if (before != nullptr && vrus(*before) == vrus(now)) return;
  const auto dir = tenant_dir(layout, "cpu", tenant);
  const std::int64_t quota_us = cpu_quota_us(vrus(now));
  if (layout.version == CgroupVersion::V2) {
    out.push_back({dir / "cpu.max", fmt::format("{} {}", quota_us, kCpuPeriodUs)});
    return;
  }
  if (before == nullptr)
    out.push_back({dir / "cpu.cfs_period_us", fmt::format("{}", kCpuPeriodUs)});
  out.push_back({dir / "cpu.cfs_quota_us", fmt::format("{}", quota_us)});
}

void plan_memory(const CgroupLayout& layout, std::string_view tenant, const TenantLimits& now,
                 const TenantLimits* before, std::vector<CgroupWrite>& out) {
  if (before != nullptr && memory_value(*before) == memory_value(now)) return;
  const auto dir = tenant_dir(layout, "memory", tenant);
  const auto limit_bytes = memory_value(now);
  if (layout.version == CgroupVersion::V1) {
    out.push_back({dir / "memory.limit_in_bytes",
                   limit_bytes ? fmt::format("{}", *limit_bytes) : std::string("-1")});
    return;
  }
  const std::string value = limit_bytes ? fmt::format("{}", *limit_bytes) : "max";
  // Lowering: memory.high first, so reclaim starts before memory.max can OOM-kill.
  const bool lowering = before != nullptr && memory_rank(now) < memory_rank(*before);
  CgroupWrite max{dir / "memory.max", value};
  CgroupWrite high{dir / "memory.high", value};
  if (lowering) std::swap(max, high);
  out.push_back(std::move(max));
  out.push_back(std::move(high));
}

void plan_io_device(const CgroupLayout& layout, const std::filesystem::path& dir,
                    const std::string& device, std::int64_t units, std::vector<CgroupWrite>& out) {
  const std::int64_t bps = io_bytes_per_second(units);
  if (layout.version == CgroupVersion::V2) {
    out.push_back({dir / "io.max", units == 0
                                       ? fmt::format("{} rbps=max wbps=max", device)
                                       : fmt::format("{} rbps={} wbps={}", device, bps, bps)});
    return;
  }
  // v1: 0 removes the device's rule.
  out.push_back({dir / "blkio.throttle.read_bps_device", fmt::format("{} {}", device, bps)});
  out.push_back({dir / "blkio.throttle.write_bps_device", fmt::format("{} {}", device, bps)});
}

void plan_io(const CgroupLayout& layout, std::string_view tenant, const TenantLimits& now,
             const TenantLimits* before, std::vector<CgroupWrite>& out) {
  const char* controller = layout.version == CgroupVersion::V2 ? "io" : "blkio";
  std::vector<std::pair<std::string, std::int64_t>> changes;
  for (const auto& l : now.io)
    if (before == nullptr || units_on(before->io, l.device) != l.units)
      changes.emplace_back(l.device, l.units);
  if (before != nullptr)
    for (const auto& l : before->io)
      if (l.units != 0 && std::none_of(now.io.begin(), now.io.end(),
                                       [&](const IoLimit& n) { return n.device == l.device; }))
        changes.emplace_back(l.device, 0);  // dropped from the allocation: remove its limit
  if (changes.empty()) return;
  if (!has_controller(layout, controller)) {
    const auto limited = [](const auto& c) { return c.second > 0; };
    if (std::none_of(changes.begin(), changes.end(), limited)) return;  // nothing to remove
    throw std::runtime_error(
        fmt::format("io limits for tenant '{}' but no {} controller here", tenant, controller));
  }
  const auto dir = tenant_dir(layout, controller, tenant);
  for (const auto& [device, units] : changes)
    plan_io_device(layout, dir, device, units, out);
}

void plan_cpuset(const CgroupLayout& layout, std::string_view tenant, const TenantLimits& now,
                 const TenantLimits* before, std::vector<CgroupWrite>& out) {
  if (before != nullptr && before->cpuset == now.cpuset) return;
  if (!has_controller(layout, "cpuset")) {
    if (now.cpuset.empty()) return;  // nothing to pin, nowhere to pin it
    throw std::runtime_error(fmt::format(
        "tenant '{}' pinned to cpus {} but no cpuset controller here", tenant, now.cpuset));
  }
  std::string cpus = now.cpuset;
  if (cpus.empty())  // v2: an empty list means "the parent's"; v1 needs the list itself
    cpus =
        layout.version == CgroupVersion::V2 ? "\n" : inherited_cpuset_value(layout, "cpuset.cpus");
  out.push_back({tenant_dir(layout, "cpuset", tenant) / "cpuset.cpus", std::move(cpus)});
}

}  // namespace

std::int64_t cpu_quota_us(std::int64_t vrus) {
  if (vrus == 0) return kMinCpuQuotaUs;  // no "zero" quota exists; see the header
  return checked_product(vrus, kCpuQuotaPerVruUs, "VRUs");
}

std::optional<std::int64_t> memory_limit_bytes(std::int64_t shards) {
  if (shards == 0) return std::nullopt;
  return checked_product(shards, kMemShardBytes, "memory shards");
}

std::int64_t io_bytes_per_second(std::int64_t units) {
  return checked_product(units, kIoUnitBytesPerSecond, "io units");
}

void validate_tenant_limits(const TenantLimits& limits) {
  if (limits.vrus < 0 || limits.mem_shards < 0)
    throw std::invalid_argument(
        fmt::format("negative limits: {} VRUs, {} memory shards", limits.vrus, limits.mem_shards));
  for (std::size_t i = 0; i < limits.io.size(); ++i) {
    const auto& l = limits.io[i];
    if (!is_device_id(l.device))
      throw std::invalid_argument(fmt::format("io device '{}' is not major:minor", l.device));
    if (l.units < 0)
      throw std::invalid_argument(fmt::format("negative io units on {}: {}", l.device, l.units));
    for (std::size_t j = 0; j < i; ++j)
      if (limits.io[j].device == l.device)
        throw std::invalid_argument(fmt::format("io device {} listed twice", l.device));
  }
  if (!limits.cpuset.empty() && !is_cpu_list(limits.cpuset))
    throw std::invalid_argument(fmt::format("cpuset '{}' is not a cpu list", limits.cpuset));
}

std::vector<CgroupWrite> plan_tenant_writes(const CgroupLayout& layout, std::string_view tenant,
                                            const TenantLimits& now, const TenantLimits* before) {
  validate_tenant_name(tenant);
  validate_tenant_limits(now);
  if (before != nullptr) validate_tenant_limits(*before);

  std::vector<CgroupWrite> memory;
  plan_memory(layout, tenant, now, before, memory);
  std::vector<CgroupWrite> out;
  const bool memory_first = before == nullptr || memory_rank(now) >= memory_rank(*before);
  if (memory_first) out = std::move(memory);
  plan_cpu(layout, tenant, now, before, out);
  plan_io(layout, tenant, now, before, out);
  plan_cpuset(layout, tenant, now, before, out);
  if (!memory_first) std::move(memory.begin(), memory.end(), std::back_inserter(out));
  for (std::size_t i = 1; i < out.size(); ++i)
    out[i].after_previous = true;
  return out;
}

bool is_device_id(std::string_view d) {
  const auto colon = d.find(':');
  return colon != std::string_view::npos && all_digits(d.substr(0, colon)) &&
         all_digits(d.substr(colon + 1));
}

}  // namespace swarmex::hostctl
