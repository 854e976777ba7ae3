#include "driver.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace swarmex::demo {
namespace {

using Clock = std::chrono::steady_clock;

bool all_applied(journal::ExchangeAssembly& exchange, const Plan& plan) {
  for (std::size_t s = 0; s < exchange.partitions(); ++s)
    if (exchange.partition(s).applied() < plan.by_partition[s].size()) return false;
  return true;
}

// Drains every partition until `done` is set and all commands are applied, then takes what is left.
// applied() is published after a batch's events are enqueued, so nothing can arrive later.
void collect(journal::ExchangeAssembly& exchange, const Plan& plan, Ledger& ledger,
             const std::atomic<bool>& done) {
  std::array<engine::Event, 512> buf;
  const auto drain = [&] {
    std::size_t got = 0;
    for (std::size_t s = 0; s < exchange.partitions(); ++s) {
      const std::size_t n = exchange.partition(s).poll(buf.data(), buf.size());
      for (std::size_t i = 0; i < n; ++i)
        ledger.on_event(static_cast<std::uint32_t>(s), buf[i]);
      got += n;
    }
    return got;
  };
  for (;;) {
    if (drain() > 0) continue;
    if (done.load(std::memory_order_acquire) && all_applied(exchange, plan)) {
      while (drain() > 0) {
      }
      return;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

// A queue refuses only when it cannot allocate; the plan's seqs would no longer hold, so stop.
void submit(journal::ExchangeAssembly& exchange, const Command& c) {
  if (exchange.submit(c)) return;
  std::fputs("swarmex-engine-demo: a partition queue refused a command\n", stderr);
  std::quick_exit(3);
}

}  // namespace

RunTimes run_plan(journal::ExchangeAssembly& exchange, const Plan& plan, Ledger& ledger,
                  double rate_per_s) {
  const Clock::time_point start = Clock::now();
  std::atomic<bool> done{false};
  exchange.start();
  std::thread collector([&] { collect(exchange, plan, ledger, done); });

  for (std::size_t i = 0; i < plan.scripted; ++i)
    submit(exchange, plan.commands[i]);

  const Clock::time_point random_start = Clock::now();
  const std::size_t random = plan.commands.size() - plan.scripted;
  for (std::size_t i = 0; i < random; ++i) {
    if (rate_per_s > 0) {  // pace against the phase start, so short sleeps do not drift
      const auto due = random_start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(i / rate_per_s));
      if (Clock::now() < due) std::this_thread::sleep_until(due);
    }
    submit(exchange, plan.commands[plan.scripted + i]);
  }
  while (!all_applied(exchange, plan))
    std::this_thread::yield();
  const Clock::time_point applied = Clock::now();

  done.store(true, std::memory_order_release);
  collector.join();
  exchange.stop();
  ledger.finish();

  RunTimes t;
  t.random_phase_s = std::chrono::duration<double>(applied - random_start).count();
  t.total_s = std::chrono::duration<double>(Clock::now() - start).count();
  return t;
}

}  // namespace swarmex::demo
