// After warm-up the matching path allocates nothing: global operator new is counted while a
// random command stream (adds, cancels, modifies, matches, mass cancels) is replayed.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "random_commands.hpp"
#include "swarmex/engine/engine.hpp"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

// GCC cannot see that our replacement new and delete pair malloc with free.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace swarmex::engine {
namespace {

TEST(NoAllocationTest, MatchingPathDoesNotAllocateAfterWarmUp) {
  const auto instruments = swarmex::testing::random_test_instruments();
  // Generate the stream against one engine, replay it into another while counting.
  std::vector<Command> commands;
  {
    Engine gen_engine(EngineConfig{1u << 14});
    for (const auto& s : instruments)
      gen_engine.add_instrument(s);
    swarmex::testing::RandomCommands gen(3, instruments);
    EventBuffer out(1u << 16);
    for (int i = 0; i < 200'000; ++i) {
      commands.push_back(gen.next([&](OrderId id) { return gen_engine.order(id).has_value(); }));
      out.clear();
      gen_engine.apply(commands.back(), out);
    }
  }
  Engine engine(EngineConfig{1u << 14});
  for (const auto& s : instruments)
    engine.add_instrument(s);
  EventBuffer out(1u << 16);
  std::size_t events = 0;
  g_counting = true;
  for (const Command& c : commands) {
    out.clear();
    engine.apply(c, out);
    events += out.size();
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_GT(events, commands.size());  // the stream really did something
}

}  // namespace
}  // namespace swarmex::engine
