// Session: usage telemetry. Hosts report what their tenants use (UsageReport); tenants read their
// own usage and operators every tenant's (SubscribeUsage). Each refusal is an Error with its
// reason; the session goes on.
#include "io_thread.hpp"
#include "server.hpp"
#include "session.hpp"
#include "swarmex/common/clock.hpp"
#include "usage_recipients.hpp"
#include "usage_rules.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

namespace {
// A report may trail the end of its tenant's last lease by this many intervals (the sample that
// covers the lease's last moments arrives after it).
constexpr std::int64_t kGraceIntervals = 2;
}  // namespace

void Session::on_usage_report(const wire::UsageReport& r) {
  Server& server = thread_.server();
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts report usage");
  const auto& tc = server.config().telemetry;
  if (!state_->take_usage_token(steady_ns(), tc.reports_per_s, tc.reports_burst))
    return send_error(RejectReason::RateLimited, "usage reports over telemetry.reports_per_s");
  const std::string_view name = r.tenant()->string_view();
  const std::int64_t now = wall_ns();
  const Principal* tenant = server.principal_by_name(name);
  if (tenant == nullptr || tenant->role != Role::Tenant ||
      !state_->holds_for(
          tenant->id, now,
          kGraceIntervals * static_cast<std::int64_t>(r.interval_ms()) * common::kNsPerMs))
    return send_error(RejectReason::NoAllocation,
                      "tenant '" + std::string(name) + "' holds nothing on this host");
  std::vector<UsageSampleIn> in;
  if (r.samples() != nullptr)
    for (const wire::UsageSample* s : *r.samples())
      in.push_back(UsageSampleIn{static_cast<std::uint8_t>(s->resource()), s->used(), s->peak(),
                                 s->held(),
                                 s->device() ? s->device()->string_view() : std::string_view{}});
  const UsageCheck check = check_usage(r.interval_ms(), in, state_->declared_memory_bytes);
  if (!check.ok()) return send_error(check.reason, check.text);
  std::vector<UsageRecord> records;
  records.reserve(in.size());
  for (const UsageSampleIn& s : in)
    records.push_back(UsageRecord{principal_->host_id, r.time_ns() != 0 ? r.time_ns() : now,
                                  r.interval_ms(), s.resource, s.used, s.peak, s.held,
                                  std::string(s.device)});
  server.record_usage(*tenant, records);
}

void Session::on_subscribe_usage(const wire::SubscribeUsage& s) {
  Server& server = thread_.server();
  const std::string_view name = s.tenant() ? s.tenant()->string_view() : std::string_view{};
  engine::OwnerId tenant = 0;
  if (principal_->role == Role::Tenant) {
    tenant = principal_->id;  // its own, whatever it names
    if (!name.empty() && name != principal_->name)
      return send_error(RejectReason::WrongRole, "tenants read only their own usage");
  } else if (!name.empty()) {
    const Principal* p = server.principal_by_name(name);
    if (p == nullptr || p->role != Role::Tenant)
      return send_error(RejectReason::InvalidParameter, "no tenant '" + std::string(name) + "'");
    tenant = p->id;
  }
  if (tenant == 0 ? !reads_all_usage(principal_->role)
                  : !may_read_usage(principal_->role, principal_->id, tenant))
    return send_error(RejectReason::WrongRole, "usage is read by tenants and operators");
  server.subscribe_usage(thread_.index(), id_, principal_->role, principal_->id, tenant, s.last(),
                         s.follow(), [this](std::span<const std::uint8_t> f) { send(f); });
}

}  // namespace swarmex::gateway
