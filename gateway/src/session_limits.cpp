// Session: the principal's fair-share limits a session meets besides its rate (session_rate.cpp)
// and its orders (counted in PrincipalState::orders): how many sessions it has logged on, how many
// instruments they subscribe to, and how deep (principal.limits; docs/operations.md).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "io_thread.hpp"
#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

bool Session::refuse_over_session_limit(const Principal& p, PrincipalState& ps) {
  if (ps.sessions.size() < p.limits.sessions) return false;
  protocol::FrameWriter& w = thread_.writer();
  auto text = w.fbb().CreateString("'" + p.name + "' already has its " +
                                   std::to_string(p.limits.sessions) + " sessions logged on");
  send(w.finish(wire::CreateLogonReject(w.fbb(), wire::RejectReason::PrincipalSessionLimit, text)));
  spdlog::warn("session {} {}: logon refused for '{}': {} sessions logged on", id_, remote_, p.name,
               ps.sessions.size());
  principal_ = nullptr;  // never logged on: nothing of the principal's is touched on close
  closing_ = true;
  if (!write_active_) finish_close();
  return true;
}

bool Session::take_subscriptions(const std::vector<engine::InstrumentId>& ids,
                                 std::uint32_t depth) {
  const PrincipalLimits& l = principal_->limits;
  if (depth > l.depth_levels) {
    send_error(RejectReason::DepthLimit, "depth " + std::to_string(depth) + " is above the " +
                                             std::to_string(l.depth_levels) +
                                             " levels a subscription may ask for");
    return false;
  }
  Server& server = thread_.server();
  std::vector<engine::InstrumentId> added = ids.empty() ? server.spot_instruments() : ids;
  std::sort(added.begin(), added.end());
  added.erase(std::unique(added.begin(), added.end()), added.end());
  std::erase_if(added, [&](engine::InstrumentId id) {
    return !server.has_instrument(id) ||
           std::binary_search(subscribed_.begin(), subscribed_.end(), id);
  });
  std::size_t held = 0;
  for (const Session* s : state_->sessions)
    held += s->subscribed_.size();
  if (held + added.size() > l.subscriptions) {
    send_error(RejectReason::SubscriptionLimit,
               std::to_string(added.size()) + " more instruments would pass the " +
                   std::to_string(l.subscriptions) + " its sessions may subscribe to (" +
                   std::to_string(held) + " now); nothing was subscribed");
    return false;
  }
  subscribed_.insert(subscribed_.end(), added.begin(), added.end());
  std::sort(subscribed_.begin(), subscribed_.end());
  return true;
}

}  // namespace swarmex::gateway
