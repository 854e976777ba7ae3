// Bad input over a real socket: each malformed frame, unknown type, out-of-range value, wrong
// role or replay gets its documented reject or a closed connection with a reason; other
// sessions keep being served and nothing accepted before is lost.
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class BadInputTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server(
        "partial_frame_timeout_ms = 300\nlogon_timeout_ms = 2000\nidle_timeout_ms = 3000\n"
        "max_frame_bytes = 4096\nrate_limit_per_s = 50\nrate_burst = 20");
    // A resting order accepted before any abuse; it must survive all of it.
    witness_ = host("host-b1");
    witness_->order(1, 3, Side::Sell, 9000, 5);
    ASSERT_EQ(witness_->report()->kind, ExecKind::Accepted);
  }
  // The witness ask is still in the book and the server still serves.
  void expect_unharmed() {
    auto t = tenant("tenant-c");
    t->order(++probe_, 3, Side::Buy, 9000, 1, wire::TimeInForce::Ioc);
    auto acc = t->report();
    ASSERT_TRUE(acc);
    EXPECT_EQ(acc->kind, ExecKind::Accepted);
    auto fill = t->report();
    ASSERT_TRUE(fill);
    EXPECT_EQ(fill->kind, ExecKind::Filled);
  }
  void send_raw(Conn& c, std::vector<std::uint8_t> bytes) { c.client().send_raw(bytes); }
  static std::vector<std::uint8_t> header(std::uint32_t len) {
    return {static_cast<std::uint8_t>(len), static_cast<std::uint8_t>(len >> 8),
            static_cast<std::uint8_t>(len >> 16), static_cast<std::uint8_t>(len >> 24)};
  }
  std::unique_ptr<Conn> witness_;
  std::uint64_t probe_ = 100;
};

TEST_F(BadInputTest, TruncatedFrameThenEof) {
  {
    auto c = connect();
    auto h = header(200);
    h.insert(h.end(), 50, 0x11);
    send_raw(*c, h);
  }  // EOF half-way through the frame
  expect_unharmed();
}

TEST_F(BadInputTest, StalledPartialFrameIsClosedAfterTheTimeout) {
  auto c = connect();
  ASSERT_TRUE(c->logon("tenant-a", wire::Role::Tenant).ok());
  auto h = header(100);
  h.insert(h.end(), 10, 0x22);
  send_raw(*c, h);
  auto err = c->error(3s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::MalformedMessage);
  EXPECT_NE(err->text.find("stalled"), std::string::npos) << err->text;
  EXPECT_TRUE(c->closed_by_server());
  expect_unharmed();
}

TEST_F(BadInputTest, LengthsZeroTinyHugeAndMaxAreRefusedBeforeAllocating) {
  for (const std::uint32_t len : {0u, 1u, 15u, 4097u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    auto c = connect();
    send_raw(*c, header(len));
    auto err = c->error(2s);
    ASSERT_TRUE(err) << "length " << len;
    EXPECT_EQ(err->reason, RejectReason::MalformedMessage);
    EXPECT_TRUE(c->closed_by_server()) << "length " << len;
  }
  expect_unharmed();
}

TEST_F(BadInputTest, BytesThatFailVerificationCloseTheSession) {
  auto c = connect();
  ASSERT_TRUE(c->logon("tenant-a", wire::Role::Tenant).ok());
  auto f = header(64);
  for (int i = 0; i < 64; ++i)
    f.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  f[8] = 'S', f[9] = 'W', f[10] = 'X', f[11] = '1';  // right identifier, garbage inside
  send_raw(*c, f);
  auto err = c->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::MalformedMessage);
  EXPECT_TRUE(c->closed_by_server());
  expect_unharmed();
}

TEST_F(BadInputTest, UnknownUnionTypeIsAnsweredAndTheSessionStays) {
  auto t = tenant();
  protocol::FrameWriter& w = t->client().writer();
  auto hb = wire::CreateHeartbeat(w.fbb(), 1);
  t->client().send(w.finish_union(static_cast<wire::Body>(99), hb.Union()));
  auto err = t->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::UnknownMessage);
  t->order(1, 1, Side::Buy, 1000, 1);  // still served
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
}

