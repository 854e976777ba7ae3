// swarmex-autopilot-sim (tools/autopilot-sim): plays VMs of a usage trace as tenants that opted
// in to the autopilot, against a real swarmexd, three real swarmex-hostctl (dry-run cgroup
// directories: the trace's use is written where the kernel's counters would be) and the real
// swarmex-autopilot, a trace hour per delivery window of --seconds-per-hour wall seconds; then
// scores what the market bought against the offline replay (docs/autopilot.md).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "child_process.hpp"
#include "ledger.hpp"
#include "report.hpp"
#include "sim_plan.hpp"
#include "stack.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "workload.hpp"

using namespace swarmex;
using namespace swarmex::autopilot_sim;

namespace {

constexpr std::int64_t kMsNs = 1'000'000;

std::string default_bin_dir(const char* argv0) {
  return std::filesystem::absolute(argv0).parent_path().string();
}

// The pre-staging host that holds most of `window` (1-based id): killing it leaves the most to
// heal, and the cold host's figures survive.
std::uint32_t busiest_host(const SimPlan& plan, const Ledger& ledger, std::int64_t window) {
  std::map<std::uint32_t, std::int64_t> units;
  for (std::size_t vm = 0; vm < plan.trace.vms.size(); ++vm)
    for (const auto& [host, n] : ledger.held(vm, window, window * plan.window_ns()))
      units[host] += n;
  std::uint32_t best = 1;
  std::int64_t most = 0;
  for (const auto& [host, n] : units)
    if (host >= 1 && host < kHosts && n > most) {
      best = host;
      most = n;
    }
  return best;
}

SimReport run(SimPlan& plan, bool json) {
  auto say = [json](const std::string& line) {
    if (!json) std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  common::TempDir dir("swarmex-sim");
  const std::string exchange_config = dir.str() + "/swarmex.toml";
  std::ofstream(exchange_config) << plan.exchange_toml();
  demo::Stack stack(plan.options.bin_dir, exchange_config, 0, demo::detect_cgroup_mode(true));
  stack.start_exchange();
  std::vector<hostctl::CgroupLayout> layouts;
  const auto hosts = plan.hosts();
  for (int i = 0; i < kHosts; ++i) {
    stack.start_host(
        {hosts[static_cast<std::size_t>(i)], "sim",
         "vrus = " + std::to_string(plan.host_vrus[static_cast<std::size_t>(i)]) + "\n", "none",
         plan.supply_toml(i), plan.host_toml(i)});
    layouts.push_back(stack.layout(hosts[static_cast<std::size_t>(i)]));
  }
  Ledger ledger(plan);
  ledger.open(stack.port());
  say("swarmexd, 3 host controllers (" + std::to_string(plan.host_vrus[0]) + ", " +
      std::to_string(plan.host_vrus[1]) + " and " + std::to_string(plan.host_vrus[2]) +
      " VRU) and " + std::to_string(plan.trace.vms.size()) + " opted-in tenants are up");
  // The first played hour starts once the autopilot has had time to decide it.
  const std::int64_t window = plan.window_ns();
  const std::int64_t ready = common::wall_ns() + 3000 * kMsNs + window;
  plan.origin_wall_ns = (ready + window - 1) / window * window;
  const std::string history = dir.str() + "/history.csv";
  plan.write_history(history);
  const std::string autopilot_config = dir.str() + "/autopilot.toml";
  std::ofstream(autopilot_config) << plan.autopilot_toml(stack.port(), history);
  tools::ChildProcess autopilot(dir.str() + "/autopilot.log");
  autopilot.start({plan.options.bin_dir + "/swarmex-autopilot", "--config", autopilot_config});
  if (autopilot.wait_for("logged on", 0, 15000) == std::string::npos)
    throw std::runtime_error("swarmex-autopilot did not log on:\n" + autopilot.output());
  say("swarmex-autopilot is up with 7 days of history; playing " +
      std::to_string(plan.options.hours) + " trace hours");

  Workload workload(plan, layouts);
  const std::int64_t end_ns = plan.origin_wall_ns + plan.options.hours * window + 500 * kMsNs;
  std::int64_t kill_ns =
      plan.options.kill_host_at < 0
          ? INT64_MAX
          : plan.origin_wall_ns + plan.options.kill_host_at * window + window * 55 / 100;
  std::int64_t next_hour = plan.origin_wall_ns;
  for (std::int64_t now = common::wall_ns(); now < end_ns; now = common::wall_ns()) {
    ledger.poll(common::steady_ns());
    workload.tick(ledger, now);
    if (now >= kill_ns) {
      const std::string& victim = hosts[busiest_host(plan, ledger, now / window + 1) - 1];
      stack.kill_host(victim);
      say("SIGKILL to " + victim + "'s controller");
      kill_ns = INT64_MAX;
    }
    if (now >= next_hour) {
      say("trace hour " + std::to_string((next_hour - plan.origin_wall_ns) / window));
      next_hour += window;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ledger.poll(common::steady_ns());
  SimReport report = score(plan, ledger);
  autopilot.stop();
  const demo::TeardownReport down = stack.teardown();
  for (const std::string& s : down.hostctl_summaries)
    read_start_latencies(s, s.rfind(hosts[kHosts - 1], 0) != 0, report);
  if (!json)
    for (const std::string& p : down.problems)
      say("teardown: " + p);
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Plays a usage trace's VMs as tenants of the autopilot against a real exchange"};
  SimOptions o;
  bool json = false;
  app.add_option("--trace-dir", o.trace_dir, "cpu_usage_mhz.csv, mem_usage_mib.csv and vms.csv")
      ->required();
  app.add_option("--vms", o.vms, "the first N VMs of the trace")->check(CLI::Range(1, 500));
  app.add_option("--hours", o.hours, "trace hours played after the 7-day warmup")
      ->check(CLI::Range(1, 24 * 7));
  app.add_option("--seconds-per-hour", o.seconds_per_hour,
                 "wall seconds per trace hour (a divisor of 3600, at least 4)");
  app.add_option("--kill-host-at", o.kill_host_at,
                 "SIGKILL one host controller during this played hour (from 0)");
  app.add_option("--bin-dir", o.bin_dir,
                 "where swarmexd, swarmex-hostctl and swarmex-autopilot are");
  app.add_flag("--capped", o.capped,
               "report use cut at what each tenant holds (cgroup counters) instead of its demand");
  app.add_flag("--json", json, "print exactly one JSON object");
  CLI11_PARSE(app, argc, argv);
  if (o.bin_dir.empty()) o.bin_dir = default_bin_dir(argv[0]);
  try {
    SimPlan plan = make_plan(o, common::wall_ns(), 0);
    const SimReport r = run(plan, json);
    std::cout << (json ? to_json(r) : to_text(r, plan));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swarmex-autopilot-sim: %s\n", e.what());
    return 2;
  }
}
