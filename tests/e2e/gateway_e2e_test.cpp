// The gateway end to end: logon, orders, execution reports, host fills, market data, resume,
// cancel-on-disconnect, admin, and recovery after a crash — a real swarmexd over TCP.
#include <cstdlib>
#include <string>
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

TEST_F(E2eTest, HostSellsTenantBuysEveryoneHearsWhatConcernsThem) {
  auto h = host();
  h->client().subscribe_fills(1, 0);
  auto md = tenant("tenant-c");
  const std::uint32_t ids[] = {1};
  md->client().subscribe_market_data(ids, 5);
  const wire::Message* snap = md->next(wire::Body::BookSnapshot);
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->body_as_BookSnapshot()->instrument(), 1u);

  h->order(10, 1, Side::Sell, 5000, 8);
  auto acc = h->report();
  ASSERT_TRUE(acc);
  EXPECT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->client_order_id, 10u);
  EXPECT_EQ(acc->stream_seq, 1u);
  const wire::Message* up = md->next(wire::Body::BookUpdate);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->body_as_BookUpdate()->level()->price(), 5000);
  EXPECT_EQ(up->body_as_BookUpdate()->level()->qty(), 8);

  auto t = tenant();
  t->order(1, 1, Side::Buy, 5000, 3);
  auto ta = t->report();
  ASSERT_TRUE(ta);
  EXPECT_EQ(ta->kind, ExecKind::Accepted);
  auto tf = t->report();
  ASSERT_TRUE(tf);
  EXPECT_EQ(tf->kind, ExecKind::Filled);
  EXPECT_EQ(tf->last_qty, 3);
  EXPECT_EQ(tf->last_price, 5000);
  EXPECT_EQ(tf->host, 1u);
  EXPECT_EQ(tf->client_order_id, 1u);
  auto hf = h->report();  // the ask's own report
  ASSERT_TRUE(hf);
  EXPECT_EQ(hf->kind, ExecKind::Filled);
  EXPECT_EQ(hf->client_order_id, 10u);
  EXPECT_EQ(hf->leaves_qty, 5);
  const wire::Message* fill = h->next(wire::Body::Fill);
  ASSERT_NE(fill, nullptr);
  EXPECT_EQ(fill->body_as_Fill()->host(), 1u);
  EXPECT_EQ(fill->body_as_Fill()->tenant(), 1u);
  EXPECT_EQ(fill->body_as_Fill()->qty(), 3);
  EXPECT_EQ(fill->body_as_Fill()->stream_seq(), 1u);
  const wire::Message* trade = md->next(wire::Body::Trade);
  ASSERT_NE(trade, nullptr);
  EXPECT_EQ(trade->body_as_Trade()->qty(), 3);
  // Tenant B sees nothing of A's business.
  auto b = tenant("tenant-b");
  EXPECT_FALSE(b->report(300ms));
}

TEST_F(E2eTest, CancelAndModifyByClientOrderId) {
  auto t = tenant();
  t->order(5, 1, Side::Buy, 4000, 10);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  t->client().modify_order(1, client::OrderRef{5, 0}, 4000, 4);
  auto m = t->report();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->kind, ExecKind::Accepted);
  auto mod = t->report();
  EXPECT_EQ(mod->kind, ExecKind::Modified);
  EXPECT_EQ(mod->leaves_qty, 4);
  t->client().cancel_order(1, client::OrderRef{5, 0});
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
  auto c = t->report();
  EXPECT_EQ(c->kind, ExecKind::Cancelled);
  EXPECT_EQ(c->cancel_reason, CancelReason::Requested);
  EXPECT_EQ(c->client_order_id, 5u);
}

TEST_F(E2eTest, ResumeFromSequenceReplaysExactlyTheMissedReports) {
  {
    auto t = tenant();
    for (std::uint64_t i = 1; i <= 5; ++i) {
      t->order(i, 1, Side::Buy, 1000 + 100 * static_cast<std::int64_t>(i), 1);
      ASSERT_TRUE(t->report());
    }
  }  // disconnected (tenants keep their orders unless they asked for cancel-on-disconnect)
  auto again = connect();
  auto& c = again->client();
  auto r = c.logon("tenant-a", "tenant-a-token", wire::Role::Tenant);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.next_stream_seq, 6u);
  again = connect();
  // Log on asking for everything after 3: exactly 4 and 5, then live reports from 6.
  protocol::FrameWriter& w = again->client().writer();
  again->client().send(w.finish(
      wire::CreateLogonDirect(w.fbb(), "tenant-a", "tenant-a-token", wire::Role::Tenant, 3)));
  ASSERT_NE(again->next(wire::Body::LogonAck), nullptr);
  auto r4 = again->report();
  auto r5 = again->report();
  ASSERT_TRUE(r4 && r5);
  EXPECT_EQ(r4->stream_seq, 4u);
  EXPECT_EQ(r4->client_order_id, 4u);
  EXPECT_EQ(r5->stream_seq, 5u);
  EXPECT_FALSE(again->report(200ms));
  again->order(6, 1, Side::Buy, 1000, 1);
  auto r6 = again->report();
  ASSERT_TRUE(r6);
  EXPECT_EQ(r6->stream_seq, 6u);
}

