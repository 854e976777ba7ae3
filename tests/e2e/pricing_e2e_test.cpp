// Pool pricing over the real protocol and CLI: an operator's curve (bad ones refused with the
// reason), a host's pegged ask repriced in the step of the fill that fills its pool, an incentive
// announced to market-data subscribers while the pool sits idle and withdrawn when it fills, the
// curve in the catalog, and all of it the same after swarmexd restarts on its journal.
#include <sstream>

#include "e2e_fixture.hpp"
#include "json_output.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class PricingE2eTest : public E2eTest {
 protected:
  void SetUp() override { start(); }
  void start() {
    std::string config = testing::test_config();
    config.replace(config.find("[engine]\n"), 9, "[engine]\npricing_tick_ms = 50\n");
    server_ = std::make_unique<testing::ServerProcess>(SWARMEX_SERVER_BINARY, dir_.str(), config);
    server_->start();
  }
  CliRun cli(const std::string& args, const std::string& who = "operator") {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " +
                       who + " --token " + who + "-token");
  }
  nlohmann::json cpu_entry() {
    std::istringstream in(cli("catalog --pool pool-a --resource cpu --json", "tenant-a").out);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with("{")) return nlohmann::json::parse(line);
    ADD_FAILURE() << "no catalog entry";
    return nlohmann::json::object();
  }
  static void pegged_ask(Conn& c, std::uint64_t id, std::int64_t base, std::int64_t qty) {
    client::OrderSpec o;
    o.client_order_id = id;
    o.instrument = 1;
    o.side = Side::Sell;
    o.price = base;
    o.qty = qty;
    o.pegged = true;
    c.client().new_order(o);
  }
  // The next IncentiveNotice a market-data subscriber gets.
  static const wire::IncentiveNotice* incentive(Conn& c) {
    const wire::Message* m = c.next(wire::Body::IncentiveNotice, 5s);
    return m != nullptr ? m->body_as_IncentiveNotice() : nullptr;
  }
};

