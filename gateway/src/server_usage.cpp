// Server: the usage telemetry history and its followers. A host's report is kept in the bounded
// history and forwarded at once to the sessions following it; never journaled, never near the
// engine.
#include <algorithm>

#include "server.hpp"
#include "usage_recipients.hpp"

namespace swarmex::gateway {
namespace {

// One UsageReport of `records` (one host report, or one stored sample of the history).
std::span<const std::uint8_t> encode_usage(protocol::FrameWriter& w, std::string_view tenant,
                                           std::span<const UsageRecord* const> records) {
  auto& b = w.fbb();
  std::vector<flatbuffers::Offset<wire::UsageSample>> samples;
  samples.reserve(records.size());
  for (const UsageRecord* r : records)
    samples.push_back(wire::CreateUsageSample(b, static_cast<wire::UsageResource>(r->resource),
                                              r->used, r->peak, r->held,
                                              r->device.empty() ? 0 : b.CreateString(r->device)));
  const UsageRecord& first = *records.front();
  return w.finish(wire::CreateUsageReport(b, b.CreateString(tenant), first.interval_ms,
                                          first.time_ns, b.CreateVector(samples), first.host));
}

}  // namespace

void Server::record_usage(const Principal& tenant, std::span<const UsageRecord> records) {
  if (records.empty()) return;
  std::vector<const UsageRecord*> ptrs;
  for (const UsageRecord& r : records)
    ptrs.push_back(&r);
  protocol::FrameWriter w;
  const auto frame = encode_usage(w, tenant.name, ptrs);
  if (dashboard_)
    for (const UsageRecord& r : records)
      dashboard_->ops().usage(tenant.name, r.resource, r.used, r.time_ns);
  const std::lock_guard lock(usage_mu_);
  for (const UsageRecord& r : records)
    usage_.record(tenant.id, r);
  for (const UsageFollower& f : usage_followers_)
    if ((f.tenant == 0 || f.tenant == tenant.id) && may_read_usage(f.role, f.viewer, tenant.id))
      send_to(f.thread, f.session, std::vector<std::uint8_t>(frame.begin(), frame.end()));
}

void Server::subscribe_usage(std::uint32_t thread, std::uint64_t session, Role role,
                             engine::OwnerId viewer, engine::OwnerId tenant, std::uint32_t last,
                             bool follow,
                             const std::function<void(std::span<const std::uint8_t>)>& send) {
  protocol::FrameWriter& w = io(thread).writer();
  const std::uint64_t budget = config_.server.outbound_queue_bytes / 2;
  std::uint64_t sent_bytes = 0;
  std::uint32_t sent = 0;
  bool truncated = false;
  // Under the lock until the follower is added: a report recorded meanwhile is posted to this
  // thread, so it arrives after the history, never inside it nor lost.
  const std::lock_guard lock(usage_mu_);
  for (const UsageBoard::Entry& e : usage_.history(tenant, last)) {
    const Principal* p = principal_by_id(e.tenant);
    if (p == nullptr || !may_read_usage(role, viewer, e.tenant)) continue;
    const UsageRecord* one[] = {e.record};
    const auto frame = encode_usage(w, p->name, one);
    if (sent_bytes + frame.size() > budget) {
      truncated = true;
      break;
    }
    sent_bytes += frame.size();
    ++sent;
    send(frame);
  }
  send(w.finish(wire::CreateUsageHistoryEnd(w.fbb(), sent, truncated)));
  std::erase_if(usage_followers_, [&](const UsageFollower& f) { return f.session == session; });
  if (follow) usage_followers_.push_back(UsageFollower{thread, session, role, viewer, tenant});
}

void Server::drop_usage_follower(std::uint64_t session) {
  const std::lock_guard lock(usage_mu_);
  std::erase_if(usage_followers_, [&](const UsageFollower& f) { return f.session == session; });
}

}  // namespace swarmex::gateway
