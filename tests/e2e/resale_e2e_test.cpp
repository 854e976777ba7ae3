// Resale and reservation changes over a real socket, on a product of 2-second windows: a tenant
// resells part of a window it holds, the buyer's fill names the host and the host's Fill names
// both tenants; a change buys its delta as one block or sells it back as one request; every bad
// resale or change gets its reason; holdings survive a restart.
#include "e2e_fixture.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

constexpr std::uint32_t kHostA1 = 1;  // host-a1's host id in etc/swarmex.toml

class ResaleE2eTest : public RollingWindowsTest {
 protected:
  static void resell(Conn& c, std::uint64_t id, std::uint32_t instrument, std::int64_t price,
                     std::int64_t qty, std::uint32_t host = kHostA1) {
    client::OrderSpec o;
    o.client_order_id = id;
    o.instrument = instrument;
    o.side = Side::Sell;
    o.price = price;
    o.qty = qty;
    o.resale_host = host;
    c.client().new_order(o);
  }
  static client::ChangeSpec change(std::uint64_t id, std::int64_t first_window,
                                   std::uint32_t windows_n, std::int64_t delta,
                                   std::int64_t unit_price, std::uint32_t host = 0) {
    client::ChangeSpec c;
    c.client_order_id = id;
    c.resource = "cpu";
    c.pool = "pool-a";
    c.start_ns = engine::window_start_ns(windows().product, first_window);
    c.windows = windows_n;
    c.delta_qty = delta;
    c.unit_price = unit_price;
    c.host = host;
    return c;
  }
  // host-a1 offers `qty` in window w; the tenant buys `bought` of it.
  static void buy_window(Conn& h, Conn& t, std::uint64_t id, std::int64_t w, std::int64_t qty,
                         std::int64_t bought) {
    h.order(id, book(w), Side::Sell, 1000, qty);
    std::optional<Report> acc;  // skips the host's fill reports of earlier sales
    while ((acc = h.report()) && !(acc->kind == ExecKind::Accepted && acc->client_order_id == id)) {
    }
    ASSERT_TRUE(acc) << "the host's ask was not accepted";
    t.order(id, book(w), Side::Buy, 1000, bought, wire::TimeInForce::Ioc);
    ASSERT_EQ(t.report()->kind, ExecKind::Accepted);
    auto f = t.report();
    ASSERT_TRUE(f);
    ASSERT_EQ(f->kind, ExecKind::Filled);
    ASSERT_EQ(f->host, kHostA1);
  }
};

TEST_F(ResaleE2eTest, AResoldShareMovesToTheBuyerAndTheHostHearsBothTenants) {
  auto h = host("host-a1");
  h->client().subscribe_fills(kHostA1, 0);
  auto a = tenant("tenant-a");
  auto b = tenant("tenant-b");
  const std::int64_t w = window_after(3 * kSecond);
  buy_window(*h, *a, 1, w, 3, 3);
  ASSERT_NE(h->next(wire::Body::Fill), nullptr);  // the original sale

  resell(*a, 2, book(w), 1200, 2);
  auto acc = a->report();
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->host, kHostA1);
  resell(*a, 3, book(w), 1200, 2);  // holds 1 more, not 2
  EXPECT_EQ(a->rejection(), RejectReason::InsufficientHolding);

  b->order(1, book(w), Side::Buy, 1200, 2, wire::TimeInForce::Ioc);
  ASSERT_EQ(b->report()->kind, ExecKind::Accepted);
  auto bf = b->report();
  ASSERT_TRUE(bf);
  EXPECT_EQ(bf->kind, ExecKind::Filled);
  EXPECT_EQ(bf->last_price, 1200);  // the reseller's price, not the host's resting 1000
  EXPECT_EQ(bf->host, kHostA1);
  auto af = a->report();
  ASSERT_TRUE(af);
  EXPECT_EQ(af->kind, ExecKind::Filled);
  EXPECT_EQ(af->client_order_id, 2u);
  EXPECT_EQ(af->leaves_qty, 0);

  const wire::Message* m = h->next(wire::Body::Fill);
  ASSERT_NE(m, nullptr);
  const auto* f = m->body_as_Fill();
  EXPECT_EQ(f->tenant_name()->str(), "tenant-b");
  ASSERT_NE(f->seller_name(), nullptr);
  EXPECT_EQ(f->seller_name()->str(), "tenant-a");
  EXPECT_EQ(f->qty(), 2);
  EXPECT_EQ(f->lease_start_ns(), engine::window_start_ns(windows().product, w));
}

