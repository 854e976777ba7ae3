// Delivery windows over a real socket, with a product of 2-second windows so they roll within a
// test: ListInstruments names the windows trading now, a fill is dated by its window, gate
// closure expires resting orders with a report, block orders buy consecutive windows all or
// none, every bad block order gets its reason, and a restart recovers the calendar.
#include <set>

#include "e2e_fixture.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class WindowE2eTest : public RollingWindowsTest {
 protected:
  static client::BlockOrderSpec block(std::uint64_t id, std::int64_t first_window,
                                      std::uint32_t windows, std::int64_t qty, std::int64_t limit) {
    client::BlockOrderSpec b;
    b.client_order_id = id;
    b.resource = "cpu";
    b.pool = "pool-a";
    b.start_ns = engine::window_start_ns(product(), first_window);
    b.windows = windows;
    b.qty = qty;
    b.limit_total = limit;
    b.placement = wire::Placement::SameHost;
    return b;
  }
};

TEST_F(WindowE2eTest, TenantsListTheWindowsTradingNow) {
  auto t = tenant();
  t->client().admin_list_instruments(1);
  const wire::Message* m = t->next(wire::Body::AdminAck);
  ASSERT_NE(m, nullptr);
  const auto* ack = m->body_as_AdminAck();
  ASSERT_TRUE(ack->ok());
  ASSERT_NE(ack->instruments(), nullptr);
  std::set<std::uint32_t> books;
  int scheduled = 0;
  for (const auto* i : *ack->instruments()) {
    if (!i->scheduled()) continue;
    ++scheduled;
    EXPECT_GE(i->id(), 100u);
    EXPECT_LT(i->id(), 100u + engine::book_count(product()));
    EXPECT_TRUE(books.insert(i->id()).second);
    EXPECT_EQ(i->window_length_ns(), 2 * kSecond);
    EXPECT_EQ(i->gate_closure_ns(), i->window_start_ns() - kSecond);
    EXPECT_EQ(i->window_start_ns() % (2 * kSecond), 0);
    EXPECT_EQ(i->symbol()->str(),
              engine::window_symbol(product(), i->window_start_ns() / (2 * kSecond)));
    EXPECT_EQ(i->symbol()->str().substr(0, 11), "cpu.pool-a.");
  }
  EXPECT_GE(scheduled, 3);  // starts in (now + 1 s, now + 8 s]: 3 or 4 windows
  EXPECT_LE(scheduled, 4);
}

