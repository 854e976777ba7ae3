// The market report's arithmetic on hand-made events: spend and fees by side, VWAP, margin over
// each ask's own limit, unit-hours, utilisation at step boundaries, the --from/--to range.
#include <gtest/gtest.h>

#include "report_model.hpp"
#include "report_time.hpp"

namespace swarmex::report {
namespace {

constexpr std::int64_t kH = kHourNs;
constexpr std::int64_t kT0 = 10 * kH;  // the session starts at a whole hour

engine::InstrumentSpec cpu() {
  engine::InstrumentSpec s;
  s.id = 1;
  s.symbol = "cpu.pool-a.spot";
  s.resource = "cpu";
  s.pool = "pool-a";
  return s;
}

// A fill on instrument 1: taker `owner` (order `taker`) against maker `maker_owner`.
engine::Event fill(engine::Side side, engine::OrderId taker, engine::OwnerId owner,
                   engine::OrderId maker, engine::OwnerId maker_owner, engine::Price price,
                   engine::Qty qty, std::int64_t start_ns, std::int64_t lease_ns,
                   std::int64_t taker_fee = 0, std::int64_t maker_fee = 0) {
  engine::Event e;
  e.kind = engine::EventKind::Fill;
  e.side = side;
  e.instrument = 1;
  e.order_id = taker;
  e.owner = owner;
  e.maker_order_id = maker;
  e.maker_owner = maker_owner;
  e.host = 1;
  e.price = price;
  e.qty = qty;
  e.lease_start_ns = start_ns;
  e.lease_end_ns = start_ns + lease_ns;
  e.taker_fee = taker_fee;
  e.maker_fee = maker_fee;
  return e;
}

constexpr engine::OwnerId kTenantA = 1, kTenantB = 2, kHost = 101;

Aggregator session(ReportOptions opt = {}) {
  Aggregator a(opt);
  a.add_instrument(cpu());
  a.on_supply(kT0, 1, 1, 10);
  a.on_ask(50, 900, false);   // the host's ask, limit 900
  a.on_ask(51, 1000, false);  // a pegged ask: its base 1000 is the reserve
  // Tenant A lifts 4 at 1000 for 1 h (fees 10 taker, -2 maker rebate).
  a.on_fill(kT0 + 1, fill(engine::Side::Buy, 7, kTenantA, 50, kHost, 1000, 4, kT0 + 1, kH, 10, -2));
  // Tenant B: 2 at 1300 for 2 h, the host's pegged ask repriced above its base.
  a.on_fill(kT0 + kH / 2,
            fill(engine::Side::Buy, 8, kTenantB, 51, kHost, 1300, 2, kT0 + kH / 2, 2 * kH));
  // The host sells as the taker into tenant B's resting bid at 1100 (its ask 52, limit 1050).
  a.on_ask(52, 1050, false);
  a.on_fill(2 * kH + kT0,
            fill(engine::Side::Sell, 52, kHost, 9, kTenantB, 1100, 1, kT0 + 2 * kH, kH / 2, 3, 1));
  return a;
}

TEST(ReportModel, SpendRevenueFeesAndVwap) {
  const Report r = session().finish();
  EXPECT_EQ(r.fills, 3u);
  ASSERT_EQ(r.buyers.size(), 2u);
  EXPECT_EQ(r.buyers.at(kTenantA).spend, 4000);
  EXPECT_EQ(r.buyers.at(kTenantA).fees, 10);
  EXPECT_EQ(r.buyers.at(kTenantA).unit_ms.at("cpu"), 4 * 3'600'000);
  // B: 2 x 1300 x 2 h + 1 x 1100 x 0.5 h; as the maker of the last fill it pays the maker fee.
  EXPECT_EQ(r.buyers.at(kTenantB).spend, 5200 + 550);
  EXPECT_EQ(r.buyers.at(kTenantB).fees, 1);
  EXPECT_EQ(r.buyers.at(kTenantB).unit_ms.at("cpu"), 4 * 3'600'000 + 1'800'000);
  const SellerTotals& h = r.sellers.at(kHost);
  EXPECT_EQ(h.revenue, 4000 + 5200 + 550);
  EXPECT_EQ(h.fees, -2 + 3);
  EXPECT_EQ(h.reserve_value, 3600 + 4000 + 525);
  EXPECT_EQ(h.margin(), 400 + 1200 + 25);
  EXPECT_EQ(h.unknown_reserve, 0u);
  EXPECT_EQ(r.taker_fees, 13);
  EXPECT_EQ(r.maker_fees, -1);
  EXPECT_EQ(r.fees_by_principal.at(kHost), 1);
  const MarketTotals& m = r.markets.at({"pool-a", "cpu"});
  EXPECT_EQ(m.qty, 7);
  EXPECT_EQ(m.value, 9750);
  EXPECT_EQ(m.vwap(), (4000 + 2600 + 1100) / 7);  // 1100, rounded down
  EXPECT_EQ(m.fees, 12);
}

TEST(ReportModel, AnAskFromBeforeTheReplayCountsAtTheFillPrice) {
  Aggregator a;
  a.add_instrument(cpu());
  a.on_fill(kT0, fill(engine::Side::Buy, 7, kTenantA, 99, kHost, 1000, 1, kT0, kH));
  const Report r = a.finish();
  EXPECT_EQ(r.sellers.at(kHost).margin(), 0);
  EXPECT_EQ(r.sellers.at(kHost).unknown_reserve, 1u);
}

TEST(ReportModel, UtilisationAtEachStepAndResalesMoveLeasesWithoutAddingThem) {
  ReportOptions opt;
  opt.step_ns = kH;
  Aggregator a = session(opt);
  a.on_ask(60, 1, true);  // tenant A resells 1 unit: not new capacity under lease
  a.on_fill(kT0 + 3 * kH,
            fill(engine::Side::Buy, 61, kTenantB, 60, kTenantA, 1, 1, kT0 + 3 * kH, kH));
  const Report r = a.finish();
  const auto& s = r.utilisation.at({"pool-a", "cpu"});
  // Points at 10 h .. 13 h (the last command's time).
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].time_ns, kT0);
  EXPECT_EQ(s[0].leased, 0);  // the first lease starts 1 ns after the hour
  EXPECT_EQ(s[0].capacity, 10);
  EXPECT_EQ(s[1].leased, 4 + 2);  // A's [10 h + 1 ns, 11 h + 1 ns), B's [10 h 30, 12 h 30)
  EXPECT_EQ(s[2].leased, 2 + 1);  // B's and the host's sale [12 h, 12 h 30)
  EXPECT_EQ(s[3].leased, 0);      // only the resale's [13 h, 14 h): moved, not added
  EXPECT_EQ(r.sellers.at(kTenantA).revenue, 1);
}

TEST(ReportModel, FromAndToNarrowTheFillsByCommandTime) {
  ReportOptions opt;
  opt.from_ns = kT0 + 2;
  opt.to_ns = kT0 + kH;
  const Report r = session(opt).finish();
  EXPECT_EQ(r.fills, 1u);
  EXPECT_EQ(r.buyers.count(kTenantA), 0u);
  EXPECT_EQ(r.buyers.at(kTenantB).spend, 5200);
}

TEST(ReportModel, TooManyUtilisationPointsIsAnError) {
  ReportOptions opt;
  opt.step_ns = 1;
  EXPECT_THROW((void)session(opt).finish(), std::runtime_error);
}

TEST(ReportModel, TimesAreNanosecondsOrIso8601) {
  EXPECT_EQ(report::parse_report_time("1700000000000000000"), 1'700'000'000'000'000'000);
  EXPECT_EQ(report::parse_report_time("2026-12-06T10:00:00Z"), 1'796'551'200'000'000'000);
  EXPECT_FALSE(report::parse_report_time("yesterday"));
  EXPECT_FALSE(report::parse_report_time("2026-12-06T10:00:00"));
}

}  // namespace
}  // namespace swarmex::report