TEST_F(PricingE2eTest, APeggedAskFollowsTheCurveAndIncentivesFollowTheIdlePool) {
  // A curve that falls, or whose x100 no band of the pool holds, is refused with the reason.
  auto bad = cli("admin pricing --pool pool-a --resource cpu --point 0:2 --point 1:1");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("invalid_curve"), std::string::npos) << bad.out;
  bad = cli("admin pricing --pool pool-a --resource cpu --point 0:1 --point 1:100000");
  EXPECT_NE(bad.out.find("invalid_curve"), std::string::npos) << bad.out;
  bad = cli("admin pricing --pool nowhere --resource cpu --point 0:1");
  EXPECT_NE(bad.out.find("unknown_instrument"), std::string::npos) << bad.out;
  EXPECT_NE(cli("admin pricing --pool pool-a --resource cpu --point 0:1", "tenant-a").exit_code, 0)
      << "operators only";

  // Flat to 50 %, x3 at 100 %; under 50 % for 300 ms announces a 20 % cut.
  const auto set =
      cli("admin pricing --pool pool-a --resource cpu --point 0:1 --point 0.5:1 --point 1:3 "
          "--target 0.5 --idle-after-ms 300 --cut 0.2 --valid-ms 60000");
  ASSERT_EQ(set.exit_code, 0) << set.out;

  auto h = connect();  // its asks stay when it goes
  ASSERT_TRUE(h->client()
                  .logon("host-a1", "host-a1-token", wire::Role::Host, 0, false, 5s,
                         /*keep_orders=*/true)
                  .ok());
  h->client().declare_supply(1, 10);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  pegged_ask(*h, 1, 1000, 10);
  auto ack = h->report();
  ASSERT_EQ(ack->kind, ExecKind::Accepted);
  EXPECT_EQ(ack->price, 1000) << "f(0) = 1";

  auto watcher = tenant("tenant-b");
  const std::uint32_t cpu[] = {1};
  watcher->client().subscribe_market_data(cpu);
  const wire::IncentiveNotice* on = incentive(*watcher);
  ASSERT_NE(on, nullptr) << "the idle pool announces its cut";
  EXPECT_TRUE(on->active());
  EXPECT_EQ(on->pool()->str(), "pool-a");
  EXPECT_EQ(on->resource()->str(), "cpu");
  EXPECT_EQ(on->cut_ppm(), 200'000u);
  EXPECT_EQ(on->utilisation_ppm(), 0u);

  // Tenants cannot peg.
  auto t = tenant();
  client::OrderSpec peg_bid;
  peg_bid.client_order_id = 1;
  peg_bid.instrument = 1;
  peg_bid.price = 1000;
  peg_bid.qty = 1;
  peg_bid.pegged = true;
  t->client().new_order(peg_bid);
  EXPECT_EQ(t->rejection(), RejectReason::PeggedNotHostAsk);

  // 8 of 10 sold: u 80 %, f 2.2. The host hears its ask moved; the pool is busy again.
  t->order(2, 1, Side::Buy, 5000, 8, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  const auto fill = t->report();
  ASSERT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->last_price, 1000);
  ASSERT_EQ(h->report()->kind, ExecKind::Filled);
  const auto moved = h->report();
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->kind, ExecKind::Modified);
  EXPECT_EQ(moved->cancel_reason, engine::CancelReason::Repriced);
  EXPECT_EQ(moved->price, 2200);
  EXPECT_EQ(moved->leaves_qty, 2);
  const wire::IncentiveNotice* off = incentive(*watcher);
  ASSERT_NE(off, nullptr);
  EXPECT_FALSE(off->active());
  EXPECT_EQ(off->utilisation_ppm(), 800'000u);

  nlohmann::json entry = cpu_entry();
  EXPECT_EQ(entry.at("best_ask"), 2200) << entry;
  ASSERT_EQ(entry.at("curve").size(), 3u) << entry;
  EXPECT_EQ(entry.at("curve")[2].at("utilisation_ppm"), 1'000'000);
  EXPECT_EQ(entry.at("curve")[2].at("multiplier_ppm"), 3'000'000);

  // The journal holds the curve and the peg: after a restart one more unit sold (u 90 %, f 2.6)
  // moves the ask again.
  h.reset();
  t.reset();
  watcher.reset();
  server_->stop();
  start();
  t = tenant();
  t->order(3, 1, Side::Buy, 5000, 1, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  const auto again = t->report();
  ASSERT_EQ(again->kind, ExecKind::Filled);
  EXPECT_EQ(again->last_price, 2200);
  entry = cpu_entry();
  EXPECT_EQ(entry.at("best_ask"), 2600) << entry;
  EXPECT_EQ(entry.at("curve").size(), 3u) << entry;
}

// The next Filled execution report's fee.
std::optional<std::int64_t> next_fill_fee(Conn& c) {
  for (const wire::Message* m = c.next(wire::Body::ExecutionReport); m != nullptr;
       m = c.next(wire::Body::ExecutionReport))
    if (m->body_as_ExecutionReport()->kind() == ExecKind::Filled)
      return m->body_as_ExecutionReport()->fee();
  return std::nullopt;
}

TEST_F(PricingE2eTest, FeesAreChargedOnEveryFillAndReportedToBothParties) {
  auto bad = cli("admin fees 1 --maker-bps -10 --taker-bps 5");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("invalid_fee"), std::string::npos) << bad.out;
  EXPECT_NE(cli("admin fees 1 --taker-bps 1001").out.find("invalid_fee"), std::string::npos);
  const auto set = cli("admin fees 1 --maker-bps -5 --taker-bps 25");
  ASSERT_EQ(set.exit_code, 0) << set.out;
  EXPECT_NE(set.out.find("fees set"), std::string::npos) << set.out;

  auto h = host();
  h->order(1, 1, Side::Sell, 1000, 10);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto t = tenant();
  // 4 units at 1000 for the hour's lease: 4,000; 25 bps = 10 to the taker, a 2 rebate to the maker.
  t->order(1, 1, Side::Buy, 1000, 4, wire::TimeInForce::Ioc);
  EXPECT_EQ(next_fill_fee(*t), 10);
  EXPECT_EQ(next_fill_fee(*h), -2);
}

}  // namespace
}  // namespace swarmex::e2e
