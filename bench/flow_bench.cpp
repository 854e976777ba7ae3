// swarmex-flow-bench: replays a flow file through the engine and reports throughput and
// per-command latency; optionally through the reference book (and asserts both end in the same
// state) and through a bare flat-array book, the floor.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bare_book.hpp"
#include "flow_file.hpp"
#include "reference_book.hpp"
#include "swarmex/common/latency_histogram.hpp"
#include "swarmex/engine/engine.hpp"
#include "tsc_clock.hpp"

namespace {

using swarmex::bench::BareBook;
using swarmex::bench::Flow;
using swarmex::bench::tsc_now;
using swarmex::bench::TscClock;
using swarmex::engine::Command;
using swarmex::engine::Engine;
using swarmex::engine::EventBuffer;
using swarmex::testing::ReferenceBook;
using Commands = std::span<const Command>;

// Enough for every N/I line to rest at once, but not more than ~0.5 GiB of pool and index.
constexpr std::uint64_t kMaxOrderCapacity = 1u << 23;
// The bare book indexes orders directly by id; beyond this it is skipped.
constexpr std::uint64_t kMaxBareOrderId = 1u << 26;

struct Options {
  std::string flow_path;
  bool baseline = false;
  // The reference book scans every resting order per command: a full pass over a million-command
  // flow takes the better part of an hour, so by default only a prefix is compared. 0: all.
  std::size_t baseline_commands = 100'000;
  bool bare = false;
  int runs = 1;
  // > 0: every selling host first declares a supply group of this capacity (never binding at
  // the default), so the run shows what the group checks add to plain matching.
  std::int64_t supply = 0;
};

struct Replay {  // one untimed-per-command pass of one book
  double ns_per_command = 0;
  std::uint64_t events = 0;
  std::uint64_t state_hash = 0;
  std::uint64_t resting = 0;
};

struct Latency {  // per-command percentiles of one pass
  double p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::uint32_t order_capacity(const Flow& flow) {
  return static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>(flow.new_orders + flow.ioc_orders, 1, kMaxOrderCapacity));
}

template <typename Book>
void add_instruments(Book& book, const Flow& flow) {
  for (const auto id : flow.instruments)
    book.add_instrument(swarmex::bench::flow_instrument(id));
}

std::unique_ptr<Engine> make_engine(const Flow& flow) {
  auto engine = std::make_unique<Engine>(swarmex::engine::EngineConfig{order_capacity(flow)});
  add_instruments(*engine, flow);
  return engine;
}

// Times the whole pass with two clock reads; nothing per command beyond apply and clear.
template <typename Book>
Replay replay(Book& book, Commands commands) {
  EventBuffer events;
  std::uint64_t count = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (const Command& cmd : commands) {
    book.apply(cmd, events);
    count += events.size();
    events.clear();
  }
  const double s = seconds_since(t0);
  return Replay{s * 1e9 / static_cast<double>(commands.size()), count, book.state_hash(),
                static_cast<std::uint64_t>(book.resting_orders())};
}

// The partition's way: batches of kPartitionBatch through apply_batch, which prefetches ahead.
constexpr std::size_t kPartitionBatch = 256;
Replay replay_batched(Engine& engine, Commands commands) {
  EventBuffer events;
  std::uint64_t count = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < commands.size(); i += kPartitionBatch) {
    engine.apply_batch(commands.subspan(i, std::min(kPartitionBatch, commands.size() - i)), events);
    count += events.size();
    events.clear();
  }
  const double s = seconds_since(t0);
  return Replay{s * 1e9 / static_cast<double>(commands.size()), count, engine.state_hash(),
                static_cast<std::uint64_t>(engine.resting_orders())};
}

// One TSC read per command: each command's latency is the gap between consecutive reads. Either
// `apply` alone, or `apply_batch` as the partition runs it, read after each command of the batch
// (so the prefetching for later commands counts in the command that issues it).
Latency replay_timed(Engine& engine, Commands commands, bool batched, const TscClock& clock,
                     std::vector<std::uint32_t>& cycles) {
  EventBuffer events;
  const std::size_t n = commands.size();
  cycles.resize(n);
  std::uint64_t prev = tsc_now();
  const auto stamp = [&](std::size_t i) {
    const std::uint64_t now = tsc_now();
    cycles[i] = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(now - prev, std::numeric_limits<std::uint32_t>::max()));
    prev = now;
  };
  if (batched) {
    for (std::size_t i = 0; i < n; i += kPartitionBatch) {
      const Commands batch = commands.subspan(i, std::min(kPartitionBatch, n - i));
      engine.apply_batch(batch, events, [&](std::size_t k) { stamp(i + k); });
      events.clear();
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      engine.apply(commands[i], events);
      events.clear();
      stamp(i);
    }
  }
  // Cycles are kept per command during the pass (a store, no bucket arithmetic inside the timed
  // loop) and summarised by the tree's one latency histogram afterwards.
  swarmex::common::LatencyHistogram h;
  for (const std::uint32_t c : cycles)
    h.record(c);
  Latency l;
  l.p50_ns = clock.to_ns(static_cast<std::uint64_t>(h.percentile(50)));
  l.p99_ns = clock.to_ns(static_cast<std::uint64_t>(h.percentile(99)));
  l.p999_ns = clock.to_ns(static_cast<std::uint64_t>(h.percentile(99.9)));
  l.max_ns = clock.to_ns(static_cast<std::uint64_t>(h.max()));
  return l;
}

