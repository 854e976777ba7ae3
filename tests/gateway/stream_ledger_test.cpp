// StreamLedger (gateway/src/stream_ledger.hpp): the client order ids of resting orders are never
// forgotten, those of ended orders are, in the batch that ends them, so the ledger stays bounded
// without a pass over all its orders on the matching thread.
#include "stream_ledger.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace swarmex::gateway {
namespace {

using engine::Command;
using engine::CommandKind;
using engine::Engine;
using engine::EventBuffer;
using engine::OrderId;

class StreamLedgerTest : public ::testing::Test {
 protected:
  StreamLedgerTest() : engine_(engine::EngineConfig{1 << 16}), ledger_(principals()) {
    engine::InstrumentSpec s;
    s.id = 1;
    s.symbol = "cpu.pool-a.spot";
    s.band_max = 1000;
    engine_.add_instrument(s);
  }
  static std::vector<Principal> principals() {
    Principal p;
    p.name = "tenant";
    p.id = 7;
    return {p};
  }
  // A batch as the partition thread applies it: commands, their events, then the ledger.
  void apply(const std::vector<Command>& batch) {
    EventBuffer events;
    for (const Command& c : batch)
      engine_.apply(c, events);
    ledger_.note_batch(batch, events, engine_);
  }
  Command new_order(OrderId id, engine::TimeInForce tif, engine::Price price) {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::NewOrder;
    c.new_order = engine::NewOrder{
        id,    1,     7, 0, engine::Side::Buy, engine::OrderType::Limit, tif, engine::StpMode::None,
        false, price, 1, 0, id + 1'000'000};
    return c;
  }
  Command cancel(OrderId id) {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::CancelOrder;
    c.cancel = engine::CancelOrder{id, 7, 1};
    return c;
  }

  Engine engine_;
  StreamLedger ledger_;
  engine::Seq seq_ = 0;
};

TEST_F(StreamLedgerTest, EndedOrdersAreForgottenAndRestingOnesKept) {
  // 1,000 orders that rest for good, then 2,000 batches of orders that end: IOC orders (no
  // seller, so they never rest), GTC orders cancelled in their own batch, and GTC orders that
  // rest through one batch and are cancelled in the next.
  std::vector<Command> batch;
  for (OrderId id = 1; id <= 1000; ++id)
    batch.push_back(new_order(id, engine::TimeInForce::Gtc, 100));
  apply(batch);
  OrderId id = 1001;
  std::vector<OrderId> resting_one_batch;
  std::size_t most = 0;
  for (int b = 0; b < 2000; ++b) {
    batch.clear();
    for (const OrderId previous : resting_one_batch)
      batch.push_back(cancel(previous));
    resting_one_batch.clear();
    for (int i = 0; i < 50; ++i, ++id)
      batch.push_back(new_order(id, engine::TimeInForce::Ioc, 100));
    for (int i = 0; i < 25; ++i, ++id) {
      batch.push_back(new_order(id, engine::TimeInForce::Gtc, 90));
      batch.push_back(cancel(id));
    }
    for (int i = 0; i < 25; ++i, ++id) {
      batch.push_back(new_order(id, engine::TimeInForce::Gtc, 80));
      resting_one_batch.push_back(id);
    }
    apply(batch);
    most = std::max(most, ledger_.size());
  }
  batch.clear();
  for (const OrderId previous : resting_one_batch)
    batch.push_back(cancel(previous));
  apply(batch);
  ASSERT_EQ(engine_.resting_orders(), 1000u);
  // 200,000 orders had client ids; the ledger held the resting ones and one batch's worth.
  EXPECT_LE(most, 1025u);
  EXPECT_GE(ledger_.size(), 1000u);
  for (OrderId resting = 1; resting <= 1000; ++resting) {
    const auto it = ledger_.orders().find(resting);
    ASSERT_NE(it, ledger_.orders().end()) << resting;
    EXPECT_EQ(it->second.client_order_id, resting + 1'000'000);
  }
  // The snapshot thread's encoding, from a copy taken on the partition thread and the engine's
  // snapshot, gives the very bytes the partition thread's pass gives.
  // Ten orders that never rested, noted without a batch's forgetting: both must leave them out.
  EventBuffer ev;
  for (int i = 0; i < 10; ++i, ++id) {
    const Command c = new_order(id, engine::TimeInForce::Ioc, 100);
    engine_.apply(c, ev);
    ledger_.note(c);
  }
  ASSERT_EQ(ledger_.size(), 1010u);
  engine::EngineSnapshot snap;
  engine_.snapshot(snap);
  const std::vector<std::uint8_t> deferred = StreamLedger::encode_copy(ledger_.copy(), snap);
  // A snapshot's encoding holds exactly the resting ones, and decodes to them.
  EXPECT_EQ(deferred, ledger_.encode_resting(engine_));
  StreamLedger copy(principals());
  ASSERT_TRUE(copy.decode(ledger_.encode_resting(engine_)));
  EXPECT_EQ(copy.orders().size(), 1000u);
  EXPECT_EQ(ledger_.size(), 1000u);
}

}  // namespace
}  // namespace swarmex::gateway
