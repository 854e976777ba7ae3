// GTD, Day and iceberg orders over the real protocol and CLI: a GTD order ends `expired` once
// its time has come (also across a restart of swarmexd), an iceberg's market data shows only its
// display quantity, and the operator's EndDay ends a Day order (a tenant may not send it).
#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class OrderTypesTest : public E2eTest {
 protected:
  std::unique_ptr<Conn> op() {
    auto c = connect();
    EXPECT_TRUE(c->logon("operator", wire::Role::Operator).ok());
    return c;
  }
  static void place(Conn& c, std::uint64_t id, Side side, std::int64_t price, std::int64_t qty,
                    wire::TimeInForce tif, std::int64_t expire_ns = 0, std::int64_t display = 0) {
    client::OrderSpec o;
    o.client_order_id = id;
    o.instrument = 1;
    o.side = side;
    o.time_in_force = tif;
    o.price = price;
    o.qty = qty;
    o.expire_time_ns = expire_ns;
    o.display_qty = display;
    c.client().new_order(o);
  }
  // Reports until one of `kind` (skipping others), or nothing within the timeout.
  static std::optional<Report> until(Conn& c, ExecKind kind, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = c.report(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (!r || r->kind == kind) return r;
    }
    return std::nullopt;
  }
  CliRun cli(const std::string& args, const std::string& who) {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " +
                       who + " --token " + who + "-token");
  }
};

TEST_F(OrderTypesTest, GtdOrderExpiresAtItsTimeWithoutOtherTraffic) {
  auto t = tenant();
  const std::int64_t expiry = realtime_ns() + 400'000'000;
  place(*t, 1, Side::Buy, 1000, 5, wire::TimeInForce::Gtd, expiry);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  const auto r = until(*t, ExecKind::Expired, 5s);
  ASSERT_TRUE(r) << "no expiry report";
  EXPECT_GE(realtime_ns(), expiry);
  EXPECT_EQ(r->cancel_reason, CancelReason::Expired);
  EXPECT_EQ(r->client_order_id, 1u);
  EXPECT_EQ(r->qty, 5);

  place(*t, 2, Side::Buy, 1000, 5, wire::TimeInForce::Gtd, realtime_ns() - 1'000'000);
  EXPECT_EQ(t->rejection(), RejectReason::ExpireTimeInPast);
  place(*t, 3, Side::Buy, 1000, 5, wire::TimeInForce::Gtd, 0);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidTimeInForce);
}

TEST_F(OrderTypesTest, RestoredGtdOrderStillExpiresAfterARestart) {
  {
    auto t = tenant();
    place(*t, 1, Side::Buy, 1000, 5, wire::TimeInForce::Gtd, realtime_ns() + 1'500'000'000);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  }
  server_->kill();
  server_->start();
  // Resumes after its Accepted (stream_seq 1): the expiry is replayed or comes live.
  auto t = connect();
  ASSERT_TRUE(t->client().logon("tenant-a", "tenant-a-token", wire::Role::Tenant, 1).ok());
  const auto r = until(*t, ExecKind::Expired, 6s);
  ASSERT_TRUE(r) << "the journaled GTD order did not expire after the restart";
  EXPECT_EQ(r->cancel_reason, CancelReason::Expired);
}

TEST_F(OrderTypesTest, IcebergMarketDataShowsOnlyItsDisplay) {
  auto md = tenant("tenant-c");
  const std::uint32_t ids[] = {1};
  md->client().subscribe_market_data(ids, 5);
  ASSERT_NE(md->next(wire::Body::BookSnapshot), nullptr);
  auto h = host();
  place(*h, 1, Side::Sell, 2000, 10, wire::TimeInForce::Gtc, 0, 3);
  const auto acc = h->report();
  ASSERT_TRUE(acc);
  EXPECT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->qty, 10) << "the owner sees the whole order";
  const wire::Message* up = md->next(wire::Body::BookUpdate);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->body_as_BookUpdate()->level()->qty(), 3);

  auto t = tenant();
  t->order(1, 1, Side::Buy, 2000, 3, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  ASSERT_EQ(t->report()->kind, ExecKind::Filled);
  const auto made = until(*h, ExecKind::Filled, 5s);
  ASSERT_TRUE(made);
  EXPECT_EQ(made->leaves_qty, 7) << "the maker's report counts its hidden part";
  up = md->next(wire::Body::BookUpdate);  // the next slice, shown again
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->body_as_BookUpdate()->level()->qty(), 3);

  place(*t, 2, Side::Buy, 2000, 10, wire::TimeInForce::Gtc, 0, 10);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidDisplayQty);
}

TEST_F(OrderTypesTest, EndDayEndsDayOrdersAndOnlyOperatorsSendIt) {
  auto t = tenant();
  place(*t, 1, Side::Buy, 1000, 5, wire::TimeInForce::Day);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  t->order(2, 1, Side::Buy, 900, 5);  // GTC: stays
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);

  t->client().admin_end_day(5, 1);
  const wire::Message* refused = t->next(wire::Body::AdminAck);
  ASSERT_NE(refused, nullptr);
  EXPECT_FALSE(refused->body_as_AdminAck()->ok());
  EXPECT_EQ(protocol::to_engine(refused->body_as_AdminAck()->reason()), RejectReason::WrongRole);

  auto o = op();
  o->client().admin_end_day(6, 1);
  const wire::Message* ack = o->next(wire::Body::AdminAck);
  ASSERT_NE(ack, nullptr);
  EXPECT_TRUE(ack->body_as_AdminAck()->ok());
  const auto r = until(*t, ExecKind::Expired, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cancel_reason, CancelReason::DayEnd);
  EXPECT_EQ(r->client_order_id, 1u);
  EXPECT_FALSE(until(*t, ExecKind::Expired, 300ms)) << "the GTC bid is not a Day order";
}

TEST_F(OrderTypesTest, CliPlacesGtdDayAndIcebergOrdersAndEndsTheDay) {
  auto t = tenant();
  const CliRun day =
      cli("order new --instrument 1 --side buy --price 1000 --qty 4 --tif day", "tenant-a");
  ASSERT_EQ(day.exit_code, 0) << day.out;
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  const CliRun iceberg =
      cli("order new --instrument 1 --side buy --price 900 --qty 10 --display 2", "tenant-a");
  ASSERT_EQ(iceberg.exit_code, 0) << iceberg.out;
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  const CliRun end = cli("admin end-day --all", "operator");
  ASSERT_EQ(end.exit_code, 0) << end.out;
  const auto r = until(*t, ExecKind::Expired, 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cancel_reason, CancelReason::DayEnd);
  EXPECT_EQ(r->qty, 4);

  const CliRun gtd =
      cli("order new --instrument 1 --side buy --price 800 --qty 3 --tif gtd --expire-in-ms 300",
          "tenant-a");
  ASSERT_EQ(gtd.exit_code, 0) << gtd.out;
  const auto x = until(*t, ExecKind::Expired, 5s);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->cancel_reason, CancelReason::Expired);
  EXPECT_EQ(x->qty, 3);
  const CliRun bad =
      cli("order new --instrument 1 --side buy --price 800 --qty 3 --tif gtd", "tenant-a");
  EXPECT_NE(bad.exit_code, 0) << bad.out;
}

}  // namespace
}  // namespace swarmex::e2e