TEST_F(BadInputTest, OutOfRangeEnumsAndBadNumbersGetTheirReasons) {
  auto t = tenant();
  auto expect_reject = [&](std::uint64_t id, RejectReason why) {
    auto r = t->report();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, ExecKind::Rejected) << "order " << id;
    EXPECT_EQ(r->reject_reason, why)
        << "order " << id << ": " << engine::to_string(r->reject_reason);
    EXPECT_EQ(r->client_order_id, id);
  };
  client::OrderSpec o;
  o.instrument = 1;
  o.price = 1000;
  o.qty = 1;
  auto send = [&](std::uint64_t id, auto&& change) {
    client::OrderSpec x = o;
    x.client_order_id = id;
    change(x);
    t->client().new_order(x);
  };
  send(1, [](auto& x) { x.side = static_cast<Side>(7); });
  expect_reject(1, RejectReason::InvalidSide);
  send(2, [](auto& x) { x.type = static_cast<wire::OrderType>(9); });
  expect_reject(2, RejectReason::InvalidOrderType);
  send(3, [](auto& x) { x.time_in_force = static_cast<wire::TimeInForce>(5); });
  expect_reject(3, RejectReason::InvalidTimeInForce);
  send(4, [](auto& x) { x.stp = static_cast<wire::StpMode>(4); });
  expect_reject(4, RejectReason::InvalidStpMode);
  send(5, [](auto& x) { x.qty = 0; });
  expect_reject(5, RejectReason::InvalidQuantity);
  send(6, [](auto& x) { x.qty = -5; });
  expect_reject(6, RejectReason::InvalidQuantity);
  send(7, [](auto& x) { x.qty = INT64_MAX; });
  expect_reject(7, RejectReason::QuantityAboveMax);
  send(8, [](auto& x) { x.price = 0; });
  expect_reject(8, RejectReason::InvalidPrice);
  send(9, [](auto& x) { x.price = -100; });
  expect_reject(9, RejectReason::InvalidPrice);
  send(10, [](auto& x) { x.price = 1050; });
  expect_reject(10, RejectReason::PriceOffTick);
  send(11, [](auto& x) { x.price = INT64_MAX / 100 * 100; });
  expect_reject(11, RejectReason::PriceOutsideBand);
  send(12, [](auto& x) { x.instrument = 77; });
  expect_reject(12, RejectReason::UnknownInstrument);
  send(13, [](auto& x) { x.client_order_id = 0; });
  expect_reject(0, RejectReason::MalformedMessage);
  expect_unharmed();
}

TEST_F(BadInputTest, NotionalOverflowIsRejected) {
  auto t = tenant();
  t->order(1, 9, Side::Buy, 6'000'000'000'000'000'000, 2);  // 1.2e19 > INT64_MAX
  auto r = t->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reject_reason, RejectReason::NotionalOverflow);
  t->order(2, 9, Side::Buy, 6'000'000'000'000'000'000, 1);
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
}

TEST_F(BadInputTest, CommandsBeforeLogonCloseWithNotLoggedOn) {
  auto c = connect();
  c->order(1, 1, Side::Buy, 1000, 1);
  auto err = c->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::NotLoggedOn);
  EXPECT_TRUE(c->closed_by_server());
  expect_unharmed();
}

TEST_F(BadInputTest, BadTokenUnknownPrincipalAndWrongRoleAreRefused) {
  for (const auto& [name, token, role] :
       {std::tuple{"tenant-a", "wrong", wire::Role::Tenant},
        std::tuple{"nobody", "nobody-token", wire::Role::Tenant},
        std::tuple{"tenant-a", "tenant-a-token", wire::Role::Operator}}) {
    auto c = connect();
    auto r = c->client().logon(name, token, role);
    EXPECT_EQ(r.reason, RejectReason::BadCredentials) << name;
    EXPECT_TRUE(c->closed_by_server());
  }
  expect_unharmed();
}

TEST_F(BadInputTest, WrongRoleCommands) {
  auto t = tenant();
  t->client().admin_halt(1, 1);
  const wire::Message* ack = t->next(wire::Body::AdminAck);
  ASSERT_NE(ack, nullptr);
  EXPECT_FALSE(ack->body_as_AdminAck()->ok());
  EXPECT_EQ(protocol::to_engine(ack->body_as_AdminAck()->reason()), RejectReason::WrongRole);
  t->client().subscribe_fills(1, 0);
  auto err = t->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::WrongRole);
  t->order(1, 1, Side::Sell, 1000, 1);  // tenants buy
  EXPECT_EQ(t->report()->reject_reason, RejectReason::WrongRole);
  auto h = host();
  h->order(1, 1, Side::Buy, 1000, 1);  // hosts sell
  EXPECT_EQ(h->report()->reject_reason, RejectReason::WrongRole);
  h->client().subscribe_fills(2, 0);  // another host's fills
  err = h->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::NotYourHost);
  expect_unharmed();
}