TEST_F(ResaleE2eTest, AChangeBuysItsDeltaAsOneBlockAndSellsItBackAsOneRequest) {
  auto h = host("host-a1");
  auto a = tenant("tenant-a");
  auto b = tenant("tenant-b");
  const std::int64_t w = window_after(3 * kSecond);
  for (std::int64_t i = 0; i < 2; ++i) {
    h->order(static_cast<std::uint64_t>(i + 1), book(w + i), Side::Sell, 1000, 3);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  }
  // +2 in both windows at most 1000 a unit: one block order, both windows filled.
  a->client().change_reservation(change(1, w, 2, 2, 1000));
  auto acc = a->report();
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->qty, 4);
  std::int64_t bought = 0;
  for (int i = 0; i < 2; ++i)
    if (auto f = a->report(); f && f->kind == ExecKind::Filled) bought += f->last_qty;
  EXPECT_EQ(bought, 4);
  // -3 is more than held in either window: refused as a whole.
  a->client().change_reservation(change(2, w, 2, -3, 1500, kHostA1));
  EXPECT_EQ(a->rejection(), RejectReason::InsufficientHolding);
  // -1 in both, GTC: one outcome, two resting asks.
  auto back = change(3, w, 2, -1, 1500, kHostA1);
  back.time_in_force = wire::TimeInForce::Gtc;
  a->client().change_reservation(back);
  auto sold = a->report();
  ASSERT_TRUE(sold);
  ASSERT_EQ(sold->kind, ExecKind::Accepted);
  EXPECT_EQ(sold->qty, 2);
  EXPECT_EQ(sold->price, 1500);
  b->order(1, book(w + 1), Side::Buy, 1500, 1, wire::TimeInForce::Ioc);
  ASSERT_EQ(b->report()->kind, ExecKind::Accepted);
  auto bf = b->report();
  ASSERT_TRUE(bf);
  EXPECT_EQ(bf->kind, ExecKind::Filled);  // the host's own ask rests at 1000 in w+1, but
  EXPECT_EQ(bf->last_price, 1000);        // price priority takes it first: still a fill
  b->order(2, book(w + 1), Side::Buy, 1500, 2, wire::TimeInForce::Ioc);
  ASSERT_EQ(b->report()->kind, ExecKind::Accepted);
  std::int64_t from_resale = 0;
  for (int i = 0; i < 2; ++i) {  // a fill from the resale leg, then the IOC remainder
    auto r = b->report(1s);
    if (!r) break;
    if (r->kind == ExecKind::Filled && r->last_price == 1500) from_resale += r->last_qty;
  }
  EXPECT_EQ(from_resale, 1);  // the second window's resale leg
  // The tenant's leg in w+1 filled under the change's client order id.
  std::optional<Report> leg;
  for (int i = 0; i < 3 && !leg; ++i)
    if (auto r = a->report(1s); r && r->kind == ExecKind::Filled) leg = r;
  ASSERT_TRUE(leg);
  EXPECT_EQ(leg->client_order_id, 3u);
  EXPECT_EQ(leg->instrument, book(w + 1));
}

TEST_F(ResaleE2eTest, AChangeByPercentIsAShareOfWhatIsHeldInEachWindow) {
  auto h = host("host-a1");
  auto a = tenant("tenant-a");
  const std::int64_t w = window_after(3 * kSecond);
  buy_window(*h, *a, 1, w, 10, 4);
  buy_window(*h, *a, 2, w + 1, 10, 2);
  // +50%: 2 more in the first window, 1 in the second (rounded up), one block order.
  auto up = change(3, w, 2, 0, 1000);
  up.delta_pct = 50;
  a->client().change_reservation(up);
  auto acc = a->report();
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->qty, 3);
  std::int64_t bought = 0;
  for (int i = 0; i < 2; ++i)
    if (auto f = a->report(); f && f->kind == ExecKind::Filled) bought += f->last_qty;
  EXPECT_EQ(bought, 3);
  // -50% of 6 and 3: 3 and 1 offered back (rounded down), one request.
  auto down = change(4, w, 2, 0, 1500, kHostA1);
  down.delta_pct = -50;
  down.time_in_force = wire::TimeInForce::Gtc;
  a->client().change_reservation(down);
  auto sold = a->report();
  ASSERT_TRUE(sold);
  ASSERT_EQ(sold->kind, ExecKind::Accepted);
  EXPECT_EQ(sold->qty, 4);
  // A window where nothing is held has no share to change.
  auto none = change(5, w + 2, 1, 0, 1000);
  none.delta_pct = 10;
  a->client().change_reservation(none);
  EXPECT_EQ(a->rejection(), RejectReason::InvalidQuantity);
}

