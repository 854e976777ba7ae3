// The capacity catalog and a tenant's own view (orders, holdings) over the real protocol and
// CLI: numbers follow trades, filters narrow, a tenant sees only its own, and the answers are
// the same after swarmexd restarts on its journal (replay, and a snapshot).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "e2e_fixture.hpp"
#include "json_output.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

constexpr std::int64_t kHour = 3600 * kSecond;

class CatalogTest : public E2eTest {
 protected:
  void SetUp() override {
    // Hourly cpu windows of pool-a (books from id 100), listed a day ahead.
    product_ = cpu_product(3600, 86400, 300);
    start_with_snapshots(0);
  }
  void start_with_snapshots(int interval) {
    std::string config = testing::test_config("", "sync", 2, product_.toml);
    const std::string seg = "segment_bytes = 1048576\n";
    config.replace(config.find(seg), seg.size(),
                   seg + "snapshot_interval = " + std::to_string(interval) + "\n");
    server_ = std::make_unique<testing::ServerProcess>(SWARMEX_SERVER_BINARY, dir_.str(), config);
    server_->start();
  }
  std::unique_ptr<Conn> logon(const std::string& name, wire::Role role) {
    auto c = connect();
    auto r = c->client().logon(name, name + "-token", role, 0, false, 5s,
                               /*keep_orders=*/role == wire::Role::Host);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }
  CliRun cli(const std::string& args, const std::string& who = "tenant-a") {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " +
                       who + " --token " + who + "-token");
  }
  // Every --json line of a CLI run.
  static std::vector<nlohmann::json> json_lines(const std::string& out) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with("{")) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }
  nlohmann::json entry(const std::string& pool, const std::string& resource) {
    for (const auto& e : json_lines(cli("catalog --json").out))
      if (e.at("pool") == pool && e.at("resource") == resource) return e;
    ADD_FAILURE() << "no catalog entry " << pool << " " << resource;
    return nlohmann::json::object();
  }
  // The window one hour from now, and its book.
  std::int64_t window() const { return (realtime_ns() + 2 * kHour) / product_.product.length_ns; }
  std::uint32_t book() const { return 100 + engine::book_of(product_.product, window()); }

  // host-a1 declares 100 cpu, sells spot (4 bought, 6 left at 1000) and 3 of a window; tenant-a
  // has a bid resting at 900 and a window bid at 500.
  void trade() {
    auto h = logon("host-a1", wire::Role::Host);
    h->client().declare_supply(1, 100);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
    h->order(1, 1, Side::Sell, 1000, 10);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
    h->order(2, book(), Side::Sell, 2000, 5);
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
    auto t = logon("tenant-a", wire::Role::Tenant);
    t->order(1, 1, Side::Buy, 900, 2);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    t->order(2, 1, Side::Buy, 1000, 4, wire::TimeInForce::Ioc);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    ASSERT_EQ(t->report()->kind, ExecKind::Filled);
    t->order(3, book(), Side::Buy, 2000, 3, wire::TimeInForce::Ioc);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    ASSERT_EQ(t->report()->kind, ExecKind::Filled);
    t->order(4, book(), Side::Buy, 500, 1);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  }
  void expect_traded_catalog() {
    const nlohmann::json cpu = entry("pool-a", "cpu");
    EXPECT_EQ(cpu.at("declared"), 100) << cpu;
    EXPECT_EQ(cpu.at("sold_now"), 4) << cpu;  // the window starts later
    EXPECT_EQ(cpu.at("utilisation_ppm"), 40000) << cpu;
    EXPECT_EQ(cpu.at("best_bid"), 900) << cpu;
    EXPECT_EQ(cpu.at("best_ask"), 1000) << cpu;
    ASSERT_EQ(cpu.at("hosts").size(), 1u) << cpu;
    EXPECT_EQ(cpu.at("hosts")[0].at("name"), "host-a1");
    EXPECT_EQ(cpu.at("hosts")[0].at("capacity"), 100);
    EXPECT_TRUE(cpu.at("hosts")[0].at("active").get<bool>());
    EXPECT_FALSE(cpu.at("hosts")[0].at("standby").get<bool>());
    EXPECT_TRUE(cpu.at("curve").empty());
    bool window_listed = false;
    for (const auto& w : cpu.at("windows"))
      if (w.at("instrument") == book()) {
        window_listed = true;
        EXPECT_EQ(w.at("sold"), 3) << w;
        EXPECT_EQ(w.at("best_bid"), 500) << w;
        EXPECT_EQ(w.at("best_ask"), 2000) << w;
        EXPECT_EQ(w.at("window_start_ns"), engine::window_start_ns(product_.product, window()));
      }
    EXPECT_TRUE(window_listed) << cpu;
  }
  // `spot_leases`: false after a restart from a snapshot, which holds no tenant's spot leases.
  void expect_own_view(bool spot_leases = true) {
    // tenant-a: its two resting bids, the spot lease and the window it holds.
    const auto orders = json_lines(cli("orders --json").out);
    ASSERT_EQ(orders.size(), 2u) << cli("orders").out;
    EXPECT_EQ(orders[0].at("client_order_id"), 1);
    EXPECT_EQ(orders[0].at("remaining_qty"), 2);
    EXPECT_EQ(orders[0].at("price"), 900);
    EXPECT_EQ(orders[0].at("symbol"), "cpu.pool-a.spot");
    EXPECT_EQ(orders[1].at("client_order_id"), 4);
    const auto holdings = json_lines(cli("holdings --json").out);
    ASSERT_EQ(holdings.size(), spot_leases ? 2u : 1u) << cli("holdings").out;
    EXPECT_EQ(holdings[0].at("instrument"), book());
    EXPECT_EQ(holdings[0].at("qty"), 3);
    EXPECT_EQ(holdings[0].at("host_name"), "host-a1");
    EXPECT_FALSE(holdings[0].at("spot").get<bool>());
    if (spot_leases) {
      EXPECT_EQ(holdings[1].at("qty"), 4);
      EXPECT_TRUE(holdings[1].at("spot").get<bool>());
    }
    // host-a1 sees its resting asks (and keeps them when the CLI leaves).
    const auto asks = json_lines(cli("orders --json --role host --keep-orders", "host-a1").out);
    ASSERT_EQ(asks.size(), 2u);
    EXPECT_EQ(asks[0].at("remaining_qty"), 6);
    EXPECT_EQ(asks[1].at("remaining_qty"), 2);
  }

  TestProduct product_;
};

