#include "ledger.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

namespace swarmex::autopilot_sim {

Ledger::Ledger(const SimPlan& plan) : plan_(plan), product_(plan.product()) {}

void Ledger::open(int port) {
  std::uint64_t request = 1;
  for (const std::string& name : plan_.tenants()) {
    auto c = std::make_unique<client::Client>();
    c->connect("127.0.0.1", static_cast<std::uint16_t>(port), std::chrono::seconds(5));
    const client::LogonResult logon = c->logon(name, name + "-token", wire::Role::Tenant);
    if (!logon.ok()) throw std::runtime_error(name + ": logon refused: " + logon.text);
    client::AutopilotSpec g;
    g.request_id = request++;
    g.resource = "cpu";
    g.pool = "sim";
    g.length_s = static_cast<std::uint32_t>(plan_.options.seconds_per_hour);
    g.max_unit_price = kMaxUnitPrice;
    g.budget_per_hour = 1'000'000'000'000;  // not what is measured here
    g.target = plan_.method.target;
    c->autopilot_set(g);
    for (;;) {
      const wire::Message* m = c->receive(std::chrono::seconds(5));
      if (m == nullptr) throw std::runtime_error(name + ": no AutopilotAck");
      if (m->body_type() != wire::Body::AutopilotAck) continue;
      if (!m->body_as_AutopilotAck()->ok()) throw std::runtime_error(name + ": opting in refused");
      break;
    }
    tenants_.push_back(std::move(c));
  }
}

void Ledger::poll(std::int64_t now_steady_ns) {
  constexpr std::int64_t kHeartbeatNs = 1'000'000'000;  // well inside the idle timeout
  const bool beat = now_steady_ns - last_heartbeat_ns_ >= kHeartbeatNs;
  if (beat) last_heartbeat_ns_ = now_steady_ns;
  for (std::size_t vm = 0; vm < tenants_.size(); ++vm) {
    if (beat) tenants_[vm]->heartbeat();
    while (const wire::Message* m = tenants_[vm]->try_receive()) {
      if (m->body_type() == wire::Body::ExecutionReport)
        on_report(vm, *m->body_as_ExecutionReport());
      else if (m->body_type() == wire::Body::HostLost)
        on_host_lost(vm, *m->body_as_HostLost());
    }
  }
}

void Ledger::on_report(std::size_t vm, const wire::ExecutionReport& r) {
  if (r.kind() != wire::ExecKind::Filled || r.instrument() < kProduct) return;
  const std::int64_t window =
      engine::trading_window(product_, r.instrument() - kProduct, r.time_ns());
  if (window == engine::kNoWindow) return;
  const bool buy = r.side() == wire::Side::Buy;
  holds_[{vm, window}][r.host()] += buy ? r.last_qty() : -r.last_qty();
  spend_ += (buy ? 1 : -1) * r.last_qty() * r.last_price();
  if (!buy) return;
  last_buy_ns_[{vm, window}] = r.time_ns();
  const auto heal = healing_.find({vm, window});
  if (heal != healing_.end() && r.time_ns() >= heal->second) {
    heal_ms_.push_back(static_cast<double>(r.time_ns() - heal->second) / 1e6);
    healing_.erase(heal);
  }
}

void Ledger::on_host_lost(std::size_t vm, const wire::HostLost& h) {
  ++notices_;
  lost_at_ns_.try_emplace(h.host(), h.lost_at_ns());
  for (const auto& [key, by_host] : holds_) {
    if (key.first != vm) continue;
    const auto at = by_host.find(h.host());
    const std::int64_t gate = engine::gate_close_ns(product_, key.second);
    // Windows still trading can be bought again; a running one cannot (its gate has closed).
    if (at == by_host.end() || at->second <= 0 || gate <= h.lost_at_ns()) continue;
    // Timed on the exchange's clock, loss declared -> fill; the fill may have been heard first.
    const auto bought = last_buy_ns_.find(key);
    if (bought != last_buy_ns_.end() && bought->second >= h.lost_at_ns())
      heal_ms_.push_back(static_cast<double>(bought->second - h.lost_at_ns()) / 1e6);
    else
      healing_.try_emplace(key, h.lost_at_ns());
  }
}

std::map<std::uint32_t, std::int64_t> Ledger::held(std::size_t vm, std::int64_t window,
                                                   std::int64_t at_ns) const {
  std::map<std::uint32_t, std::int64_t> out;
  const auto it = holds_.find({vm, window});
  if (it == holds_.end()) return out;
  for (const auto& [host, units] : it->second)
    if (units > 0 && at_ns < lost_at_ns(host)) out[host] = units;
  return out;
}

std::int64_t Ledger::lost_at_ns(std::uint32_t host) const {
  const auto it = lost_at_ns_.find(host);
  return it == lost_at_ns_.end() ? INT64_MAX : it->second;
}

}  // namespace swarmex::autopilot_sim
