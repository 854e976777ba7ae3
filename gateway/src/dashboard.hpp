// The operator dashboard (docs/dashboard.md): a web page and a WebSocket served over HTTP on its
// own thread (own io_context), so neither the page nor the PBKDF2 token check ever runs on the
// matching, publisher or protocol I/O threads. It owns what those threads feed: the market view
// (publisher), the operations view (I/O threads) and one stage-latency recorder per I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dashboard_feed.hpp"
#include "dashboard_ops.hpp"
#include "stage_latency.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

class Server;
class DashboardHttp;

class Dashboard {
 public:
  static constexpr std::int64_t kPushNs = 500'000'000;  // a state to every client this often

  Dashboard(const Server& server, const Config& config);
  ~Dashboard();

  DashboardFeed& feed() noexcept { return feed_; }
  DashboardOps& ops() noexcept { return ops_; }
  StageRecorder* stages(std::uint32_t io_thread) noexcept { return stages_[io_thread].get(); }

  // Binds server.dashboard_listen and starts the thread; false (logged) when it cannot bind:
  // the exchange goes on without its dashboard.
  bool start();
  void stop();
  [[nodiscard]] std::uint16_t port() const noexcept;

  // The dashboard thread: the state as JSON, from what the feeds published last.
  std::string render(std::int64_t now_ns);

 private:
  const Config& config_;
  DashboardFeed feed_;
  DashboardOps ops_;
  std::vector<std::unique_ptr<StageRecorder>> stages_;
  StageSummary summary_;  // the dashboard thread only
  std::unique_ptr<DashboardHttp> http_;
};

}  // namespace swarmex::gateway
