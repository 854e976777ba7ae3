// LedgerCapture (gateway/src/ledger_capture.hpp): the stream ledger's part of a snapshot copied in
// bounded steps while batches go on ending orders (so the ledger would erase their entries) and
// ending more (so each ended-id window forgets its oldest): the bytes equal those of the one-pass
// copy taken at the snapshot's sequence, and the ledger forgets what it held back afterwards.
#include "ledger_capture.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace swarmex::gateway {
namespace {

using engine::Command;
using engine::CommandKind;
using engine::OrderId;

class LedgerCaptureTest : public ::testing::Test {
 protected:
  LedgerCaptureTest()
      : engine_(engine::EngineConfig{1 << 14}), ledger_(principals(), DedupHorizon{300, 0}) {
    engine::InstrumentSpec s;
    s.id = 1;
    s.symbol = "cpu.pool-a.spot";
    s.band_max = 1000;
    engine_.add_instrument(s);
  }
  static std::vector<Principal> principals() {
    std::vector<Principal> out;
    for (engine::OwnerId id : {7u, 8u}) {
      Principal p;
      p.name = "tenant-" + std::to_string(id);
      p.id = id;
      out.push_back(p);
    }
    return out;
  }
  void apply(const std::vector<Command>& batch) {
    engine::EventBuffer events;
    for (const Command& c : batch)
      engine_.apply(c, events);
    ledger_.note_batch(batch, events, engine_);
  }
  Command new_order(OrderId id, engine::TimeInForce tif, engine::Price price) {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::NewOrder;
    const engine::OwnerId owner = 7 + static_cast<engine::OwnerId>(id % 2);
    c.new_order = engine::NewOrder{id,
                                   1,
                                   owner,
                                   0,
                                   engine::Side::Buy,
                                   engine::OrderType::Limit,
                                   tif,
                                   engine::StpMode::None,
                                   false,
                                   price,
                                   1,
                                   0,
                                   id + 1'000'000};
    return c;
  }
  Command cancel(OrderId id) {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::CancelOrder;
    c.cancel = engine::CancelOrder{id, 7 + static_cast<engine::OwnerId>(id % 2), 1};
    return c;
  }
  // One batch of churn: cancels two orders resting since the start, ends 20 IOC orders, rests 5.
  void churn() {
    std::vector<Command> batch;
    for (int i = 0; i < 2 && next_cancel_ <= 2000; ++i)
      batch.push_back(cancel(next_cancel_++));
    for (int i = 0; i < 20; ++i)
      batch.push_back(new_order(next_id_++, engine::TimeInForce::Ioc, 100));
    for (int i = 0; i < 5; ++i)
      batch.push_back(new_order(next_id_++, engine::TimeInForce::Gtc, 50));
    apply(batch);
  }

  engine::Engine engine_;
  StreamLedger ledger_;
  engine::Seq seq_ = 0;
  OrderId next_id_ = 2001;
  OrderId next_cancel_ = 1;
};

TEST_F(LedgerCaptureTest, StepsUnderChurnGiveTheBytesAtTheSnapshotsSequence) {
  std::vector<Command> batch;
  for (OrderId id = 1; id <= 2000; ++id)
    batch.push_back(new_order(id, engine::TimeInForce::Gtc, 100 + static_cast<int>(id % 7)));
  apply(batch);
  for (int b = 0; b < 40; ++b)  // the windows are full: each further end forgets one
    churn();
  ASSERT_EQ(ledger_.ended(7).size(), 300u);

  engine::EngineSnapshot at_once;
  engine_.snapshot(at_once);
  const std::vector<std::uint8_t> want = StreamLedger::encode_copy(ledger_.copy(), at_once);

  engine::EngineSnapshot snap;
  engine::SnapshotCapture orders;
  engine_.begin_snapshot(snap, orders);
  LedgerCapture capture(ledger_);
  const std::size_t held = ledger_.size();
  constexpr std::uint32_t kBudget = 50;
  int steps = 0;
  while (!engine_.snapshot_step(kBudget)) {
    churn();
    ++steps;
  }
  while (!capture.step(orders, snap, kBudget)) {
    churn();
    ++steps;
  }
  EXPECT_GT(steps, 2000 / static_cast<int>(kBudget));
  EXPECT_GE(ledger_.size(), held) << "nothing is erased while the capture runs";
  engine::finish_snapshot(snap, orders);
  EXPECT_EQ(snap.state_hash, at_once.state_hash);
  EXPECT_EQ(capture.encode(snap), want);

  // Released: what it held back is forgotten, a bounded number per batch.
  const std::size_t grown = ledger_.size();
  for (int b = 0; b < 200; ++b)
    churn();
  EXPECT_LT(ledger_.size(), grown);
  EXPECT_LE(ledger_.size(), engine_.resting_orders() + 30);
}

}  // namespace
}  // namespace swarmex::gateway
