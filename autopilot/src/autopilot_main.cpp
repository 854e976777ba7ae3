// swarmex-autopilot --config FILE: the exchange's agent (docs/autopilot.md).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>

#include "swarmex/autopilot/service.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop.store(true);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarmex-autopilot: buys ahead of demand for the tenants that opted in"};
  std::string config_path;
  app.add_option("--config", config_path, "the autopilot's TOML configuration")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    swarmex::autopilot::Service service(swarmex::autopilot::load_config(config_path));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    service.run(g_stop);
    return 0;
  } catch (const std::exception& e) {
    spdlog::error("swarmex-autopilot: {}", e.what());
    return 1;
  }
}