TEST_F(ResaleE2eTest, EveryBadResaleOrChangeGetsItsReason) {
  auto a = tenant("tenant-a");
  auto h = host("host-a1");
  const std::int64_t w = window_after(3 * kSecond);
  a->order(1, book(w), Side::Sell, 1000, 1);  // a tenant selling without naming a host
  EXPECT_EQ(a->rejection(), RejectReason::WrongRole);
  resell(*a, 2, book(w), 1000, 1);  // holds nothing
  EXPECT_EQ(a->rejection(), RejectReason::InsufficientHolding);
  resell(*h, 3, book(w), 1000, 1);  // hosts sell their own capacity, not holdings
  EXPECT_EQ(h->rejection(), RejectReason::WrongRole);
  client::OrderSpec o;
  o.client_order_id = 4;
  o.instrument = book(w);
  o.side = Side::Sell;
  o.price = 1000;
  o.qty = 1;
  o.resale_host = kHostA1;
  o.type = wire::OrderType::Market;
  a->client().new_order(o);
  EXPECT_EQ(a->rejection(), RejectReason::InvalidOrderType);
  o.type = wire::OrderType::Limit;
  o.time_in_force = wire::TimeInForce::Fok;
  a->client().new_order(o);
  EXPECT_EQ(a->rejection(), RejectReason::InvalidTimeInForce);
  o.time_in_force = wire::TimeInForce::Gtc;
  o.min_qty = 1;
  a->client().new_order(o);
  EXPECT_EQ(a->rejection(), RejectReason::InvalidMinQuantity);

  a->client().change_reservation(change(5, w, 1, 0, 1000));
  EXPECT_EQ(a->rejection(), RejectReason::InvalidQuantity);
  a->client().change_reservation(change(6, w, 1, -1, 1000, 0));  // whose capacity?
  EXPECT_EQ(a->rejection(), RejectReason::MalformedMessage);
  a->client().change_reservation(change(7, w, 9, 1, 1000));
  EXPECT_EQ(a->rejection(), RejectReason::InvalidWindow);
  auto c = change(8, w, 1, 1, 1000);
  c.pool = "pool-q";
  a->client().change_reservation(c);
  EXPECT_EQ(a->rejection(), RejectReason::UnknownProduct);
  a->client().change_reservation(change(9, w, 2, 1, std::int64_t{1} << 62));
  EXPECT_EQ(a->rejection(), RejectReason::NotionalOverflow);
  h->client().change_reservation(change(10, w, 1, 1, 1000));
  EXPECT_EQ(h->rejection(), RejectReason::WrongRole);
  // The session still works.
  a->order(11, book(w), Side::Buy, 1000, 1);
  EXPECT_EQ(a->report()->kind, ExecKind::Accepted);
}

TEST_F(ResaleE2eTest, HoldingsSurviveARestart) {
  const std::int64_t w = window_after(5 * kSecond);
  {
    auto h = host("host-a1");
    auto a = tenant("tenant-a");
    buy_window(*h, *a, 1, w, 2, 2);
    server_->kill();
  }
  server_->start();
  auto a = tenant("tenant-a");
  resell(*a, 2, book(w), 1100, 3);
  EXPECT_EQ(a->rejection(), RejectReason::InsufficientHolding);
  resell(*a, 3, book(w), 1100, 2);
  auto acc = a->report();
  ASSERT_TRUE(acc);
  EXPECT_EQ(acc->kind, ExecKind::Accepted);
}

}  // namespace
}  // namespace swarmex::e2e
