// swarmex-demo: the main job of Swarmex on localhost with real processes (tools/run-demo runs it).
// swarmexd, two swarmex-hostctl (real cgroups when root and a cgroup mount is writable, else an
// announced dry-run directory), tenants over the binary protocol, and a CPU-bound workload whose
// measured share follows what its tenant bought; then the autopilot buying ahead for a
// trace-driven workload on a pool with pegged prices, a standby host and a host that dies; the
// operator's dashboard, metrics and journal report. Exit 0 when every check passed, 1 when one
// failed, 130 when interrupted; in every case it leaves no process, cgroup or directory behind.
#include <unistd.h>

#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "autopilot_scene.hpp"
#include "interrupt.hpp"
#include "operator_view.hpp"
#include "pool_plan.hpp"
#include "replay_workload.hpp"
#include "scenario.hpp"
#include "stack.hpp"
#include "summary.hpp"

namespace {

using namespace swarmex::demo;
namespace fs = std::filesystem;

// swarmexd and swarmex-hostctl are built next to the demo; the sample configuration is in the
// source tree's etc/ (build/<preset>/bin/ → ../../../etc).
std::string own_dir() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path().string();
}

std::string default_config(const std::string& bin_dir) {
  for (const fs::path& p : {fs::path(bin_dir) / "../../../etc/swarmex.toml",
                            fs::path("etc/swarmex.toml"), fs::path("/etc/swarmex/swarmex.toml")})
    if (fs::exists(p)) return fs::weakly_canonical(p).string();
  return {};
}

int run(const Options& o) {
  install_interrupt_handler();
  const CgroupMode mode = detect_cgroup_mode(o.dry_run);
  const std::string trace_dir = find_trace_dir(o.trace_dir, SWARMEX_SOURCE_DIR);
  // Free ports for the dashboard and /metrics, a host declared lost 300 ms after its session
  // went, and the autopilot's pool (pool-c) with its hosts and tenant.
  Stack stack(o.bin_dir, o.config, o.tenants, mode, [](std::string toml) {
    return with_server_keys(std::move(toml), {{"dashboard_listen", "\"127.0.0.1:0\""},
                                              {"metrics_listen", "\"127.0.0.1:0\""},
                                              {"host_grace_ms", "300"}}) +
           PoolPlan::exchange_toml();
  });
  fmt::print(
      "Swarmex demo: swarmexd, host controllers host-a1 (pool-a), host-b1 (pool-b) and host-c1..c3 "
      "(pool-c), {} tenants, swarmex-autopilot, all on localhost\n  work dir  {}\n  cgroups   {}\n"
      "  trace     {}\n\n",
      o.tenants, stack.work_dir(),
      mode.real ? "real: the kernel's mount at /sys/fs/cgroup, subtrees swarmex-demo-" +
                      std::to_string(::getpid()) + "-<host>"
                : "DRY RUN (" + mode.why +
                      "): the controllers write a directory laid out like cgroup v2; "
                      "nothing is enforced",
      trace_dir.empty() ? std::string("none found: the autopilot scene is skipped") : trace_dir);
  Scenario scenario(o, stack);
  std::unique_ptr<AutopilotScene> scene;
  ReportCheck report;
  bool was_interrupted = false;
  bool broke = false;
  try {
    scenario.run();
    scene = std::make_unique<AutopilotScene>(
        stack, trace_dir, o.bin_dir + "/swarmex-demo", scenario.tenant(1),
        [&scenario] { scenario.keep_alive(); }, o.screenshot, scenario.started_at());
    scene->run();
    scenario.collect();
    print_summary(scenario.results(), *scenario.book(), stack);
    print_metrics(stack);
    auto fills = scenario.results().fills;
    fills[kAutoTenant] = scene->results().fills;
    report = print_report(stack, fills);
  } catch (const Interrupted&) {
    was_interrupted = true;
    fmt::print("\ninterrupted: stopping everything the demo started\n");
  } catch (const std::exception& e) {
    broke = true;
    fmt::print("\ndemo step failed: {}\n{}\n", e.what(), stack.log_tails());
  }
  if (was_interrupted || broke) scenario.collect();
  const TeardownReport t = stack.teardown();
  if (!o.screenshot.empty()) {
    std::error_code ec;
    const auto size = fs::file_size(o.screenshot, ec);
    fmt::print(
        "\ndashboard screenshot: {}\n",
        ec ? "none taken (see above)" : fmt::format("{} ({} KB)", o.screenshot, size / 1024));
  }
  fmt::print("\nhost controllers on stop (their own fill->enforced times):\n");
  for (const std::string& s : t.hostctl_summaries)
    fmt::print("  {}\n", s);
  const int failed = print_checks(scenario.results(), scene ? &scene->results() : nullptr, report,
                                  t, mode, !was_interrupted && !broke);
  if (was_interrupted) return 130;
  if (broke || failed > 0) {
    fmt::print("\nswarmex-demo: {} check(s) failed{}\n", failed, broke ? " (a step failed)" : "");
    return 1;
  }
  fmt::print("\nswarmex-demo: all checks passed\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--burn") return run_burner(argv[2]);
  Options o;
  o.bin_dir = own_dir();
  CLI::App app{
      "swarmex-demo: swarmexd + 2 host controllers + tenants + a real workload on localhost"};
  app.add_option("--duration", o.duration_s,
                 "seconds of the first workload phase (half before, half "
                 "after the extra purchase)")
      ->check(CLI::Range(2.0, 600.0))
      ->capture_default_str();
  app.add_option("--tenants", o.tenants, "tenants trading (tenant-a...; at least 3)")
      ->check(CLI::Range(3, 26))
      ->capture_default_str();
  app.add_option("--rate", o.rate_per_s, "background orders per second during the workload phase")
      ->check(CLI::Range(0.0, 5000.0))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seed of the background order flow")->capture_default_str();
  app.add_flag("--dry-run", o.dry_run, "never touch the kernel's cgroups");
  app.add_option("--trace-dir", o.trace_dir,
                 "the usage trace replayed for the autopilot (default: SWARMEX_TRACE_DIR, else "
                 "../shared/traces/bitbrains-rnd beside the checkout)");
  app.add_option("--screenshot", o.screenshot,
                 "save a PNG of the dashboard, taken by headless Chromium mid-run");
  app.add_option("--bin-dir", o.bin_dir, "where swarmexd and swarmex-hostctl are")
      ->capture_default_str();
  app.add_option("--config", o.config, "the exchange's configuration (default: etc/swarmex.toml)");
  CLI11_PARSE(app, argc, argv);
  if (o.config.empty()) o.config = default_config(o.bin_dir);
  if (o.config.empty() || !fs::exists(o.config)) {
    fmt::print(stderr, "swarmex-demo: no configuration found; pass --config etc/swarmex.toml\n");
    return 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    fmt::print(stderr, "swarmex-demo: {}\n", e.what());
    return 1;
  }
}