TEST_F(WindowE2eTest, FillIsDatedByItsWindowAndGateClosureExpiresTheRest) {
  auto h = host("host-a1");
  h->client().subscribe_fills(1, 0);
  auto t = tenant();
  const std::int64_t w = window_after(3 * kSecond);
  h->order(1, book(w), Side::Sell, 1000, 5);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  t->order(1, book(w), Side::Buy, 1000, 2, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto fill = t->report();
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  const wire::Message* m = h->next(wire::Body::Fill);
  ASSERT_NE(m, nullptr);
  const auto* f = m->body_as_Fill();
  EXPECT_EQ(f->lease_start_ns(), engine::window_start_ns(product(), w));
  EXPECT_EQ(f->lease_end_ns(), engine::window_start_ns(product(), w + 1));
  EXPECT_EQ(f->resource()->str(), "cpu");
  // The rest of the ask (3) expires at gate closure, 1 s before the window starts.
  std::optional<Report> expired;
  for (int i = 0; i < 4 && !expired; ++i)
    if (auto r = h->report(3s); r && r->kind == ExecKind::Expired) expired = r;
  ASSERT_TRUE(expired) << "no Expired report by gate closure";
  EXPECT_EQ(expired->cancel_reason, CancelReason::GateClosed);
  EXPECT_EQ(expired->client_order_id, 1u);
  EXPECT_EQ(expired->qty, 3);
  EXPECT_GE(realtime_ns(), engine::gate_close_ns(product(), w));
  // Past gate closure the book refuses orders.
  t->order(2, book(w), Side::Buy, 1000, 1);
  EXPECT_EQ(t->rejection(), RejectReason::WindowNotTrading);
}

TEST_F(WindowE2eTest, BlockOrderBuysConsecutiveWindowsAllOrNone) {
  auto h = host("host-a1");
  auto t = tenant();
  const std::int64_t w = window_after(3 * kSecond);
  for (std::int64_t i = 0; i < 2; ++i) {
    h->order(static_cast<std::uint64_t>(i + 1), book(w + i), Side::Sell, 1000, 4);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  }
  // Three windows, but only two are offered (and the third may not be listed yet): nothing.
  t->client().new_block_order(block(1, w, 3, 2, 1'000'000));
  auto first = t->report();
  ASSERT_TRUE(first);
  if (first->kind == ExecKind::Rejected) {
    EXPECT_EQ(first->reject_reason, RejectReason::WindowNotTrading);
  } else {
    ASSERT_EQ(first->kind, ExecKind::Accepted);
    auto c = t->report();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->kind, ExecKind::Cancelled);
    EXPECT_EQ(c->cancel_reason, CancelReason::SwarmUnfillable);
  }
  // Two windows, 2 units each, within the limit: both fill in one step.
  t->client().new_block_order(block(2, w, 2, 2, 4000));
  auto acc = t->report();
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->instrument, book(w)) << "reports name the first window";
  EXPECT_EQ(acc->qty, 4);
  auto f1 = t->report();
  auto f2 = t->report();
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ(f1->instrument, book(w));
  EXPECT_EQ(f2->instrument, book(w + 1));
  EXPECT_EQ(f1->last_qty + f2->last_qty, 4);
  EXPECT_EQ(f2->leaves_qty, 0);
  // Per-window quantities, one too dear in total: nothing trades.
  client::BlockOrderSpec b = block(3, w, 2, 0, 2999);
  b.qtys = {1, 2};
  t->client().new_block_order(b);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto c = t->report();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cancel_reason, CancelReason::SwarmUnfillable);
  EXPECT_EQ(c->qty, 3);
}

TEST_F(WindowE2eTest, EveryBadBlockOrderGetsItsReason) {
  auto t = tenant();
  const std::int64_t w = window_after(3 * kSecond);
  auto b = block(10, w, 2, 1, 1000);
  b.start_ns += 1;  // not a window boundary
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidWindow);
  b = block(11, w, 0, 1, 1000);
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidWindow);
  b = block(12, w, 9, 1, 1000);
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidWindow);
  b = block(13, w, 2, 0, 1000);
  b.qtys = {1, 2, 3};
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidLegs);
  b = block(14, w, 1, 1, 1000);
  b.pool = "pool-q";
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::UnknownProduct);
  b = block(15, w, 1, 1, 1000);
  b.length_s = 3600;
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::UnknownProduct);
  b = block(16, w + 8, 1, 1, 1000);  // 16 s ahead: not listed
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::WindowNotTrading);
  b = block(17, w - 3, 1, 1, 1000);  // in the past
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::WindowNotTrading);
  b = block(18, w, 1, -1, 1000);
  t->client().new_block_order(b);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidQuantity);
  auto h = host("host-a1");
  h->client().new_block_order(block(19, w, 1, 1, 1000));
  EXPECT_EQ(h->rejection(), RejectReason::WrongRole);
}

TEST_F(WindowE2eTest, RestartKeepsRestingWindowOrdersAndTheCalendar) {
  const std::int64_t w = window_after(5 * kSecond);
  {
    auto t = tenant();
    t->order(1, book(w), Side::Buy, 900, 3);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    server_->kill();
  }
  server_->start();
  auto t = tenant();
  auto h = host("host-a1");
  h->order(1, book(w), Side::Sell, 900, 3);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto fill = t->report();
  ASSERT_TRUE(fill) << "the bid rested across the restart";
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->client_order_id, 1u);
  EXPECT_EQ(fill->last_qty, 3);
}

}  // namespace
}  // namespace swarmex::e2e
