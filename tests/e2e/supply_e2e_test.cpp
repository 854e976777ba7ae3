// Supply groups over a real socket: a host declares its capacity of a resource, its ask beyond
// it is trimmed at once (Modified, supply_exhausted), a tenant buying more gets only what the
// group has, and only hosts may declare.
#include "e2e_fixture.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

using SupplyE2eTest = RollingWindowsTest;

TEST_F(SupplyE2eTest, AHostSellsOnlyWhatItDeclared) {
  auto h = host("host-a1");
  auto t = tenant("tenant-a");
  const std::int64_t w = window_after(3 * kSecond);
  h->client().declare_supply(book(w), 3);
  auto declared = h->report();
  ASSERT_TRUE(declared);
  EXPECT_EQ(declared->kind, ExecKind::Accepted);
  EXPECT_EQ(declared->qty, 3);
  h->order(1, book(w), Side::Sell, 1000, 5);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto trimmed = h->report();
  ASSERT_TRUE(trimmed);
  EXPECT_EQ(trimmed->kind, ExecKind::Modified);
  EXPECT_EQ(trimmed->cancel_reason, CancelReason::SupplyExhausted);
  EXPECT_EQ(trimmed->leaves_qty, 3);
  t->order(1, book(w), Side::Buy, 1000, 5, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto fill = t->report();
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->last_qty, 3);
  auto rest = t->report();
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->kind, ExecKind::Cancelled);
  EXPECT_EQ(rest->qty, 2);
  auto sold = h->report();
  ASSERT_TRUE(sold);
  EXPECT_EQ(sold->kind, ExecKind::Filled);
  EXPECT_EQ(sold->leaves_qty, 0);  // all 3 it could sell
  // Tenants cannot declare supply; an unknown instrument is refused.
  t->client().declare_supply(book(w), 100);
  auto err = t->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::WrongRole);
  h->client().declare_supply(99'999, 1);
  EXPECT_EQ(h->rejection(), RejectReason::UnknownInstrument);
}

}  // namespace
}  // namespace swarmex::e2e
