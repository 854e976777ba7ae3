#include "dashboard.hpp"

#include <spdlog/spdlog.h>

#include "dashboard_assets.hpp"
#include "dashboard_http.hpp"
#include "dashboard_state.hpp"

namespace swarmex::gateway {

const DashboardAsset* find_dashboard_asset(std::string_view path) {
  for (const DashboardAsset& a : dashboard_assets())
    if (a.path == path) return &a;
  return nullptr;
}

Dashboard::Dashboard(const Server& server, const Config& config)
    : config_(config), feed_(server), ops_(config) {
  for (std::uint32_t i = 0; i < config.server.io_threads; ++i)
    stages_.push_back(std::make_unique<StageRecorder>());
  http_ = std::make_unique<DashboardHttp>(*this, config);
}

Dashboard::~Dashboard() {
  stop();
}

bool Dashboard::start() {
  try {
    http_->start();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("dashboard: cannot listen on {}:{}: {}; the exchange runs without it",
                  config_.server.dashboard_address, config_.server.dashboard_port, e.what());
    return false;
  }
}

void Dashboard::stop() {
  http_->stop();
}

std::uint16_t Dashboard::port() const noexcept {
  return http_->port();
}

std::string Dashboard::render(std::int64_t now_ns) {
  summary_.collect(stages_, now_ns);
  ops_.sample(now_ns);
  return render_state(*feed_.view(), ops_.view(now_ns), summary_, now_ns);
}

}  // namespace swarmex::gateway
