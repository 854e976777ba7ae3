// apply_batch (what the partition runs, with cache warming ahead) against apply one command at a
// time: the same events, in the same order, and the same state hash at every batch boundary, on
// random streams of every command kind cut into random batch sizes. SWARMEX_SEED=S replays one
// seed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "random_commands.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {
namespace {

void run_seed(std::uint64_t seed, std::uint32_t capacity, std::size_t commands) {
  const auto instruments = swarmex::testing::random_test_instruments();
  Engine one(EngineConfig{capacity});
  Engine batched(EngineConfig{capacity});
  for (const auto& spec : instruments) {
    one.add_instrument(spec);
    batched.add_instrument(spec);
  }
  // The stream, generated against the one-by-one engine (cancels aim at live orders), with the
  // events and hash after each command.
  swarmex::testing::RandomCommands gen(seed, instruments);
  std::vector<Command> stream;
  std::vector<Event> want;
  std::vector<std::size_t> events_after;
  std::vector<std::uint64_t> hash_after;
  EventBuffer out;
  for (std::size_t i = 0; i < commands; ++i) {
    stream.push_back(gen.next([&](OrderId id) { return one.order(id).has_value(); }));
    one.apply(stream.back(), out);
    want.insert(want.end(), out.events().begin(), out.events().end());
    out.clear();
    events_after.push_back(want.size());
    hash_after.push_back(one.state_hash());
  }
  std::mt19937_64 rng(seed);
  std::size_t done = 0, seen = 0;
  while (done < stream.size()) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 300, stream.size() - done);
    batched.apply_batch({stream.data() + done, n}, out);
    done += n;
    ASSERT_EQ(seen + out.size(), events_after[done - 1])
        << "seed " << seed << ": event count after command " << done;
    for (std::size_t k = 0; k < out.size(); ++k)
      ASSERT_EQ(out.events()[k], want[seen + k])
          << "seed " << seed << ": event " << seen + k << " (SWARMEX_SEED=" << seed << " replays)";
    seen += out.size();
    out.clear();
    ASSERT_EQ(batched.state_hash(), hash_after[done - 1])
        << "seed " << seed << ": state after command " << done;
  }
  EXPECT_EQ(batched.resting_orders(), one.resting_orders());
}

std::vector<std::uint64_t> seeds() {
  if (const char* s = std::getenv("SWARMEX_SEED")) return {std::strtoull(s, nullptr, 10)};
  return {1, 2, 3, 4, 5, 6};
}

TEST(ApplyBatchTest, SameEventsAndStateAsOneByOneOnASmallPool) {
  for (const std::uint64_t seed : seeds())
    run_seed(seed, 512, 30'000);  // the pool fills: pool-full rejects are in the stream
}

TEST(ApplyBatchTest, SameEventsAndStateAsOneByOneOnADeepBook) {
  for (const std::uint64_t seed : seeds())
    run_seed(seed, 1u << 16, 60'000);
}

TEST(ApplyBatchTest, EmptyBatchDoesNothing) {
  Engine e(EngineConfig{64});
  EventBuffer out;
  const std::uint64_t before = e.state_hash();
  e.apply_batch({}, out);
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(e.state_hash(), before);
}

}  // namespace
}  // namespace swarmex::engine
