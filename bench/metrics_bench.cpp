// What swarmexd's metrics add on the threads that match and answer (with engine.wait = "inline"
// one I/O thread does all of it): per new order, the I/O thread's read and ack timing
// (IoMetrics: one clock read, a table slot, two histogram buckets) and the publisher's count of
// its Accepted; per fill, the pool's counters; per journal write, the writer's histograms (its
// own thread); per scrape, collecting the registry (the exposer's thread). Compare them with an
// order's whole cost in the gateway (docs/PERFORMANCE.md: ~3-9 us of CPU per request).
#include <benchmark/benchmark.h>

#include <memory>

#include "metrics.hpp"

namespace {

using namespace swarmex;

std::unique_ptr<gateway::ExchangeMetrics> make_metrics() {
  gateway::Config c;
  gateway::Principal host;
  host.name = "host-a1";
  host.id = 101;
  host.role = gateway::Role::Host;
  c.principals.push_back(host);
  return std::make_unique<gateway::ExchangeMetrics>(c, 1, 1);
}

void BM_OrderTimed(benchmark::State& state) {
  auto m = make_metrics();
  gateway::IoMetrics& io = m->io(0);
  engine::OrderId id = 1;
  const std::int64_t read_ns = common::steady_ns();
  for (auto _ : state) {
    io.order_submitted(id, read_ns);
    io.order_acked(id, common::wall_ns());
    ++id;
  }
}
BENCHMARK(BM_OrderTimed);

void BM_AcceptedCounted(benchmark::State& state) {
  auto m = make_metrics();
  engine::Event e;
  e.kind = engine::EventKind::Accepted;
  e.command = engine::CommandKind::NewOrder;
  for (auto _ : state)
    m->note_event(e, nullptr);
}
BENCHMARK(BM_AcceptedCounted);

void BM_FillCounted(benchmark::State& state) {
  auto m = make_metrics();
  engine::InstrumentSpec spec;
  spec.id = 1;
  spec.pool = "pool-a";
  spec.resource = "cpu";
  engine::Event e;
  e.kind = engine::EventKind::Fill;
  e.instrument = 1;
  e.qty = 3;
  e.price = 1'000'000;
  for (auto _ : state)
    m->note_event(e, &spec);
}
BENCHMARK(BM_FillCounted);

void BM_JournalWriteObserved(benchmark::State& state) {
  auto m = make_metrics();
  for (auto _ : state) {
    m->on_write(0, 64, 4096, 150'000);
    m->on_durable(0, 1'000'000, 64, 1'200'000);
  }
}
BENCHMARK(BM_JournalWriteObserved);

void BM_RegistryCollected(benchmark::State& state) {
  auto m = make_metrics();
  for (auto _ : state)
    benchmark::DoNotOptimize(m->registry()->Collect());
}
BENCHMARK(BM_RegistryCollected);

}  // namespace

BENCHMARK_MAIN();
