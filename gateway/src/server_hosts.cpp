// Lost hosts: a host controller whose every session has been gone for server.host_grace_ms (a
// crash, a SIGKILL, a network partition; a hung one is closed by the idle timeout first) is
// declared lost once, and each tenant holding capacity on it is told, with the agent, so that
// the capacity can be bought again elsewhere (the autopilot does it for tenants that opted in).
#include <spdlog/spdlog.h>

#include "server.hpp"
#include "session.hpp"
#include "swarmex/common/clock.hpp"

namespace swarmex::gateway {

void Server::note_logon(Session& s) {
  if (s.principal() == nullptr || s.principal()->role != Role::Host) return;
  std::lock_guard lock(hosts_mu_);
  host_gone_since_ns_.erase(s.principal()->id);
}

void Server::note_host_gone(const Principal& host) {
  std::lock_guard lock(hosts_mu_);
  host_gone_since_ns_.emplace(host.id, common::steady_ns());
}

void Server::check_lost_hosts(std::int64_t now_ns) {
  const std::int64_t grace_ns = static_cast<std::int64_t>(config_.server.host_grace_ms) * 1'000'000;
  if (grace_ns == 0) return;
  std::vector<engine::OwnerId> lost;
  {
    std::lock_guard lock(hosts_mu_);
    for (auto it = host_gone_since_ns_.begin(); it != host_gone_since_ns_.end();) {
      if (now_ns - it->second < grace_ns) {
        ++it;
        continue;
      }
      lost.push_back(it->first);
      it = host_gone_since_ns_.erase(it);  // once per loss: a new logon starts over
    }
  }
  const std::int64_t lost_at = common::wall_ns();
  for (const engine::OwnerId id : lost) {
    const Principal* host = principal_by_id(id);
    spdlog::warn("host '{}' lost: no session for {} ms; its tenants are told",
                 host != nullptr ? host->name : std::to_string(id), config_.server.host_grace_ms);
    OutItem item;
    item.kind = OutItem::Kind::HostLost;
    item.principal = id;
    item.time_ns = lost_at;
    home_of(id).deliver(std::move(item));
  }
}

}  // namespace swarmex::gateway
