// Pool pricing as the gateway serves it: an operator's SetPricing goes to the partition of the
// pool as one engine command (the engine checks the curve against every band and reprices the
// pegged asks), answered by AdminAck with the engine's outcome. The gateway keeps a copy of the
// policies in force (for the catalog, and to send the Rolls that carry sequenced time while any
// policy exists), rebuilt from the journal and snapshots like the grants.
#include <spdlog/spdlog.h>

#include "server.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

void Server::set_pricing(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                         std::uint64_t rid, const wire::SetPricing& p) {
  auto reply = [&](RejectReason why, const std::string& text) {
    protocol::FrameWriter w;
    auto t = w.fbb().CreateString(text);
    const auto f = w.finish(wire::CreateAdminAck(w.fbb(), rid, false, protocol::to_wire(why), t));
    send_to(thread, session, {f.begin(), f.end()});
  };
  const std::string pool = p.pool()->str();
  const std::string resource = p.resource()->str();
  // Any book of the pool and resource routes it: spot first, else a window product's.
  std::optional<engine::InstrumentId> instrument = grant_instrument(resource, pool, 0);
  for (const engine::Product& pr : config_.products)
    if (!instrument && pr.rules.resource == resource && pr.rules.pool == pool)
      instrument = pr.rules.id;
  if (!instrument)
    return reply(RejectReason::UnknownInstrument, "no instrument of " + resource + " in " + pool);
  const auto* curve = p.curve();
  if (curve != nullptr && curve->size() > engine::kMaxCurvePoints)
    return reply(RejectReason::InvalidCurve,
                 "a curve has at most " + std::to_string(engine::kMaxCurvePoints) + " points");
  if (p.idle_after_ms() < 0 || p.valid_ms() < 0 ||
      p.idle_after_ms() > std::numeric_limits<std::int64_t>::max() / 1'000'000 ||
      p.valid_ms() > std::numeric_limits<std::int64_t>::max() / 1'000'000)
    return reply(RejectReason::InvalidParameter, "idle_after_ms and valid_ms must be >= 0");
  if (journal_failed()) return reply(RejectReason::JournalUnavailable, "journal unavailable");
  engine::Command c;
  c.kind = engine::CommandKind::SetPricing;
  engine::SetPricing& s = c.pricing;
  s.owner = sender;
  s.instrument = *instrument;
  s.policy.points = static_cast<std::uint8_t>(curve != nullptr ? curve->size() : 0);
  for (std::uint8_t i = 0; i < s.policy.points; ++i)
    s.policy.curve[i] =
        engine::CurvePoint{curve->Get(i)->utilisation_ppm(), curve->Get(i)->multiplier_ppm()};
  s.policy.target_ppm = p.target_ppm();
  s.policy.idle_after_ns = p.idle_after_ms() * 1'000'000;
  s.policy.cut_ppm = p.cut_ppm();
  s.policy.valid_ns = p.valid_ms() * 1'000'000;
  {
    std::lock_guard lock(mu_);
    s.request_id = next_admin_request_++;
    pending_admin_.emplace(s.request_id, PendingAdmin{thread, session, rid, 0, c});
  }
  exchange_->submit(c);
}

void Server::pricing_outcome(const PendingAdmin& pending, const engine::Event& e) {
  const bool ok = e.kind == engine::EventKind::Accepted;
  const auto why = static_cast<RejectReason>(e.reason);
  if (ok) note_pricing(pending.command.pricing);
  protocol::FrameWriter w;
  auto t = w.fbb().CreateString(ok ? std::string("pricing set") : std::string(to_string(why)));
  const auto f =
      w.finish(wire::CreateAdminAck(w.fbb(), pending.request_id, ok, protocol::to_wire(why), t));
  send_to(pending.thread, pending.session, {f.begin(), f.end()});
}

void Server::note_pricing(const engine::SetPricing& s) {
  const engine::InstrumentSpec* spec = instrument_spec(s.instrument);
  if (spec == nullptr) return;
  std::lock_guard lock(pricing_mu_);
  const std::pair<std::string, std::string> key{spec->pool, spec->resource};
  if (s.policy.points == 0)
    policies_.erase(key);
  else
    policies_[key] = s.policy;
  pricing_active_.store(!policies_.empty(), std::memory_order_release);
  spdlog::info("pricing of {} in {}: {} curve points", spec->resource, spec->pool, s.policy.points);
}

void Server::restore_pricing(const engine::Engine& e) {
  std::lock_guard lock(pricing_mu_);
  for (const auto& [key, p] : e.pricing())
    if (p.has_policy) policies_[{e.pool_name(key.pool), e.resource_name(key.resource)}] = p.policy;
  pricing_active_.store(!policies_.empty(), std::memory_order_release);
}

std::map<std::pair<std::string, std::string>, engine::PricingPolicy> Server::policies() const {
  std::lock_guard lock(pricing_mu_);
  return policies_;
}

void Server::note_incentive(const engine::Event& e) {
  const engine::InstrumentSpec* spec = instrument_spec(e.instrument);
  if (spec == nullptr) return;
  spdlog::info("incentive on {} in {} {}: cut {} ppm, utilisation {} ppm", spec->resource,
               spec->pool, e.qty != 0 ? "announced" : "withdrawn", e.price, e.leaves_qty);
}

}  // namespace swarmex::gateway
