// swarmex-engine-demo (tools/run-demo --engine-only): an in-process exchange on the threaded
// engine path. Hosts post asks, tenants bid with every order type, an optional seeded random phase
// adds load; then the demo prints books and allocations and checks its invariants (exit 1 when one
// fails).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "checks.hpp"
#include "driver.hpp"
#include "format.hpp"
#include "ledger.hpp"
#include "market.hpp"
#include "plan.hpp"
#include "random_flow.hpp"
#include "report.hpp"
#include "scenario.hpp"
#include "swarmex/journal/assembly.hpp"

namespace {

using namespace swarmex;

constexpr std::uint32_t kPartitions = 2;

struct Options {
  std::uint32_t tenants = 3;
  std::size_t orders = 0;
  double rate_per_s = 0;
  std::uint64_t seed = 1;
  std::size_t depth_levels = 3;
  bool quiet = false;
};

// Resting orders per partition stay well below the command count; size the pool from it (bounded).
std::uint32_t order_capacity(std::size_t commands) {
  const std::uint64_t want = std::bit_ceil(static_cast<std::uint64_t>(commands / 2 + 4096));
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(want, 1u << 16, 1u << 21));
}

// Prints one line per check; returns how many failed.
int report_check(const Options& opt, const std::string& what,
                 const std::vector<std::string>& errors) {
  if (!opt.quiet || !errors.empty())
    fmt::print("  {}  {}\n", errors.empty() ? "ok  " : "FAIL", what);
  for (const std::string& e : errors)
    fmt::print("        {}\n", e);
  return errors.empty() ? 0 : 1;
}

int run(const Options& opt) {
  const demo::Market market(opt.tenants);
  // Assembled as swarmexd assembles its exchange (partitions by pool), with no journal; each
  // partition keeps its events on its own queue for the collector.
  journal::AssemblyConfig config;
  config.partitions = kPartitions;
  config.engine.order_capacity = order_capacity(opt.orders);
  config.wait = engine::WaitStrategy::Block;
  for (const demo::Product& p : market.products())
    config.instruments.push_back(p.spec);
  journal::ExchangeAssembly exchange(config);

  engine::OrderId next_order_id = 1;
  const std::vector<demo::Step> steps = demo::scripted_steps(market, next_order_id);
  std::vector<engine::Command> commands;
  for (const demo::Step& s : steps)
    commands.push_back(s.cmd);
  for (const engine::Command& c : demo::random_flow(market, {opt.seed, opt.orders}, next_order_id))
    commands.push_back(c);
  const demo::Plan plan = demo::make_plan(std::move(commands), steps.size(), exchange);

  demo::Ledger ledger(market, plan);
  const demo::RunTimes times = demo::run_plan(exchange, plan, ledger, opt.rate_per_s);

  if (!opt.quiet) {
    demo::print_market(market, exchange);
    demo::print_steps(market, steps, ledger);
    demo::print_totals(ledger, plan.commands.size(), opt.orders, opt.rate_per_s, times);
    demo::print_books(market, exchange, opt.depth_levels);
    demo::print_allocations(market, ledger, 24);
  }

  if (!opt.quiet) fmt::print("Checks\n");
  std::size_t outcomes = 0;
  for (const auto& partition_commands : plan.by_partition)
    outcomes += partition_commands.size();
  int failed = 0;
  failed += report_check(
      opt,
      fmt::format("event streams: each of {} outcomes exactly one Accepted/Rejected, first; "
                  "every fill names its ask's host",
                  demo::grouped(static_cast<std::int64_t>(outcomes))),
      ledger.errors());
  failed +=
      report_check(opt, fmt::format("scripted steps: all {} did what they expected", steps.size()),
                   demo::check_steps(steps, plan, ledger));
  failed += report_check(opt, "books rebuilt from events equal the engines' books and levels",
                         demo::check_books(market, exchange, ledger));
  for (const demo::ReplayResult& r :
       demo::replay_partitions(market, plan, exchange, ledger, config.engine)) {
    std::vector<std::string> errors;
    if (!r.same_events) errors.emplace_back("event stream differs from the threaded run");
    if (r.live_state_hash != r.replay_state_hash)
      errors.push_back(fmt::format("state hash {:#018x} live, {:#018x} replayed", r.live_state_hash,
                                   r.replay_state_hash));
    failed += report_check(
        opt,
        fmt::format("replay of partition {} on one thread, no clock: {} commands, {} events, "
                    "state hash {:#018x} identical",
                    r.partition, demo::grouped(static_cast<std::int64_t>(r.commands)),
                    demo::grouped(static_cast<std::int64_t>(r.events)), r.live_state_hash),
        errors);
  }
  if (failed > 0) {
    fmt::print("swarmex-engine-demo: {} check(s) FAILED\n", failed);
    return 1;
  }
  fmt::print("swarmex-engine-demo: all checks passed ({} commands, {} fills, {:.0f} ms)\n",
             demo::grouped(static_cast<std::int64_t>(plan.commands.size())),
             demo::grouped(static_cast<std::int64_t>(ledger.fills)), times.total_s * 1e3);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{
      "Swarmex in-process demo: hosts sell CPU, memory and MIG slices, tenants buy them, "
      "on 2 engine partitions with real threads and queues."};
  app.add_option("--tenants", opt.tenants, "tenants (the scripted phase uses the first three)")
      ->capture_default_str()
      ->check(CLI::Range(3u, 100'000u));
  app.add_option("--orders", opt.orders, "commands in the extra random phase (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{20'000'000}));
  app.add_option("--rate", opt.rate_per_s,
                 "random phase rate in commands per second (0: unthrottled)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", opt.seed, "seed of the random phase")->capture_default_str();
  app.add_option("--depth", opt.depth_levels, "book levels shown per side")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{50}));
  app.add_flag("-q,--quiet", opt.quiet, "print only failed checks and the final line");
  CLI11_PARSE(app, argc, argv);
  return run(opt);
}
