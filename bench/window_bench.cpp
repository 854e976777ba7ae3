// Gate closure cost: one Roll that closes a delivery window holding N resting orders (N/2 bids
// and N/2 asks over 500 price levels per side), against a baseline of one MassCancel that removes
// the same N orders, laid out the same way, from a spot book. Both emit one Cancelled per order
// and one BookLevel per emptied level. Each iteration builds a fresh engine (untimed) and times
// exactly one Engine::apply with the TSC; p50_ns / p99_ns are percentiles of those samples and
// per_order_ns is p50 / N.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "swarmex/engine/engine.hpp"
#include "tsc_clock.hpp"

namespace {

using namespace swarmex::engine;
using swarmex::bench::process_tsc_clock;
using swarmex::bench::sample_percentile;
using swarmex::bench::tsc_now;

constexpr std::int64_t kHourNs = 3'600'000'000'000;
constexpr std::int64_t kStartNs = 498'710 * kHourNs;  // 2026-11-22T14:00Z
constexpr InstrumentId kSpot = 1;
constexpr InstrumentId kFirstBook = 100;
constexpr OwnerId kOwner = 7;  // owns every order (the mass cancel's target)

InstrumentSpec rules(InstrumentId id) {
  InstrumentSpec s;
  s.id = id;
  s.symbol = "cpu.pool-a";
  s.resource = "cpu";
  s.pool = "pool-a";
  s.band_min = 1;
  s.band_max = 10'000;
  s.max_qty = 1'000'000;
  return s;
}

Product hourly() {
  Product p;
  p.rules = rules(kFirstBook);
  p.length_ns = kHourNs;
  p.listed_ahead_ns = 24 * kHourNs;
  p.gate_closure_ns = 300'000'000'000;
  return p;
}

// A fresh engine: the spot instrument and the hourly product, calendar at kStartNs, and n orders
// of kOwner on `instrument` (bids at 1,000..1,499, asks at 5,000..5,499).
std::unique_ptr<Engine> market(std::int64_t n, InstrumentId instrument, Seq* seq) {
  auto e = std::make_unique<Engine>(EngineConfig{static_cast<std::uint32_t>(n) + 16});
  e->add_instrument(rules(kSpot));
  e->add_product(hourly());
  EventBuffer out;
  Command tick;
  tick.kind = CommandKind::Roll;
  tick.seq = ++*seq;
  tick.time_ns = kStartNs;
  e->apply(tick, out);
  for (std::int64_t i = 0; i < n; ++i) {
    const bool bid = i % 2 == 0;
    Command c;
    c.seq = ++*seq;
    c.time_ns = kStartNs;
    c.kind = CommandKind::NewOrder;
    NewOrder& o = c.new_order;
    o.order_id = static_cast<OrderId>(i + 1);
    o.instrument = instrument;
    o.owner = kOwner;
    o.host = bid ? 0 : 1;
    o.side = bid ? Side::Buy : Side::Sell;
    o.tif = TimeInForce::Gtc;
    o.price = (bid ? 1'000 : 5'000) + (i / 2) % 500;
    o.qty = 1;
    out.clear();
    e->apply(c, out);
  }
  return e;
}

// Times `command` on a fresh market per iteration; checks it removed all n orders.
template <typename Make>
void time_removal(benchmark::State& state, InstrumentId instrument, Make command) {
  const std::int64_t n = state.range(0);
  std::vector<double> ns;
  process_tsc_clock();
  EventBuffer out(static_cast<std::size_t>(2 * n + 1024));
  for (auto _ : state) {
    Seq seq = 0;
    const auto e = market(n, instrument, &seq);
    if (e->resting_orders() != n) {
      state.SkipWithError("the market did not rest every order");
      break;
    }
    const Command c = command(seq + 1);
    out.clear();
    const std::uint64_t t0 = tsc_now();
    e->apply(c, out);
    const std::uint64_t t1 = tsc_now();
    const double elapsed = process_tsc_clock().to_ns(t1 - t0);
    state.SetIterationTime(elapsed * 1e-9);
    ns.push_back(elapsed);
    if (e->resting_orders() != 0) {
      state.SkipWithError("orders were left resting");
      break;
    }
  }
  const double p50 = sample_percentile(ns, 0.50);
  state.counters["p50_ns"] = p50;
  state.counters["p99_ns"] = sample_percentile(ns, 0.99);
  state.counters["per_order_ns"] = p50 / static_cast<double>(n);
  state.counters["events"] = static_cast<double>(out.size());
}

// The Roll at the gate closure of the 15:00 window, which holds every order.
void BM_GateClosure(benchmark::State& state) {
  const InstrumentId book = kFirstBook + book_of(hourly(), kStartNs / kHourNs + 1);
  time_removal(state, book, [](Seq seq) {
    Command c;
    c.seq = seq;
    c.kind = CommandKind::Roll;
    c.time_ns = kStartNs + kHourNs - hourly().gate_closure_ns;
    return c;
  });
}

// Baseline: the same orders on the spot book, removed by their owner's mass cancel.
void BM_MassCancel(benchmark::State& state) {
  time_removal(state, kSpot, [](Seq seq) {
    Command c;
    c.seq = seq;
    c.kind = CommandKind::MassCancel;
    c.time_ns = kStartNs;
    c.mass_cancel = MassCancel{kOwner, kSpot};
    return c;
  });
}

BENCHMARK(BM_GateClosure)->Arg(100)->Arg(1'000)->Arg(10'000)->ArgName("orders")->UseManualTime();
BENCHMARK(BM_MassCancel)->Arg(100)->Arg(1'000)->Arg(10'000)->ArgName("orders")->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
