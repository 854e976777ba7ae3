// The state hash covers orders, levels, FIFO position, halts and the sequence.
#include "engine_fixture.hpp"

namespace swarmex::engine::test {
namespace {

TEST_F(EngineTest, HashReturnsToTheSameValueForTheSameState) {
  const auto h0 = engine_.state_hash();
  buy(1, 100, 5);
  const auto h1 = engine_.state_hash();
  EXPECT_NE(h0, h1);
  cancel(1);
  // Same (empty) book but a later sequence: different hash.
  EXPECT_NE(engine_.state_hash(), h1);
  Engine other(EngineConfig{16});
  InstrumentSpec s = *engine_.instrument(kCpu);
  other.add_instrument(s);
  other.add_instrument(*engine_.instrument(kMem));
  EventBuffer out;
  Command noop;  // two rejected commands advance the sequence just the same
  noop.kind = CommandKind::CancelOrder;
  noop.cancel = CancelOrder{42, 1, kCpu};
  noop.seq = 1;
  other.apply(noop, out);
  noop.seq = 2;
  other.apply(noop, out);
  EXPECT_EQ(other.state_hash(), engine_.state_hash());
}

TEST_F(EngineTest, HashSeesFifoOrderQuantityAndHalt) {
  buy(1, 100, 5);
  buy(2, 100, 5, {.owner = 2});
  const auto before = engine_.state_hash();
  modify(1, 100, 4);  // qty down keeps FIFO, changes qty
  const auto after_qty = engine_.state_hash();
  EXPECT_NE(before, after_qty);
  Command h;
  h.kind = CommandKind::Halt;
  h.control.instrument = kCpu;
  apply(h);
  const auto halted = engine_.state_hash();
  h.kind = CommandKind::Resume;
  apply(h);
  EXPECT_NE(halted, engine_.state_hash());
}

}  // namespace
}  // namespace swarmex::engine::test
