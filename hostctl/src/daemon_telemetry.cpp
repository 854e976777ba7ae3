// Usage telemetry: what each tenant with an allocation here really uses, sampled from its cgroup
// every telemetry_interval_ms and reported to the exchange (UsageReport), with what this host
// enforces for it now. Not matching input: the exchange keeps a bounded history and shows it.
#include <spdlog/spdlog.h>

#include "swarmex/common/clock.hpp"
#include "swarmex/hostctl/daemon.hpp"

namespace swarmex::hostctl {

void Daemon::report_usage() {
  using Clock = std::chrono::steady_clock;
  next_usage_ = Clock::now() + std::chrono::milliseconds(config_.telemetry_interval_ms);
  if (!connected_) return;
  const std::set<std::string> tenants = state_.book.active_tenants();
  const std::vector<std::string> active(tenants.begin(), tenants.end());
  sampler_->keep_only(active);
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  const std::int64_t wall = common::wall_ns();
  std::vector<client::UsageSampleSpec> samples;
  for (const std::string& tenant : active) {
    TenantUsage u;
    if (!sampler_->sample(tenant, now_ns, u)) continue;  // a first sample: nothing to compare
    const TenantLimits held = state_.book.limits_of(tenant);
    samples.clear();
    if (u.cpu_millicores >= 0)
      samples.push_back({wire::UsageResource::Cpu,
                         u.cpu_millicores,
                         u.cpu_millicores,
                         held.vrus * (kCpuQuotaPerVruUs * 1000 / kCpuPeriodUs),
                         {}});
    if (u.mem_bytes >= 0)
      samples.push_back({wire::UsageResource::Mem,
                         u.mem_bytes,
                         std::max(u.mem_peak_bytes, u.mem_bytes),
                         held.mem_shards * kMemShardBytes,
                         {}});
    for (const auto& [device, bytes] : u.io_bytes) {
      std::int64_t allowed = 0;  // read + write bandwidth the limit allows over the interval
      for (const IoLimit& l : held.io)
        if (l.device == device)
          allowed = 2 * l.units * kIoUnitBytesPerSecond / 1000 * (u.interval_ns / 1'000'000);
      samples.push_back({wire::UsageResource::Io, bytes, bytes, allowed, device});
    }
    if (samples.empty()) continue;
    const auto interval_ms =
        static_cast<std::uint32_t>(std::max<std::int64_t>(u.interval_ns / 1'000'000, 1));
    client_.usage_report(tenant, interval_ms, wall, samples);
    ++stats_.usage_reports;
  }
}

}  // namespace swarmex::hostctl
