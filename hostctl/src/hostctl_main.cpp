// swarmex-hostctl: the host controller daemon (`--config FILE`), `run --tenant T -- CMD` to start
// a workload inside a tenant's cgroup, `status` to print the saved allocations, and
// `adopt-history ID` to confirm a new exchange history (docs/hostctl.md).
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstring>
#include <iostream>

#include "swarmex/common/history_id.hpp"
#include "swarmex/hostctl/daemon.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop.store(true);
}

int run_workload(const swarmex::hostctl::HostConfig& config, const std::string& tenant,
                 std::vector<std::string> argv) {
  using namespace swarmex::hostctl;
  const CgroupLayout layout = make_layout(config.cgroup_root, config.cgroup_driver, config.subtree);
  Enactor enactor(layout, make_cgroup_writer({}, false));
  const auto dirs = enactor.tenant_dirs(tenant);  // throws on a bad tenant name
  for (const auto& d : dirs)
    if (!std::filesystem::exists(d)) {
      std::cerr << "swarmex-hostctl run: tenant '" << tenant
                << "' holds no allocation on this host (" << d.string() << " does not exist)\n";
      return 3;
    }
  join_cgroups(dirs);  // this process, then what it execs, is governed by what the tenant bought
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::cerr << "swarmex-hostctl run: " << argv[0] << ": " << std::strerror(errno) << "\n";
  return 127;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace swarmex::hostctl;
  CLI::App app{
      "swarmex-hostctl: sells this host's capacity and enacts its fills on cgroups and MIG"};
  app.fallthrough();
  std::string config_path;
  app.add_option("--config", config_path, "host controller configuration (TOML)")->required();
  auto* run = app.add_subcommand("run", "start CMD inside a tenant's cgroup on this host");
  std::string tenant;
  std::vector<std::string> command;
  run->add_option("--tenant", tenant, "tenant whose cgroup the command joins")->required();
  run->add_option("command", command, "the command and its arguments (after --)")->required();
  auto* status = app.add_subcommand("status", "print the saved state (allocations, last fill)");
  auto* adopt = app.add_subcommand(
      "adopt-history",
      "confirm the exchange history ID (from the controller's error log): the allocations of the "
      "old history end, the new one's fills are enacted from its start");
  std::string history;
  adopt->add_option("id", history, "the new exchange history, 0x and 16 hex digits")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    const HostConfig config = load_host_config(config_path);
    if (*run) return run_workload(config, tenant, command);
    if (*adopt) {
      const std::uint64_t id = swarmex::common::parse_history_id(history);
      if (id == 0) {
        std::cerr << "swarmex-hostctl adopt-history: not a history id: " << history << "\n";
        return 2;
      }
      // The state's own history too: a controller holding because that history's fill stream
      // ends before its position starts it over.
      write_adopt_request(config.state_dir, id);
      std::cout << "requested: the controller adopts exchange history "
                << swarmex::common::format_history_id(id) << " when it meets it (the running one "
                << "within a second); its log says so\n";
      return 0;
    }
    if (*status) {
      std::cout << format_host_state(load_host_state(config.state_dir));
      return 0;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    Daemon daemon(config);
    return daemon.run(g_stop);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
}
