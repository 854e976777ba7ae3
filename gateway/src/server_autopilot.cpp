// The autopilot's grants as the gateway serves them: a tenant's AutopilotSet / AutopilotOff
// becomes one engine command on its pool's partition (journaled; the engine decides), answered
// by AutopilotAck when the engine's outcome comes back; AutopilotStatus reads the gateway's
// copy of the grants, which only follows the engine's accepted outcomes (and recovery).
#include <spdlog/spdlog.h>

#include <cmath>

#include "server.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

namespace {

constexpr std::uint32_t kPpm = 1'000'000;

}  // namespace

std::optional<engine::InstrumentId> Server::grant_instrument(const std::string& resource,
                                                             const std::string& pool,
                                                             std::uint32_t length_s) const {
  if (length_s == 0) {
    std::lock_guard lock(mu_);
    for (const engine::InstrumentId id : spot_ids_)
      if (const engine::InstrumentSpec* s = instrument_spec(id);
          s != nullptr && s->resource == resource && s->pool == pool)
        return id;
    return std::nullopt;
  }
  for (const engine::Product& p : config_.products)
    if (p.rules.resource == resource && p.rules.pool == pool &&
        p.length_ns == static_cast<std::int64_t>(length_s) * 1'000'000'000)
      return p.rules.id;
  return std::nullopt;
}

void Server::autopilot_request(std::uint32_t thread, std::uint64_t session, const Principal& tenant,
                               std::uint64_t request_id, bool on, const std::string& resource,
                               const std::string& pool, std::uint32_t length_s,
                               engine::Price max_price, engine::Price budget_per_hour,
                               double target) {
  auto reply = [&](RejectReason why, const std::string& text) {
    protocol::FrameWriter w;
    auto t = w.fbb().CreateString(text);
    const auto f = w.finish(wire::CreateAutopilotAck(w.fbb(), request_id, why == RejectReason::None,
                                                     protocol::to_wire(why), t));
    send_to(thread, session, {f.begin(), f.end()});
  };
  if (tenant.role != Role::Tenant) return reply(RejectReason::WrongRole, "only tenants opt in");
  // Off names the resource and pool only: any instrument of them reaches their partition.
  std::optional<engine::InstrumentId> instrument = grant_instrument(resource, pool, length_s);
  if (!instrument && !on)
    for (const engine::Product& p : config_.products)
      if (p.rules.resource == resource && p.rules.pool == pool) instrument = p.rules.id;
  if (!instrument)
    return reply(RejectReason::UnknownProduct,
                 "no " +
                     (length_s == 0 ? std::string("spot instrument")
                                    : std::to_string(length_s) + " s window product") +
                     " of " + resource + " in " + pool);
  if (on && !(target > 0 && target < 1))
    return reply(RejectReason::InvalidParameter, "target must be a quantile in (0, 1)");
  if (journal_failed()) return reply(RejectReason::JournalUnavailable, "journal unavailable");
  engine::Command c;
  c.kind = engine::CommandKind::Autopilot;
  engine::AutopilotGrant& a = c.autopilot;
  a.owner = tenant.id;
  a.instrument = *instrument;
  a.on = on;
  if (on) {
    a.max_price = max_price;
    a.budget_per_hour = budget_per_hour;
    a.window_ns = static_cast<std::int64_t>(length_s) * 1'000'000'000;
    a.target_ppm = static_cast<std::uint32_t>(std::lround(target * kPpm));
  }
  {
    std::lock_guard lock(mu_);
    a.request_id = next_admin_request_++;
    pending_admin_.emplace(a.request_id, PendingAdmin{thread, session, request_id, 0, c});
  }
  exchange_->submit(c);
}

void Server::note_grant(const engine::AutopilotGrant& a) {
  const engine::InstrumentSpec* spec = instrument_spec(a.instrument);
  if (spec == nullptr) return;
  const engine::GrantKey key{a.owner, spec->resource, spec->pool};
  std::lock_guard lock(grants_mu_);
  if (!a.on) {
    grants_.erase(key);
    return;
  }
  grants_[key] = engine::Grant{a.max_price, a.budget_per_hour, a.window_ns, a.target_ppm};
}

void Server::autopilot_outcome(const PendingAdmin& pending, const engine::Event& e) {
  const bool ok = e.kind == engine::EventKind::Accepted;
  const engine::AutopilotGrant& a = pending.command.autopilot;
  if (ok) note_grant(a);
  const auto why = static_cast<RejectReason>(e.reason);
  const Principal* tenant = principal_by_id(a.owner);
  if (ok)
    spdlog::info("autopilot {} for '{}' on instrument {}", a.on ? "granted" : "withdrawn",
                 tenant ? tenant->name : std::to_string(a.owner), a.instrument);
  protocol::FrameWriter w;
  auto t = w.fbb().CreateString(ok ? (a.on ? "granted" : "withdrawn")
                                   : std::string(engine::to_string(why)));
  const auto f = w.finish(
      wire::CreateAutopilotAck(w.fbb(), pending.request_id, ok, protocol::to_wire(why), t));
  send_to(pending.thread, pending.session, {f.begin(), f.end()});
}

void Server::autopilot_status(std::uint32_t thread, std::uint64_t session, const Principal& viewer,
                              std::uint64_t request_id) {
  protocol::FrameWriter w;
  auto& b = w.fbb();
  std::vector<flatbuffers::Offset<wire::AutopilotGrantInfo>> infos;
  {
    std::lock_guard lock(grants_mu_);
    for (const auto& [key, g] : grants_) {
      if (viewer.role == Role::Tenant && key.owner != viewer.id) continue;
      const Principal* tenant = principal_by_id(key.owner);
      infos.push_back(wire::CreateAutopilotGrantInfo(
          b, b.CreateString(tenant ? tenant->name : std::to_string(key.owner)),
          b.CreateString(key.resource), b.CreateString(key.pool),
          static_cast<std::uint32_t>(g.window_ns / 1'000'000'000), g.max_price, g.budget_per_hour,
          static_cast<double>(g.target_ppm) / kPpm));
    }
  }
  const auto f = w.finish(wire::CreateAutopilotGrants(b, request_id, b.CreateVector(infos)));
  send_to(thread, session, {f.begin(), f.end()});
}

void Server::restore_grants(const engine::Engine& e) {
  std::lock_guard lock(grants_mu_);
  for (const auto& [key, g] : e.grants().all())
    grants_[key] = g;
}

}  // namespace swarmex::gateway
