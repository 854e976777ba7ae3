// Engine partitions on real threads, assembled as the exchange assembles them (partitions by pool):
// commands through the moodycamel queues give, per partition, exactly the events the synchronous
// engine gives for the same commands in submission order.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "random_commands.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::engine {
namespace {

class PartitionTest : public ::testing::TestWithParam<WaitStrategy> {};

TEST_P(PartitionTest, PartitionEventsEqualSynchronousReplay) {
  const auto instruments = swarmex::testing::random_test_instruments();
  journal::AssemblyConfig cfg;
  cfg.partitions = 2;
  cfg.engine = EngineConfig{1u << 12};
  cfg.wait = GetParam();
  cfg.clock = [] { return std::int64_t{1'700'000'000'000'000'000}; };
  cfg.instruments = instruments;
  journal::ExchangeAssembly partitioned(cfg);

  // Commands per partition, generated against reference engines that model each partition.
  std::map<std::size_t, std::unique_ptr<Engine>> model;
  std::map<std::size_t, std::vector<Event>> expected;
  for (std::size_t i = 0; i < partitioned.partitions(); ++i) {
    model[i] = std::make_unique<Engine>(cfg.engine);
    for (const auto& s : instruments)
      if (partitioned.routing().partition_of(s.id) == i) model[i]->add_instrument(s);
  }
  swarmex::testing::RandomCommands gen(5, instruments);
  std::vector<Command> commands;
  std::map<std::size_t, Seq> seq;
  EventBuffer out;
  for (int n = 0; n < 20'000; ++n) {
    Command c = gen.next([&](OrderId id) {
      for (auto& [i, e] : model)
        if (e->order(id)) return true;
      return false;
    });
    // Keep to commands that route to one partition (all-instrument mass cancels fan out).
    if (c.kind == CommandKind::MassCancel && c.mass_cancel.instrument == kAllInstruments) continue;
    if (c.kind > CommandKind::Resume) continue;
    const InstrumentId routing = routing_instrument(c);
    const std::size_t partition = partitioned.routing().partition_of(routing);
    Command stamped = c;
    stamped.seq = ++seq[partition];  // the partition's sequencer numbers in arrival order
    stamped.time_ns = cfg.clock();   // and stamps its time: fills' leases start there
    out.clear();
    model[partition]->apply(stamped, out);
    for (const Event& e : out)
      expected[partition].push_back(e);
    commands.push_back(c);
  }

  partitioned.start();
  for (std::size_t n = 0; n < commands.size(); ++n) {
    ASSERT_TRUE(partitioned.submit(commands[n]));
    if (GetParam() == WaitStrategy::Inline && n % 100 == 99)  // the writer flushes now and then
      for (std::size_t i = 0; i < partitioned.partitions(); ++i)
        partitioned.partition(i).flush();
  }
  if (GetParam() == WaitStrategy::Inline)
    for (std::size_t i = 0; i < partitioned.partitions(); ++i)
      partitioned.partition(i).flush();
  std::map<std::size_t, std::vector<Event>> got;
  std::vector<Event> buf(512);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto done = [&] {
    for (auto& [i, ev] : expected)
      if (got[i].size() < ev.size()) return false;
    return true;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline)
    for (std::size_t i = 0; i < partitioned.partitions(); ++i) {
      const std::size_t n = partitioned.partition(i).poll(buf.data(), buf.size(), 1000);
      for (std::size_t k = 0; k < n; ++k)
        buf[k].time_ns = 0;  // the partition stamps its sequencer time; the model engine has none
      got[i].insert(got[i].end(), buf.begin(), buf.begin() + static_cast<long>(n));
    }
  partitioned.stop();
  for (auto& [i, ev] : expected) {
    ASSERT_EQ(got[i].size(), ev.size()) << "partition " << i;
    EXPECT_TRUE(got[i] == ev) << "partition " << i << " diverged from the synchronous engine";
    EXPECT_EQ(partitioned.partition(i).engine().state_hash(), model[i]->state_hash());
    EXPECT_EQ(partitioned.partition(i).applied(), seq[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(WaitStrategies, PartitionTest,
                         ::testing::Values(WaitStrategy::Block, WaitStrategy::Yield,
                                           WaitStrategy::Spin, WaitStrategy::Inline));

TEST(PartitionStopTest, StopDrainsWhatWasSubmitted) {
  PartitionConfig cfg;
  cfg.engine = EngineConfig{1024};
  EnginePartition partition(0, cfg);
  InstrumentSpec s;
  s.id = 1;
  s.symbol = "cpu.pool-a.spot";
  s.band_max = 1000;
  partition.engine().add_instrument(s);
  partition.start();
  for (OrderId id = 1; id <= 500; ++id) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order =
        NewOrder{id,    1,   1, 0, Side::Buy, OrderType::Limit, TimeInForce::Gtc, StpMode::None,
                 false, 100, 1, 0, id};
    partition.submit(c);
  }
  partition.stop();
  EXPECT_EQ(partition.applied(), 500u);
  EXPECT_EQ(partition.engine().resting_orders(), 500u);
}

}  // namespace
}  // namespace swarmex::engine
