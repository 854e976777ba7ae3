// Client: the usage telemetry requests (hosts report, tenants and operators read).
#include <vector>

#include "swarmex/client/client.hpp"

namespace swarmex::client {

void Client::usage_report(std::string_view tenant, std::uint32_t interval_ms, std::int64_t time_ns,
                          std::span<const UsageSampleSpec> samples) {
  auto& b = writer().fbb();
  std::vector<flatbuffers::Offset<wire::UsageSample>> out;
  out.reserve(samples.size());
  for (const UsageSampleSpec& s : samples)
    out.push_back(wire::CreateUsageSample(b, s.resource, s.used, s.peak, s.held,
                                          s.device.empty() ? 0 : b.CreateString(s.device)));
  const auto name = b.CreateString(tenant);
  const auto vec = b.CreateVector(out);
  emit(writer().finish(wire::CreateUsageReport(b, name, interval_ms, time_ns, vec)));
}

void Client::subscribe_usage(std::string_view tenant, bool follow, std::uint32_t last) {
  auto& b = writer().fbb();
  const auto name =
      tenant.empty() ? flatbuffers::Offset<flatbuffers::String>() : b.CreateString(tenant);
  emit(writer().finish(wire::CreateSubscribeUsage(b, name, follow, last)));
}

}  // namespace swarmex::client