TEST_F(CatalogTest, NumbersFollowTradesAndFiltersNarrow) {
  const nlohmann::json before = entry("pool-a", "cpu");
  EXPECT_EQ(before.at("declared"), 0);
  EXPECT_EQ(before.at("sold_now"), 0);
  EXPECT_EQ(before.at("utilisation_ppm"), 0);
  EXPECT_EQ(before.at("last_price"), 0);
  trade();
  expect_traded_catalog();
  EXPECT_EQ(entry("pool-a", "cpu").at("last_price"), 1000);
  const auto mem = json_lines(cli("catalog --json --pool pool-a --resource mem").out);
  ASSERT_EQ(mem.size(), 1u);
  EXPECT_EQ(mem[0].at("resource"), "mem");
  EXPECT_EQ(json_lines(cli("catalog --json --pool nowhere").out).size(), 0u);
  const CliRun text = cli("catalog --resource cpu");
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("host host-a1"), std::string::npos) << text.out;
  // Public information: a host may read it too.
  EXPECT_EQ(cli("catalog --json --role host", "host-a1").exit_code, 0);
}

TEST_F(CatalogTest, TenantSeesOnlyItsOwnAndOperatorsNameOne) {
  trade();
  expect_own_view();
  // The attacker: tenant-b sees nothing of tenant-a's, and may not name it.
  EXPECT_EQ(json_lines(cli("orders --json", "tenant-b").out).size(), 0u);
  EXPECT_EQ(json_lines(cli("holdings --json", "tenant-b").out).size(), 0u);
  for (const char* what : {"orders", "holdings"}) {
    const CliRun r = cli(std::string(what) + " --tenant tenant-a", "tenant-b");
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find("wrong_role"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("only operators name another principal"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("cpu.pool-a"), std::string::npos) << r.out;
  }
  // Over the protocol too: the refusal carries the reason and no orders.
  auto b = logon("tenant-b", wire::Role::Tenant);
  b->client().orders(7, "tenant-a");
  const wire::Message* m = b->next(wire::Body::OrderList);
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->body_as_OrderList()->ok());
  EXPECT_EQ(m->body_as_OrderList()->reason(), wire::RejectReason::WrongRole);
  EXPECT_EQ(m->body_as_OrderList()->orders(), nullptr);
  // The operator names tenant-a and sees what tenant-a sees.
  const auto seen =
      json_lines(cli("orders --json --role operator --tenant tenant-a", "operator").out);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].at("principal"), "tenant-a");
  const auto held =
      json_lines(cli("holdings --json --role operator --tenant tenant-a", "operator").out);
  EXPECT_EQ(held.size(), 2u);
  const CliRun unknown = cli("orders --role operator --tenant nobody", "operator");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out;
  EXPECT_NE(unknown.out.find("no tenant or host named 'nobody'"), std::string::npos);
}

