// Standby hosts: a host that logs on as standby has its capacity listed but not sold. Its
// DeclareSupply is held (the engine gets 0 for the group, so nothing of an earlier session sells
// and the pool's utilisation counts only active capacity) and its asks are refused host_standby.
// The publisher thread measures each pool's demand and feeds the StandbyBoard; on Activate the
// held capacity goes to the engine and the host is told, on Deactivate the engine gets 0 again
// and the host is told (it cancels its asks). Standby is per logon: after a restart of the
// exchange the host logs on again as standby.
#include <spdlog/spdlog.h>

#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

void Server::standby_logon(const Principal& host, std::uint32_t thread, std::uint64_t session,
                           const std::optional<StandbyTerms>& terms) {
  // An ordinary session beside a standby one (the owner's CLI, say) changes nothing.
  if (host.role != Role::Host || !terms) return;
  std::lock_guard lock(standby_mu_);
  standby_.enrol(host.host_id, *terms);
  standby_links_[host.host_id] = StandbyLink{host.id, thread, session, {}};
  spdlog::info("host '{}' on standby: activated at {} ppm, back under {} ppm for {} ms", host.name,
               terms->activate_ppm, terms->deactivate_ppm, terms->deactivate_after_ns / 1'000'000);
  standby_count_.store(standby_links_.size(), std::memory_order_release);
}

void Server::standby_logoff(const Principal& host, std::uint64_t session) {
  std::lock_guard lock(standby_mu_);
  // A later logon of the host replaced this one: it stays.
  if (auto it = standby_links_.find(host.host_id);
      it == standby_links_.end() || it->second.session != session)
    return;
  standby_.remove(host.host_id);
  standby_links_.erase(host.host_id);
  standby_count_.store(standby_links_.size(), std::memory_order_release);
}

bool Server::standby_hold(const Principal& host, engine::InstrumentId instrument,
                          engine::Qty capacity) {
  if (!any_standby() || capacity < 0) return false;  // a negative one: the engine refuses it
  const engine::InstrumentSpec* spec = instrument_spec(instrument);
  if (spec == nullptr) return false;
  const std::string group = spec->resource.starts_with("mig.") ? "mig" : spec->resource;
  std::lock_guard lock(standby_mu_);
  auto it = standby_links_.find(host.host_id);
  if (it == standby_links_.end()) return false;
  // Kept while active too: what a later activation gives the engine again.
  it->second.groups[{spec->pool, group}] = {instrument, capacity};
  return !standby_.active(host.host_id);
}

bool Server::on_standby(engine::HostId host) const {
  if (!any_standby()) return false;
  std::lock_guard lock(standby_mu_);
  return standby_.enrolled(host) && !standby_.active(host);
}

std::vector<StandbyListing> Server::standby_listing() const {
  std::vector<StandbyListing> out;
  if (!any_standby()) return out;
  std::lock_guard lock(standby_mu_);
  for (const auto& [host, link] : standby_links_) {
    StandbyListing l{host, standby_.active(host), {}};
    for (const auto& [key, declared] : link.groups)
      l.groups.push_back({key.first, key.second, declared.second});
    out.push_back(std::move(l));
  }
  return out;
}

void Server::standby_observe(engine::HostId host, std::uint32_t utilisation_ppm,
                             bool holds_allocations, std::int64_t now_ns) {
  StandbyLink link;
  StandbyBoard::Action action;
  {
    std::lock_guard lock(standby_mu_);
    action = standby_.observe(host, utilisation_ppm, holds_allocations, now_ns);
    if (action == StandbyBoard::Action::None) return;
    link = standby_links_.at(host);
  }
  enact_standby(host, link, action == StandbyBoard::Action::Activate, utilisation_ppm);
}

void Server::enact_standby(engine::HostId host, const StandbyLink& link, bool activate,
                           std::uint32_t utilisation_ppm) {
  const Principal* who = principal_by_id(link.owner);
  spdlog::info("host '{}' {} at demand utilisation {} ppm", who != nullptr ? who->name : "?",
               activate ? "activated" : "back on standby", utilisation_ppm);
  // On the host's home thread, like its own commands: the capacity reaches the engine before any
  // ask the host posts on hearing Activate.
  IoThread& home = *io_[link.thread];
  boost::asio::post(home.context(), [this, &home, host, link, activate, utilisation_ppm] {
    for (const auto& [key, declared] : link.groups) {
      engine::Command cmd;
      cmd.kind = engine::CommandKind::SetSupply;
      cmd.supply =
          engine::SupplyCapacity{link.owner, host, declared.first, activate ? declared.second : 0};
      exchange_->submit(cmd);
    }
    protocol::FrameWriter w;
    std::span<const std::uint8_t> f;
    if (activate) {
      auto reason = w.fbb().CreateString("pool demand reached the activation threshold");
      f = w.finish(wire::CreateActivate(w.fbb(), host, utilisation_ppm, reason));
    } else {
      f = w.finish(wire::CreateDeactivate(w.fbb(), host, utilisation_ppm));
    }
    if (Session* s = home.find_session(link.session)) s->send(f);
  });
}

}  // namespace swarmex::gateway
