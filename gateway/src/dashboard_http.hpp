// The dashboard's network side (Boost.Beast): one thread with its own io_context accepts HTTP
// connections, serves the page, its files and /state, and upgrades /ws to a WebSocket that gets
// the state every Dashboard::kPushNs. At most server.dashboard_max_clients connections are open
// at once (past it a connection is closed at once); a WebSocket client still writing the last
// state skips the next one instead of queueing it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

class Dashboard;

class DashboardHttp {
 public:
  DashboardHttp(Dashboard& dashboard, const Config& config);
  ~DashboardHttp();

  void start();  // throws when the address cannot be bound
  void stop();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

  struct State;  // the dashboard thread's: connections, WebSockets, the token check

 private:
  std::unique_ptr<State> state_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  bool started_ = false;
};

}  // namespace swarmex::gateway