TEST_F(CatalogTest, AnswersSurviveRestartsOnTheJournal) {
  trade();
  // Journal replay.
  server_->kill();
  server_->start();
  expect_traded_catalog();
  EXPECT_EQ(entry("pool-a", "cpu").at("last_price"), 1000);
  expect_own_view();
  // A snapshot, then a restart that starts from it (no fills before it replay).
  auto op = logon("operator", wire::Role::Operator);
  op->client().admin_take_snapshot(1);
  const wire::Message* ack = op->next(wire::Body::AdminAck);
  ASSERT_TRUE(ack && ack->body_as_AdminAck()->ok());
  // Each partition snapshots after its next command.
  auto c = logon("tenant-c", wire::Role::Tenant);
  c->client().mass_cancel();
  const auto snapshots = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(server_->journal_dir()))
      n += e.path().filename().string().starts_with("snapshot-") &&
           !e.path().filename().string().ends_with(".tmp");  // written, not being written
    return n;
  };
  for (int i = 0; i < 500 && snapshots() < 2; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_GE(snapshots(), 2);
  c.reset();
  op.reset();
  server_->kill();
  server_->start();
  ASSERT_NE(server_->output().find("loaded snapshot"), std::string::npos) << server_->output();
  expect_traded_catalog();
  expect_own_view(/*spot_leases=*/false);
}

// etc/swarmex.toml as shipped (its journal moved to a temp dir): every configured pool and
// resource is in the catalog with its utilisation.
TEST(CatalogConfigTest, ShippedConfigListsEveryPool) {
  std::ifstream in(SWARMEX_ETC_CONFIG);
  ASSERT_TRUE(in) << SWARMEX_ETC_CONFIG;
  std::stringstream config;
  config << in.rdbuf();
  common::TempDir dir;
  testing::ServerProcess server(SWARMEX_SERVER_BINARY, dir.str(), config.str());
  server.start();
  const CliRun r =
      run_command(std::string(SWARMEX_CLI) + " catalog --json --server 127.0.0.1:" +
                  std::to_string(server.port()) + " --principal tenant-a --token tenant-a-token");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::set<std::pair<std::string, std::string>> seen;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("{")) continue;
    const auto e = nlohmann::json::parse(line);
    EXPECT_TRUE(e.contains("utilisation_ppm")) << line;
    EXPECT_EQ(e.at("utilisation_ppm"), 0) << line;  // nothing declared yet
    seen.emplace(e.at("pool"), e.at("resource"));
  }
  const std::set<std::pair<std::string, std::string>> configured{
      {"pool-a", "cpu"}, {"pool-a", "mem"}, {"pool-a", "mig.1g.10gb"}, {"pool-b", "cpu"}};
  EXPECT_EQ(seen, configured) << r.out;
  server.stop();
}

}  // namespace
}  // namespace swarmex::e2e
