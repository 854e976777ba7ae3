// Engine shards on real threads, assembled as the exchange assembles them (partitions by pool):
// commands through the moodycamel queues give, per shard, exactly the events the synchronous
// engine gives for the same commands in submission order.
#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "random_commands.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::engine {
namespace {

class ShardTest : public ::testing::TestWithParam<WaitStrategy> {};

TEST_P(ShardTest, ShardEventsEqualSynchronousReplay) {
  const auto instruments = swarmex::testing::random_test_instruments();
  journal::AssemblyConfig cfg;
  cfg.partitions = 2;
  cfg.engine = EngineConfig{1u << 12};
  cfg.wait = GetParam();
  cfg.clock = [] { return std::int64_t{1'700'000'000'000'000'000}; };
  cfg.instruments = instruments;
  journal::ExchangeAssembly sharded(cfg);

  // Commands per shard, generated against reference engines that model each shard.
  std::map<std::size_t, std::unique_ptr<Engine>> model;
  std::map<std::size_t, std::vector<Event>> expected;
  for (std::size_t i = 0; i < sharded.partitions(); ++i) {
    model[i] = std::make_unique<Engine>(cfg.engine);
    for (const auto& s : instruments)
      if (sharded.routing().partition_of(s.id) == i) model[i]->add_instrument(s);
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
    // Keep to commands that route to one shard (all-instrument mass cancels fan out).
    if (c.kind == CommandKind::MassCancel && c.mass_cancel.instrument == kAllInstruments) continue;
    if (c.kind > CommandKind::Resume) continue;
    const InstrumentId routing = routing_instrument(c);
    const std::size_t shard = sharded.routing().partition_of(routing);
    Command stamped = c;
    stamped.seq = ++seq[shard];     // the shard's sequencer numbers in arrival order
    stamped.time_ns = cfg.clock();  // and stamps its time: fills' leases start there
    out.clear();
    model[shard]->apply(stamped, out);
    for (const Event& e : out)
      expected[shard].push_back(e);
    commands.push_back(c);
  }

  sharded.start();
  for (std::size_t n = 0; n < commands.size(); ++n) {
    ASSERT_TRUE(sharded.submit(commands[n]));
    if (GetParam() == WaitStrategy::Inline && n % 100 == 99)  // the writer flushes now and then
      for (std::size_t i = 0; i < sharded.partitions(); ++i)
        sharded.partition(i).flush();
  }
  if (GetParam() == WaitStrategy::Inline)
    for (std::size_t i = 0; i < sharded.partitions(); ++i)
      sharded.partition(i).flush();
  std::map<std::size_t, std::vector<Event>> got;
  std::vector<Event> buf(512);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto done = [&] {
    for (auto& [i, ev] : expected)
      if (got[i].size() < ev.size()) return false;
    return true;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline)
    for (std::size_t i = 0; i < sharded.partitions(); ++i) {
      const std::size_t n = sharded.partition(i).poll(buf.data(), buf.size(), 1000);
      for (std::size_t k = 0; k < n; ++k)
        buf[k].time_ns = 0;  // the shard stamps its sequencer time; the model engine has none
      got[i].insert(got[i].end(), buf.begin(), buf.begin() + static_cast<long>(n));
    }
  sharded.stop();
  for (auto& [i, ev] : expected) {
    ASSERT_EQ(got[i].size(), ev.size()) << "shard " << i;
    EXPECT_TRUE(got[i] == ev) << "shard " << i << " diverged from the synchronous engine";
    EXPECT_EQ(sharded.partition(i).engine().state_hash(), model[i]->state_hash());
    EXPECT_EQ(sharded.partition(i).applied(), seq[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(WaitStrategies, ShardTest,
                         ::testing::Values(WaitStrategy::Block, WaitStrategy::Yield,
                                           WaitStrategy::Spin, WaitStrategy::Inline));

TEST(ShardStopTest, StopDrainsWhatWasSubmitted) {
  ShardConfig cfg;
  cfg.engine = EngineConfig{1024};
  EngineShard shard(0, cfg);
  InstrumentSpec s;
  s.id = 1;
  s.symbol = "cpu.pool-a.spot";
  s.band_max = 1000;
  shard.engine().add_instrument(s);
  shard.start();
  for (OrderId id = 1; id <= 500; ++id) {
    Command c;
    c.kind = CommandKind::NewOrder;
    c.new_order =
        NewOrder{id,    1,   1, 0, Side::Buy, OrderType::Limit, TimeInForce::Gtc, StpMode::None,
                 false, 100, 1, 0, id};
    shard.submit(c);
  }
  shard.stop();
  EXPECT_EQ(shard.applied(), 500u);
  EXPECT_EQ(shard.engine().resting_orders(), 500u);
}

}  // namespace
}  // namespace swarmex::engine