TEST_F(BadInputTest, OthersOrdersLookUnknownAndLeakNothing) {
  auto a = tenant("tenant-a");
  a->order(1, 1, Side::Buy, 1000, 5);
  auto acc = a->report();
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  auto b = tenant("tenant-b");
  b->client().cancel_order(1, client::OrderRef{0, acc->order_id});
  auto r = b->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reject_reason, RejectReason::UnknownOrder);
  b->client().modify_order(1, client::OrderRef{0, acc->order_id}, 1000, 1);
  EXPECT_EQ(b->report()->reject_reason, RejectReason::UnknownOrder);
  b->client().cancel_order(1, client::OrderRef{1, 0});  // B has no client order 1
  EXPECT_EQ(b->report()->reject_reason, RejectReason::UnknownOrder);
  EXPECT_FALSE(a->report(200ms));  // A hears nothing of it, and its order stands
}

TEST_F(BadInputTest, DuplicateClientOrderId) {
  auto t = tenant();
  t->order(7, 1, Side::Buy, 1000, 1);
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
  t->order(7, 1, Side::Buy, 1100, 1);
  auto r = t->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reject_reason, RejectReason::DuplicateClientOrderId);
}

TEST_F(BadInputTest, FloodingPastTheRateLimit) {
  auto t = tenant();
  for (std::uint64_t i = 1; i <= 60; ++i)
    t->order(i, 1, Side::Buy, 1000, 1);
  int accepted = 0, limited = 0;
  for (int i = 0; i < 60; ++i) {
    auto r = t->report();
    ASSERT_TRUE(r);
    if (r->kind == ExecKind::Accepted) ++accepted;
    if (r->reject_reason == RejectReason::RateLimited) ++limited;
  }
  EXPECT_GE(accepted, 20);  // the burst
  EXPECT_GT(limited, 10);
  expect_unharmed();
}

TEST_F(BadInputTest, IdleSessionsAndMissingLogonsTimeOut) {
  auto silent = connect();
  auto idle = tenant();
  std::optional<ErrorMsg> silent_err, idle_err;
  // The witness host stays alive with heartbeats (an idle host would lose its asks).
  for (int i = 0; i < 30 && !(silent_err && idle_err); ++i) {
    witness_->client().heartbeat();
    if (!silent_err) silent_err = silent->error(100ms);
    if (!idle_err) idle_err = idle->error(100ms);
  }
  ASSERT_TRUE(silent_err);
  EXPECT_EQ(silent_err->reason, RejectReason::NotLoggedOn);
  ASSERT_TRUE(idle_err);
  EXPECT_EQ(idle_err->reason, RejectReason::IdleTimeout);
  expect_unharmed();
}

}  // namespace
}  // namespace swarmex::e2e

namespace swarmex::e2e {
namespace {

class SlowReaderTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server(
        "outbound_queue_bytes = 65536\nrate_burst = 1000000\nrate_limit_per_s = 1000000\n"
        "idle_timeout_ms = 60000",
        "sync", 2,
        // No conflation: the outbound bound itself cuts it off (market_data_e2e_test.cpp has the
        // conflated and stuck readers).
        "[limits.tenant]\nresting_orders_per_partition = 65535\n"  // the pump rests 60,000
        "[market_data]\nconflate_backlog_bytes = 1073741824\n");
  }
};

TEST_F(SlowReaderTest, AReaderThatFallsBehindIsDisconnectedOthersAreNot) {
  auto slow = tenant("tenant-b");
  const std::uint32_t ids[] = {1};
  slow->client().subscribe_market_data(ids, 1);  // ... and never reads again
  auto pump = tenant("tenant-a");
  pump->client().set_batching(true);
  // Every new price level is a BookUpdate for the subscriber: far more than its bound plus
  // what the kernel's socket buffers hold.
  constexpr std::uint64_t kOrders = 60'000;
  std::uint64_t acks = 0;
  for (std::uint64_t i = 1; i <= kOrders; ++i) {
    pump->order(i, 1, wire::Side::Buy, 100 + 100 * static_cast<std::int64_t>(i), 1);
    if (i % 100 != 0) continue;
    pump->client().flush();
    while (acks < i) {  // the pump reads its reports, so it is never the slow one
      auto r = pump->report(10s);
      ASSERT_TRUE(r) << "after " << acks << " reports";
      acks += r->kind == wire::ExecKind::Accepted;
    }
  }
  EXPECT_TRUE(slow->closed_by_server(20s));  // drained what was sent, then EOF
  pump->order(kOrders + 1, 1, wire::Side::Buy, 100, 1);
  pump->client().flush();
  auto r = pump->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, wire::ExecKind::Accepted);  // the fast session is still served
}

}  // namespace
}  // namespace swarmex::e2e
