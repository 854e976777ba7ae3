// The dedup horizon across a restart: each partition's StreamLedger (carried by snapshots) keeps
// the same recently ended client order ids as the principal's state on its I/O thread, so a
// principal restored from a snapshot answers a resend as the one that never stopped does.
#include <gtest/gtest.h>

#include <vector>

#include "principal_state.hpp"
#include "stream_ledger.hpp"

namespace swarmex::gateway {
namespace {

using engine::Command;
using engine::CommandKind;
using engine::OrderId;

constexpr std::uint64_t kClientBase = 1'000'000;

class DedupLedgerTest : public ::testing::Test {
 protected:
  DedupLedgerTest()
      : engine_(engine::EngineConfig{1 << 16}),
        principal_(tenant()),
        ledger_(principals(), DedupHorizon{50, 0}, 0),
        live_(principal_, bounds()) {
    engine::InstrumentSpec s;
    s.id = 1;
    s.symbol = "cpu.pool-a.spot";
    s.band_max = 1000;
    engine_.add_instrument(s);
  }
  static Principal tenant() {
    Principal p;
    p.name = "tenant";
    p.id = 7;
    return p;
  }
  static std::vector<Principal> principals() { return {tenant()}; }
  static PrincipalBounds bounds() {
    PrincipalBounds b;
    b.dedup = DedupHorizon{50, 0};
    return b;
  }
  // One batch: the engine, the ledger (as the partition thread), then each principal state (as
  // its I/O thread does from the reports: the session remembered the ids when it submitted).
  void apply(const std::vector<Command>& batch, std::vector<PrincipalState*> states) {
    engine::EventBuffer events;
    for (const Command& c : batch) {
      engine_.apply(c, events);
      if (c.kind == CommandKind::NewOrder)
        for (PrincipalState* ps : states)
          ps->remember(c.new_order.client_order_id, c.new_order.order_id, 1);
    }
    ledger_.note_batch(batch, events, engine_);
    for (const engine::Event& e : events.events())
      for (PrincipalState* ps : states) {
        ps->note_end(e, false, 0, batch.front().time_ns);
        if (e.kind == engine::EventKind::Fill) ps->note_end(e, true, 0, batch.front().time_ns);
      }
  }
  // A batch of IOC orders (no seller: they end at once), GTC orders cancelled in the same batch
  // and a GTC order that rests (every tenth batch).
  std::vector<Command> batch_of(int b) {
    std::vector<Command> batch;
    const std::int64_t t = 1'000'000'000 + b * 1000;
    auto order = [&](engine::TimeInForce tif) {
      Command c;
      c.seq = ++seq_;
      c.time_ns = t;
      c.kind = CommandKind::NewOrder;
      ++id_;
      c.new_order = engine::NewOrder{
          id_,   1,   7, 0, engine::Side::Buy, engine::OrderType::Limit, tif, engine::StpMode::None,
          false, 100, 1, 0, id_ + kClientBase};
      batch.push_back(c);
    };
    for (int i = 0; i < 3; ++i)
      order(engine::TimeInForce::Ioc);
    order(engine::TimeInForce::Gtc);
    Command cancel;
    cancel.seq = ++seq_;
    cancel.time_ns = t;
    cancel.kind = CommandKind::CancelOrder;
    cancel.cancel = engine::CancelOrder{id_, 7, 1};
    batch.push_back(cancel);
    if (b % 10 == 0) order(engine::TimeInForce::Gtc);
    return batch;
  }
  void expect_same_answers(const PrincipalState& a, const PrincipalState& b) {
    for (OrderId id = 1; id <= id_ + 5; ++id)
      ASSERT_EQ(a.is_duplicate(id + kClientBase, 0), b.is_duplicate(id + kClientBase, 0)) << id;
  }

  engine::Engine engine_;
  Principal principal_;
  StreamLedger ledger_;
  PrincipalState live_;
  engine::Seq seq_ = 0;
  OrderId id_ = 0;
};

TEST_F(DedupLedgerTest, LedgerKeepsTheSameEndedIdsAsThePrincipal) {
  for (int b = 0; b < 500; ++b)
    apply(batch_of(b), {&live_});
  const auto& ledger = ledger_.ended(7);
  const auto& mine = live_.ended(0);
  ASSERT_EQ(ledger.size(), 50u);
  ASSERT_EQ(mine.size(), ledger.size());
  for (std::size_t i = 0; i < ledger.size(); ++i) {
    EXPECT_EQ(ledger[i].client_order_id, mine[i].client_order_id) << i;
    EXPECT_EQ(ledger[i].end_ns, mine[i].end_ns) << i;
  }
  EXPECT_TRUE(live_.is_duplicate(id_ - 1 + kClientBase, 0));  // ended in the last batch
  EXPECT_FALSE(live_.is_duplicate(2 + kClientBase, 0));       // ended long ago
}

TEST_F(DedupLedgerTest, ARestartFromTheSnapshotAnswersAsBefore) {
  for (int b = 0; b < 300; ++b)
    apply(batch_of(b), {&live_});
  // The snapshot: the ledger's encoding, decoded at start-up into a fresh principal state.
  StreamLedger restored_ledger(principals(), DedupHorizon{50, 0}, 0);
  ASSERT_TRUE(restored_ledger.decode(ledger_.encode_resting(engine_)));
  ASSERT_EQ(restored_ledger.ended(7).size(), 50u);
  PrincipalState restarted(principal_, bounds());
  restarted.restore_ended(0, restored_ledger.ended(7));
  for (const auto& [id, o] : restored_ledger.orders())
    restarted.restore_live(o.client_order_id, o.first, id, o.instrument, o.legs);
  expect_same_answers(live_, restarted);
  EXPECT_EQ(restarted.client_ids(), live_.client_ids());
  // The journal after the snapshot: both go on alike.
  for (int b = 300; b < 340; ++b) {
    apply(batch_of(b), {&live_, &restarted});
    expect_same_answers(live_, restarted);
  }
  EXPECT_EQ(restarted.client_ids(), live_.client_ids());
}

TEST_F(DedupLedgerTest, AVersionOneLedgerStillDecodes) {
  // u32 1 | u64 max id | u32 n=1 (owner 7: 3 reports, 0 fills) | u64 m=1 (order 5, owner 7,
  // instrument 1, client 99, first 5): no dedup windows.
  std::vector<std::uint8_t> v1;
  auto put = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      v1.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  put(1, 4);
  put(5, 8);
  put(1, 4);
  put(7, 4);
  put(3, 8);
  put(0, 8);
  put(1, 8);
  put(5, 8);
  put(7, 4);
  put(1, 4);
  put(99, 8);
  put(5, 8);
  StreamLedger l(principals(), DedupHorizon{50, 0}, 0);
  ASSERT_TRUE(l.decode(v1));
  EXPECT_EQ(l.counts(7).reports, 3u);
  ASSERT_EQ(l.orders().size(), 1u);
  EXPECT_EQ(l.orders().at(5).client_order_id, 99u);
  EXPECT_EQ(l.orders().at(5).legs, 1);
  EXPECT_TRUE(l.ended(7).empty());
  v1.push_back(0);  // a stray byte: refused
  EXPECT_FALSE(l.decode(v1));
}

}  // namespace
}  // namespace swarmex::gateway
