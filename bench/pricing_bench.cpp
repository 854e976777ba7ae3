// The cost of pegged asks: the same flow of tenant buys against the same resting asks of 100
// hosts (1,000 units each), once with every ask pegged to a pricing curve (f = 1 at 0 % to 2 at
// 100 % utilisation, so each sale moves every ask's price a little and the pool reprices them in
// the step of the fill) and once with plain asks at the same prices. Each iteration builds a fresh
// engine (untimed) and applies the 10,000 buys; ns_per_command is the timed part / 10,000. A
// third run pegs the asks to a curve that is flat over the flow: none moves.
// Compare the pegged run with the plain one of the same asks, in the same process.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "swarmex/engine/engine.hpp"

namespace {

using namespace swarmex::engine;

constexpr InstrumentId kSpot = 1;
constexpr std::uint32_t kHosts = 100;
constexpr Qty kCapacity = 1000;  // per host
constexpr int kBuys = 10'000;    // 5 units each: half the pool's capacity is sold
constexpr std::int64_t kLeaseNs = 3'600'000'000'000;

std::unique_ptr<Engine> market(std::int64_t asks, bool pegged, bool kinked, Seq* seq,
                               std::uint64_t* repriced) {
  auto e = std::make_unique<Engine>(EngineConfig{static_cast<std::uint32_t>(asks) + 1024});
  InstrumentSpec s;
  s.id = kSpot;
  s.symbol = "cpu.pool-a.spot";
  s.resource = "cpu";
  s.pool = "pool-a";
  s.band_min = 1;
  s.band_max = 100'000;
  s.max_qty = 1'000'000;
  s.window.length_ns = kLeaseNs;
  e->add_instrument(s);
  EventBuffer out;
  for (std::uint32_t h = 1; h <= kHosts; ++h) {
    Command c;
    c.seq = ++*seq;
    c.kind = CommandKind::SetSupply;
    c.supply = SupplyCapacity{h, h, kSpot, kCapacity};
    out.clear();
    e->apply(c, out);
  }
  Command p;
  p.seq = ++*seq;
  p.kind = CommandKind::SetPricing;
  p.pricing.owner = 999;
  p.pricing.instrument = kSpot;
  p.pricing.policy.points = 2;
  p.pricing.policy.curve[0] = {kinked ? kPpm * 6 / 10 : 0, kPpm};  // kinked: flat to 60 %
  p.pricing.policy.curve[1] = {kPpm, 2 * kPpm};
  out.clear();
  e->apply(p, out);
  for (std::int64_t i = 0; i < asks; ++i) {
    Command c;
    c.seq = ++*seq;
    c.kind = CommandKind::NewOrder;
    NewOrder& o = c.new_order;
    o.order_id = static_cast<OrderId>(i + 1);
    o.instrument = kSpot;
    o.host = static_cast<HostId>(i % kHosts + 1);
    o.owner = o.host;
    o.side = Side::Sell;
    o.tif = TimeInForce::Gtc;
    o.price = 1'000 + i % 200;
    o.qty = kCapacity / (asks / kHosts);
    o.pegged = pegged;
    out.clear();
    e->apply(c, out);
  }
  *repriced = 0;
  return e;
}

void buys(benchmark::State& state, bool pegged, bool kinked = false) {
  const std::int64_t asks = state.range(0);
  Seq seq = 0;
  std::uint64_t repriced = 0;
  std::uint64_t fills = 0;
  EventBuffer out(1 << 16);
  std::chrono::nanoseconds timed{0};
  for (auto _ : state) {
    state.PauseTiming();
    auto e = market(asks, pegged, kinked, &seq, &repriced);
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kBuys; ++i) {
      Command c;
      c.seq = ++seq;
      c.kind = CommandKind::NewOrder;
      NewOrder& o = c.new_order;
      o.order_id = static_cast<OrderId>(1'000'000 + i);
      o.instrument = kSpot;
      o.owner = 5'000;
      o.side = Side::Buy;
      o.tif = TimeInForce::Ioc;
      o.price = 100'000;
      o.qty = 5;
      out.clear();
      e->apply(c, out);
      for (const Event& ev : out.events()) {
        repriced += ev.kind == EventKind::Modified &&
                    ev.reason == static_cast<std::uint8_t>(CancelReason::Repriced);
        fills += ev.kind == EventKind::Fill;
      }
    }
    timed += std::chrono::steady_clock::now() - t0;
    state.PauseTiming();
    e.reset();
    state.ResumeTiming();
  }
  state.counters["ns_per_command"] =
      static_cast<double>(timed.count()) / static_cast<double>(state.iterations()) / kBuys;
  state.counters["repriced_per_command"] =
      static_cast<double>(repriced) / static_cast<double>(kBuys);
  state.counters["fills_per_command"] =
      static_cast<double>(fills) / static_cast<double>(state.iterations()) / kBuys;
}

void BM_PlainAsks(benchmark::State& state) {
  buys(state, false);
}
void BM_PeggedAsks(benchmark::State& state) {
  buys(state, true);
}
// Pegged, but the flow stays on the curve's flat part: the price of no ask moves, so this is the
// cost of looking at them after every sale.
void BM_PeggedFlat(benchmark::State& state) {
  buys(state, true, true);
}

BENCHMARK(BM_PlainAsks)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PeggedAsks)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PeggedFlat)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
