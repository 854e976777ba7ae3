// The swarmex CLI with delivery windows against a real swarmexd: a tenant lists the windows
// trading now, `order block` buys consecutive windows and prints each fill, and a start off a
// window boundary or a malformed one says why.
#include <time.h>

#include <string>

#include "e2e_fixture.hpp"
#include "json_output.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

// 60 s windows listed 10 minutes ahead, gate closure 10 s: stable for the length of a test.
const TestProduct& windows() {
  static const TestProduct p = cpu_product(60, 600, 10);
  return p;
}
engine::Product product() {
  return windows().product;
}

std::string iso(std::int64_t ns) {
  const std::time_t t = ns / kSecond;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class CliWindowTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server("", "sync", 2, windows().toml);
    first_ = (realtime_ns() + 2 * 60 * kSecond) / product().length_ns;  // 1-2 minutes ahead
    host_ = host("host-a1");
    for (std::int64_t i = 0; i < 2; ++i) {
      host_->order(static_cast<std::uint64_t>(i + 1), 100 + engine::book_of(product(), first_ + i),
                   Side::Sell, 1000, 5);
      ASSERT_EQ(host_->report()->kind, ExecKind::Accepted);
    }
  }
  CliRun cli(const std::string& args) {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) +
                       " --principal tenant-a --token tenant-a-token");
  }
  std::int64_t first_ = 0;
  std::unique_ptr<Conn> host_;
};

TEST_F(CliWindowTest, TenantListsTheWindowsTradingNow) {
  const CliRun r = cli("admin instruments --role tenant --json");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json ack = last_json_object(r.out);
  int scheduled = 0;
  bool first_listed = false, spot_listed = false;
  for (const auto& i : ack.at("instruments")) {
    const std::string symbol = i.at("symbol");
    if (i.at("scheduled").get<bool>()) ++scheduled;
    first_listed |= symbol == engine::window_symbol(product(), first_);
    spot_listed |= symbol == "cpu.pool-a.spot";
  }
  EXPECT_GE(scheduled, 9) << r.out;
  EXPECT_TRUE(first_listed) << engine::window_symbol(product(), first_) << ": " << r.out;
  EXPECT_TRUE(spot_listed) << r.out;
}

TEST_F(CliWindowTest, OrderBlockBuysConsecutiveWindows) {
  const CliRun r = cli("order block --resource cpu --pool pool-a --start " +
                       iso(engine::window_start_ns(product(), first_)) +
                       " --windows 2 --qtys 2,3 --limit-total 5000");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(count_of(r.out, "filled"), 2) << r.out;
  EXPECT_NE(r.out.find("buy 3 @ 1000 leaves=0 host=1"), std::string::npos) << r.out;
}

TEST_F(CliWindowTest, BadStartsSayWhy) {
  CliRun r = cli("order block --resource cpu --pool pool-a --start " +
                 std::to_string(engine::window_start_ns(product(), first_) + kSecond) +
                 " --qty 1 --limit-total 5000");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("reason=invalid_window"), std::string::npos) << r.out;
  r = cli("order block --resource cpu --pool pool-a --start tomorrow --qty 1 --limit-total 5000");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("--start 'tomorrow'"), std::string::npos) << r.out;
  r = cli("order block --resource gpu --pool pool-a --start " +
          iso(engine::window_start_ns(product(), first_)) + " --qty 1 --limit-total 5000");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("reason=unknown_product"), std::string::npos) << r.out;
}

TEST_F(CliWindowTest, OrderChangeBuysMoreThenSellsBackAndResellSaysWhatIsNotHeld) {
  const std::string start = " --start " + iso(engine::window_start_ns(product(), first_));
  CliRun r = cli("order change --resource cpu --pool pool-a" + start +
                 " --windows 2 --delta=+2 --unit-price 1000");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(count_of(r.out, "filled"), 2) << r.out;
  r = cli("order change --resource cpu --pool pool-a" + start +
          " --windows 2 --delta=+50% --unit-price 1000");  // 1 more of the 2 held in each
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(count_of(r.out, "filled"), 2) << r.out;
  r = cli("order change --resource cpu --pool pool-a" + start +
          " --windows 2 --delta=-1 --unit-price 1500 --host 1 --tif gtc");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("accepted"), std::string::npos) << r.out;
  r = cli("order change --resource cpu --pool pool-a" + start +
          " --windows 2 --delta=-5 --unit-price 1500 --host 1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("reason=insufficient_holding"), std::string::npos) << r.out;
  // Two units per window are still held and not offered: resell them on their own.
  const std::string first_book = std::to_string(100 + engine::book_of(product(), first_));
  r = cli("order resell --instrument " + first_book + " --host 1 --qty 3 --price 1400");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("reason=insufficient_holding"), std::string::npos) << r.out;
  r = cli("order resell --instrument " + first_book + " --host 1 --qty 2 --price 1400");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = cli("order change --resource cpu --pool pool-a" + start + " --delta=two --unit-price 1");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("--delta 'two'"), std::string::npos) << r.out;
  r = cli("order change --resource cpu --pool pool-a" + start + " --delta=-120% --unit-price 1");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("--delta '-120%'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace swarmex::e2e
