// Lost hosts: a host controller whose every session has been gone for server.host_grace_ms (a
// crash, a SIGKILL, a network partition; a hung one is closed by the idle timeout first), or
// whose enactments failed server.host_failed_enactments times in a row, is declared lost once,
// and each tenant holding capacity on it is told, with the agent, so that the capacity can be
// bought again elsewhere (the autopilot does it for tenants that opted in). A failing host's
// sessions are closed, so that its asks leave the book and nothing more is sold on it.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server.hpp"
#include "session.hpp"
#include "swarmex/common/clock.hpp"

namespace swarmex::gateway {

void Server::note_logon(Session& s) {
  if (dashboard_ && s.principal() != nullptr) dashboard_->ops().session_opened(*s.principal());
  if (metrics_ && s.principal() != nullptr) metrics_->note_logon(s.principal()->role);
  if (s.principal() == nullptr || s.principal()->role != Role::Host) return;
  std::lock_guard lock(hosts_mu_);
  host_gone_since_ns_.erase(s.principal()->id);
  failing_lost_.erase(s.principal()->id);
  host_failures_.erase(s.principal()->id);
}

void Server::note_host_gone(const Principal& host) {
  std::lock_guard lock(hosts_mu_);
  if (failing_lost_.count(host.id) == 0)  // already declared: not twice for one loss
    host_gone_since_ns_.emplace(host.id, common::steady_ns());
}

void Server::note_enactment_outcome(const Principal& host, bool enforced) {
  const std::uint32_t limit = config_.server.host_failed_enactments;
  {
    std::lock_guard lock(hosts_mu_);
    if (enforced || limit == 0) {
      host_failures_.erase(host.id);
      return;
    }
    if (failing_lost_.count(host.id) != 0 || ++host_failures_[host.id] < limit) return;
    host_failures_.erase(host.id);
    failing_lost_.insert(host.id);
  }
  declare_host_lost(host.id, fmt::format("{} enactments failed in a row", limit));
  const engine::OwnerId id = host.id;
  for (std::uint32_t t = 0; t < io_.size(); ++t) {
    IoThread& thread = *io_[t];
    boost::asio::post(thread.context(), [&thread, id] {
      thread.for_each_session([id](Session& s) {
        if (s.principal() != nullptr && s.principal()->id == id)
          s.close(engine::RejectReason::HostFailing, "declared lost: its enactments keep failing");
      });
    });
  }
}

void Server::declare_host_lost(engine::OwnerId id, const std::string& why) {
  const Principal* host = principal_by_id(id);
  spdlog::warn("host '{}' lost: {}; its tenants are told",
               host != nullptr ? host->name : std::to_string(id), why);
  OutItem item;
  item.kind = OutItem::Kind::HostLost;
  item.principal = id;
  item.time_ns = common::wall_ns();
  home_of(id).deliver(std::move(item));
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
  for (const engine::OwnerId id : lost)
    declare_host_lost(id, fmt::format("no session for {} ms", config_.server.host_grace_ms));
}

}  // namespace swarmex::gateway