TEST_F(E2eTest, HostDisconnectCancelsItsAsks) {
  {
    auto h = host();
    h->order(1, 1, Side::Sell, 5000, 10);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  }
  auto t = tenant();
  // The cancel races the buy only if it was not yet applied; give it a moment.
  std::this_thread::sleep_for(200ms);
  t->order(1, 1, Side::Buy, 5000, 5, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto c = t->report();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, ExecKind::Cancelled);  // nothing to buy: the host's ask is gone
  EXPECT_EQ(c->cancel_reason, CancelReason::IocRemainder);
}

TEST_F(E2eTest, HostThatAsksToKeepOrdersKeepsThem) {
  {
    auto h = connect();
    ASSERT_TRUE(h->client()
                    .logon("host-a1", "host-a1-token", wire::Role::Host, 0, false, 5s,
                           /*keep_orders=*/true)
                    .ok());
    h->order(1, 1, Side::Sell, 5000, 10);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  }
  std::this_thread::sleep_for(200ms);
  auto t = tenant();
  t->order(1, 1, Side::Buy, 5000, 5, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto f = t->report();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, ExecKind::Filled);
  EXPECT_EQ(f->last_qty, 5);
}

// The suite runs twice (tests/e2e/CMakeLists.txt): the second time with the matching on the one
// I/O thread. The server says which it runs, so a run that meant inline cannot silently not be.
TEST_F(E2eTest, ServerSaysWhetherItMatchesInline) {
  const char* wait = std::getenv("SWARMEX_TEST_ENGINE_WAIT");
  const bool inline_engine = wait != nullptr && std::string(wait) == "inline";
  const std::string out = server_->output();
  EXPECT_EQ(out.find("matching inline") != std::string::npos, inline_engine) << out;
  EXPECT_NE(out.find(inline_engine ? "io threads 1" : "io threads 2"), std::string::npos) << out;
  const char* poll = std::getenv("SWARMEX_TEST_BUSY_POLL_US");
  EXPECT_EQ(out.find("busy poll") != std::string::npos, poll != nullptr) << out;
  // And it trades: an ask, a crossing bid, both filled.
  auto h = host();
  h->order(1, 1, Side::Sell, 2000, 4);
  auto t = tenant();
  t->order(1, 1, Side::Buy, 2000, 4);
  auto a = t->report();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, ExecKind::Accepted);
  auto f = t->report();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, ExecKind::Filled);
  EXPECT_EQ(f->last_qty, 4);
}

TEST_F(E2eTest, OperatorAdmin) {
  auto op = connect();
  ASSERT_TRUE(op->logon("operator", wire::Role::Operator).ok());
  op->client().admin_list_instruments(1);
  const wire::Message* ack = op->next(wire::Body::AdminAck);
  ASSERT_NE(ack, nullptr);
  ASSERT_TRUE(ack->body_as_AdminAck()->ok());
  EXPECT_EQ(ack->body_as_AdminAck()->instruments()->size(), 4u);
  op->client().admin_halt(2, 1);
  ack = op->next(wire::Body::AdminAck);
  ASSERT_TRUE(ack && ack->body_as_AdminAck()->ok());
  auto t = tenant();
  t->order(1, 1, Side::Buy, 1000, 1);
  auto r = t->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reject_reason, RejectReason::InstrumentHalted);
  op->client().admin_resume(3, 1);
  ASSERT_NE(op->next(wire::Body::AdminAck), nullptr);
  op->client().admin_list_sessions(4);
  ack = op->next(wire::Body::AdminAck);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->body_as_AdminAck()->sessions()->size(), 2u);
  op->client().admin_take_snapshot(5);
  ack = op->next(wire::Body::AdminAck);
  ASSERT_TRUE(ack && ack->body_as_AdminAck()->ok());
}

TEST_F(E2eTest, CrashAndRestartKeepsAcknowledgedOrdersAndStreams) {
  {
    auto h = host();
    auto t = tenant();
    t->order(1, 1, Side::Buy, 3000, 4);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    t->order(2, 1, Side::Buy, 2000, 6);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    server_->kill();  // SIGKILL: no clean shutdown, host cancel-on-disconnect never ran
  }
  server_->start();
  auto t = tenant();  // its stream continues after the restart: reports 3 and 4 come next
  auto h = host();
  h->order(1, 1, Side::Sell, 2000, 10, wire::TimeInForce::Ioc);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto f1 = h->report();
  auto f2 = h->report();
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ(f1->last_qty, 4);
  EXPECT_EQ(f1->last_price, 3000);
  EXPECT_EQ(f2->last_qty, 6);
  auto fill = t->report();
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->stream_seq, 3u);
  EXPECT_EQ(fill->client_order_id, 1u);
  auto fill2 = t->report();
  ASSERT_TRUE(fill2);
  EXPECT_EQ(fill2->stream_seq, 4u);
  EXPECT_EQ(fill2->client_order_id, 2u);
}

}  // namespace
}  // namespace swarmex::e2e