// Medians over the runs of each percentile.
void print_latency(const char* label, const std::vector<Latency>& runs) {
  const auto med = [&](double Latency::*field) {
    std::vector<double> v;
    for (const Latency& l : runs)
      v.push_back(l.*field);
    return median(v);
  };
  std::printf("%s latency per command p50 %.0f ns  p99 %.0f ns  p99.9 %.0f ns  max %.0f ns\n",
              label, med(&Latency::p50_ns), med(&Latency::p99_ns), med(&Latency::p999_ns),
              med(&Latency::max_ns));
}

double replay_bare(const Flow& flow) {
  BareBook book(flow.instruments, 32'767, flow.max_order_id);
  const auto t0 = std::chrono::steady_clock::now();
  for (const Command& cmd : flow.commands)
    book.apply(cmd);
  const double s = seconds_since(t0);
  // Keeps the work observable, so nothing is optimised away.
  if (book.fills() == std::numeric_limits<std::uint64_t>::max()) std::puts("");
  return s * 1e9 / static_cast<double>(flow.commands.size());
}

// Replays the first `limit` commands (0: all) through the reference book once and compares its
// final state with the engine's after the same commands. Returns false on a mismatch.
bool check_reference(const Flow& flow, std::size_t limit, const Replay& engine_full,
                     double engine_ns) {
  const Commands all(flow.commands);
  const Commands prefix = limit > 0 && limit < all.size() ? all.first(limit) : all;
  Replay engine = engine_full;
  if (prefix.size() < all.size()) {
    engine = replay(*make_engine(flow), prefix);
    engine_ns = engine.ns_per_command;
    std::printf("engine     first %zu commands: %.1f ns/command  events %" PRIu64
                "  state hash %016" PRIx64 "\n",
                prefix.size(), engine_ns, engine.events, engine.state_hash);
  }
  ReferenceBook book(order_capacity(flow));
  add_instruments(book, flow);
  const Replay ref = replay(book, prefix);
  std::printf("reference  %8.2f M commands/s  %8.1f ns/command  reference/engine %.1fx",
              1e3 / ref.ns_per_command, ref.ns_per_command, ref.ns_per_command / engine_ns);
  if (prefix.size() < all.size())
    std::printf("  (first %zu commands, one pass)", prefix.size());
  else
    std::printf("  (one pass)");
  std::printf("\nreference  events %" PRIu64 "  resting %" PRIu64 "  state hash %016" PRIx64 "\n",
              ref.events, ref.resting, ref.state_hash);
  if (ref.state_hash != engine.state_hash) {
    std::fprintf(stderr,
                 "MISMATCH: engine and reference end in different states (engine %016" PRIx64
                 ", %" PRIu64 " events)\n",
                 engine.state_hash, engine.events);
    return false;
  }
  if (ref.events != engine.events)
    std::fprintf(stderr, "warning: same final state but %" PRIu64 " engine events\n",
                 engine.events);
  return true;
}

// The flow with a SetSupply for every host that sells in it first, sequence numbers shifted.
void add_supply_groups(Flow& flow, std::int64_t capacity) {
  std::vector<swarmex::engine::HostId> hosts;
  for (const Command& c : flow.commands)
    if (c.kind == swarmex::engine::CommandKind::NewOrder && c.new_order.host != 0)
      hosts.push_back(c.new_order.host);
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  std::vector<Command> commands;
  commands.reserve(hosts.size() + flow.commands.size());
  for (const auto host : hosts) {
    Command c;
    c.kind = swarmex::engine::CommandKind::SetSupply;
    c.seq = commands.size() + 1;
    c.supply = swarmex::engine::SupplyCapacity{host, host, flow.instruments.front(), capacity};
    commands.push_back(c);
  }
  for (Command c : flow.commands) {
    c.seq += hosts.size();
    commands.push_back(c);
  }
  flow.commands = std::move(commands);
  std::printf("supply groups: %zu hosts, capacity %" PRId64 " each\n", hosts.size(), capacity);
}

int run(const Options& opt) {
  const auto t_load = std::chrono::steady_clock::now();
  Flow flow = swarmex::bench::load_flow(opt.flow_path);
  if (opt.supply > 0) add_supply_groups(flow, opt.supply);
  const double load_s = seconds_since(t_load);
  if (flow.commands.empty()) {
    std::fprintf(stderr, "%s: no commands\n", opt.flow_path.c_str());
    return 2;
  }
  const bool bare = opt.bare && flow.max_order_id <= kMaxBareOrderId;
  if (opt.bare && !bare)
    std::printf("bare book skipped: order ids above %" PRIu64 "\n", kMaxBareOrderId);
  const TscClock clock = TscClock::calibrate();
  std::printf("flow %s: %zu commands (%" PRIu64 " new, %" PRIu64 " ioc, %" PRIu64
              " cancel, %" PRIu64 " modify), %zu instruments, loaded in %.2f s\n",
              opt.flow_path.c_str(), flow.commands.size(), flow.new_orders, flow.ioc_orders,
              flow.cancels, flow.modifies, flow.instruments.size(), load_s);
  std::printf("tsc %.3f GHz, order capacity %u\n", clock.ghz(), order_capacity(flow));

  std::vector<double> engine_ns, batched_ns, bare_ns;
  std::vector<Latency> single_lat, batched_lat;
  std::vector<std::uint32_t> cycles;
  Replay first{};
  std::size_t bytes_per_order = 0, bytes_total = 0;
  int status = 0;
  for (int r = 0; r < opt.runs; ++r) {
    // Throughput and latency come from separate passes, so the TSC reads do not inflate the
    // former; both passes must end in the same state.
    const Replay e = replay(*make_engine(flow), flow.commands);
    const Replay b = replay_batched(*make_engine(flow), flow.commands);
    const auto timed = make_engine(flow);
    const Latency l = replay_timed(*timed, flow.commands, false, clock, cycles);
    const auto timed_batched = make_engine(flow);
    const Latency bl = replay_timed(*timed_batched, flow.commands, true, clock, cycles);
    if (r == 0) {
      first = e;
      bytes_per_order = timed->bytes_per_order();
      bytes_total = timed->bytes_total();
    }
    if (timed->state_hash() != e.state_hash || timed_batched->state_hash() != e.state_hash ||
        e.state_hash != first.state_hash || e.events != first.events ||
        b.state_hash != e.state_hash || b.events != e.events) {
      std::fprintf(stderr, "run %d: engine passes end in different states\n", r + 1);
      status = 1;
    }
    engine_ns.push_back(e.ns_per_command);
    batched_ns.push_back(b.ns_per_command);
    single_lat.push_back(l);
    batched_lat.push_back(bl);
    std::printf(
        "run %d: engine %.1f ns/command, p50 %.0f p99 %.0f p99.9 %.0f max %.0f ns | batched %.1f "
        "ns/command, p50 %.0f p99 %.0f p99.9 %.0f max %.0f ns",
        r + 1, e.ns_per_command, l.p50_ns, l.p99_ns, l.p999_ns, l.max_ns, b.ns_per_command,
        bl.p50_ns, bl.p99_ns, bl.p999_ns, bl.max_ns);
    if (bare) {
      bare_ns.push_back(replay_bare(flow));
      std::printf(" | bare %.1f ns/command", bare_ns.back());
    }
    std::printf("\n");
    std::fflush(stdout);
  }

  const double ns = median(engine_ns);
  std::printf("\nmedian of %d run(s)\n", opt.runs);
  std::printf("engine     %8.2f M commands/s  %8.1f ns/command  (apply, one command at a time)\n",
              1e3 / ns, ns);
  print_latency("engine    ", single_lat);
  const double bns = median(batched_ns);
  std::printf(
      "batched    %8.2f M commands/s  %8.1f ns/command  (apply_batch of %zu, as the partition "
      "runs it; prefetching)  batched/engine %.2fx\n",
      1e3 / bns, bns, kPartitionBatch, bns / ns);
  print_latency("batched   ", batched_lat);
  std::printf("engine     events %" PRIu64 "  resting %" PRIu64 "  state hash %016" PRIx64 "\n",
              first.events, first.resting, first.state_hash);
  std::printf("engine     memory %zu bytes per resting order at capacity %u, %.1f MiB in all\n",
              bytes_per_order, order_capacity(flow), static_cast<double>(bytes_total) / (1 << 20));
  if (bare) {
    const double b = median(bare_ns);
    std::printf(
        "bare       %8.2f M commands/s  %8.1f ns/command  engine/bare %.2fx  batched/bare %.2fx\n",
        1e3 / b, b, ns / b, bns / b);
  }
  std::fflush(stdout);
  if (opt.baseline && !check_reference(flow, opt.baseline_commands, first, ns)) status = 1;
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"Replays a flow file (tools/gen-flow) through the matching engine."};
  app.add_option("--flow", opt.flow_path, "flow file")->required();
  app.add_flag("--baseline", opt.baseline,
               "also replay once through the reference book; exit 1 if it ends in another state");
  app.add_option("--baseline-commands", opt.baseline_commands,
                 "commands replayed through the reference book (0: all; it is slow on deep books)")
      ->capture_default_str();
  app.add_flag("--bare", opt.bare, "also replay through the bare flat-array book (the floor)");
  app.add_option("--supply", opt.supply,
                 "every selling host declares a supply group of this capacity first (the cost "
                 "of the group checks); not with --baseline")
      ->excludes("--baseline");
  app.add_option("--runs", opt.runs, "repetitions; medians are reported")
      ->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swarmex-flow-bench: %s\n", e.what());
    return 2;
  }
}
