// Standby hosts over the wire: swarmexd, an active host on the raw protocol and a real
// swarmex-hostctl on standby (dry-run cgroup directory). The standby host's capacity is listed
// but not sold and a standby host's ask is refused host_standby; a tenant's buying lifts the pool
// over the activation threshold, the controller is activated (its on_activate command runs) and
// its asks sell; once the 4 s leases end and demand stays low, it is sent back to standby (its
// on_deactivate command runs) and its asks leave the book.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

namespace fs = std::filesystem;
using wire::ExecKind;
using wire::Side;

constexpr std::uint32_t kShortCpu = 5;  // cpu of pool-a, 4 s leases
constexpr std::uint32_t kActiveHost = 1;
constexpr std::uint32_t kStandbyHost = 2;

class StandbyE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server("", "sync", 2,
                 "[[instruments]]\nid = 5\nsymbol = \"cpu.pool-a.short\"\nresource = \"cpu\"\n"
                 "pool = \"pool-a\"\ntick = 100\nband_min = 100\nband_max = 10000000\n"
                 "lease_s = 4\n\n");
  }
  void TearDown() override {
    if (hostctl_) {
      hostctl_->stop();
      if (HasFailure()) std::printf("--- hostctl output ---\n%s\n", hostctl_->output().c_str());
    }
    E2eTest::TearDown();
  }

  // host-b1 on standby with 10 VRU of instrument 5 at 1000: activated at 70 %, back on standby
  // under 20 % for 2 s. Its commands touch files in the test's directory.
  void start_standby_hostctl() {
    const fs::path cgroupfs = dir_.path() / "cgroupfs";
    fs::create_directories(cgroupfs);
    std::ofstream(cgroupfs / "cgroup.controllers") << "cpuset cpu io memory pids\n";
    std::ofstream(cgroupfs / "cgroup.subtree_control") << "\n";
    const std::string cfg = dir_.str() + "/host-b1.toml";
    std::ofstream(cfg) << "[exchange]\naddress = \"127.0.0.1:" << server_->port()
                       << "\"\nprincipal = \"host-b1\"\ntoken = \"host-b1-token\"\n"
                       << "reconnect_ms = 50\n\n[host]\npool = \"pool-a\"\nstate_dir = \""
                       << dir_.str() << "/hostctl-state\"\ncgroup_root = \"" << cgroupfs.string()
                       << "\"\ncgroup_driver = \"v2\"\nsubtree = \"swarmex\"\n"
                       << "telemetry_interval_ms = 0\n\n"
                       << "[capacity]\nvrus = 10\nmem_shards = 16\n\n"
                       << "[standby]\nactivate_at = 0.7\ndeactivate_below = 0.2\n"
                       << "deactivate_after_ms = 2000\n"
                       << "on_activate = \"echo powering on; touch " << activated_file()
                       << "\"\non_deactivate = \"touch " << deactivated_file() << "\"\n\n"
                       << "[[supply]]\ninstrument = 5\nresource = \"cpu\"\nreserve_price = 1000\n";
    hostctl_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/hostctl.log");
    hostctl_->start({SWARMEX_HOSTCTL_BINARY, "--config", cfg});
    ASSERT_NE(hostctl_->wait_for("supply group cpu", 0, 10000), std::string::npos)
        << hostctl_->output();
  }
  std::string activated_file() const { return dir_.str() + "/activated"; }
  std::string deactivated_file() const { return dir_.str() + "/deactivated"; }

  // What rests on the sell side of `instrument`, all prices together.
  std::int64_t asks_on(std::uint32_t instrument) {
    auto md = tenant("tenant-c");
    md->client().subscribe_market_data({&instrument, 1}, 10);
    const wire::Message* snap = md->next(wire::Body::BookSnapshot);
    std::int64_t qty = 0;
    if (snap != nullptr && snap->body_as_BookSnapshot()->asks() != nullptr)
      for (const wire::Level* l : *snap->body_as_BookSnapshot()->asks())
        qty += l->qty();
    return qty;
  }
  CliRun cli(const std::string& args) {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) +
                       " --principal tenant-a --token tenant-a-token");
  }
  // pool-a's cpu entry of `swarmex catalog --json`.
  nlohmann::json cpu_entry() {
    std::istringstream in(cli("catalog --json --pool pool-a --resource cpu").out);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with("{")) {
        nlohmann::json e = nlohmann::json::parse(line);
        if (e.value("pool", "") == "pool-a" && e.value("resource", "") == "cpu") return e;
      }
    return nlohmann::json::object();
  }
  // host-b1's row in the cpu entry (null when not listed).
  static nlohmann::json standby_row(const nlohmann::json& entry) {
    if (entry.contains("hosts"))
      for (const auto& h : entry.at("hosts"))
        if (h.value("name", "") == "host-b1") return h;
    return nullptr;
  }
  template <typename F>
  static bool eventually(F&& ok, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ok()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return ok();
  }
  // Buys `qty` of `instrument` with IOC orders at up to 1000; returns the fills by host.
  std::map<std::uint32_t, std::int64_t> buy(Conn& t, std::uint32_t instrument, std::int64_t qty) {
    std::map<std::uint32_t, std::int64_t> by_host;
    t.order(next_id_++, instrument, Side::Buy, 1000, qty, wire::TimeInForce::Ioc);
    for (auto r = t.report(); r; r = t.report()) {
      if (r->kind == ExecKind::Filled) by_host[r->host] += r->last_qty;
      if (r->kind == ExecKind::Rejected || r->kind == ExecKind::Cancelled || r->leaves_qty == 0)
        break;
    }
    return by_host;
  }

  std::unique_ptr<tools::ChildProcess> hostctl_;
  std::uint64_t next_id_ = 1;
};

TEST_F(StandbyE2eTest, StandbyLogonTermsMustLeaveRoomForHysteresis) {
  auto c = connect();
  c->client().set_standby(client::StandbyTerms{500'000, 500'000, 1000});
  const auto r = c->logon("host-b1", wire::Role::Host);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.reason, RejectReason::InvalidParameter);
  EXPECT_NE(r.text.find("deactivate_ppm"), std::string::npos) << r.text;
  // Only hosts are on standby.
  auto t = connect();
  t->client().set_standby(client::StandbyTerms{500'000, 100'000, 1000});
  EXPECT_EQ(t->logon("tenant-a", wire::Role::Tenant).reason, RejectReason::InvalidParameter);
}

TEST_F(StandbyE2eTest, DemandActivatesTheStandbyHostAndItsEndSendsItBack) {
  // host-a1 sells 10 at 1000, always active.
  auto active = host("host-a1");
  active->client().declare_supply(kShortCpu, 10);
  ASSERT_EQ(active->report()->kind, ExecKind::Accepted);
  active->order(1, kShortCpu, Side::Sell, 1000, 10);
  ASSERT_EQ(active->report()->kind, ExecKind::Accepted);

  {  // A standby host on the raw protocol: its declaration is taken, its ask refused.
    auto raw = connect();
    raw->client().set_standby(client::StandbyTerms{700'000, 200'000, 1000});
    ASSERT_TRUE(raw->logon("host-b1", wire::Role::Host).ok());
    raw->client().declare_supply(kShortCpu, 10);
    ASSERT_EQ(raw->report()->kind, ExecKind::Accepted);
    raw->order(1, kShortCpu, Side::Sell, 1000, 5);
    EXPECT_EQ(raw->rejection(), RejectReason::HostStandby);
  }

  start_standby_hostctl();
  // Listed as standby with its 10 VRU, outside the declared capacity; its asks are absent.
  ASSERT_TRUE(eventually([&] {
    const nlohmann::json row = standby_row(cpu_entry());
    return row.is_object() && row.value("standby", false) && !row.value("active", true) &&
           row.value("capacity", 0) == 10;
  })) << cpu_entry();
  const nlohmann::json before = cpu_entry();
  EXPECT_EQ(before.at("declared"), 10) << before;
  EXPECT_EQ(asks_on(kShortCpu), 10);  // host-a1's only
  const CliRun text = cli("catalog --pool pool-a --resource cpu");
  EXPECT_NE(text.out.find("standby, not sold"), std::string::npos) << text.out;
  EXPECT_EQ(hostctl_->output().find("activated by the exchange"), std::string::npos);
  EXPECT_FALSE(fs::exists(activated_file()));

  // A tenant buys 8 of host-a1's 10: 80 % of the pool's active capacity, over 70 %.
  auto t = tenant("tenant-a");
  ASSERT_EQ((buy(*t, kShortCpu, 8)[kActiveHost]), 8);
  ASSERT_TRUE(eventually([&] { return fs::exists(activated_file()); })) << hostctl_->output();
  EXPECT_NE(hostctl_->output().find("on_activate says: powering on"), std::string::npos);
  // Its 10 join host-a1's last 2 on the book, and they sell.
  ASSERT_TRUE(eventually([&] { return asks_on(kShortCpu) == 12; })) << asks_on(kShortCpu);
  const nlohmann::json during = cpu_entry();
  EXPECT_EQ(during.at("declared"), 20) << during;
  EXPECT_TRUE(standby_row(during).value("active", false)) << during;
  const auto sold = buy(*t, kShortCpu, 12);
  EXPECT_EQ(sold.count(kActiveHost) ? sold.at(kActiveHost) : 0, 2);
  EXPECT_EQ(sold.count(kStandbyHost) ? sold.at(kStandbyHost) : 0, 10);

  // The leases end after 4 s, demand stays at 0: after 2 s more it is back on standby.
  ASSERT_TRUE(eventually([&] { return fs::exists(deactivated_file()); })) << hostctl_->output();
  EXPECT_NE(hostctl_->output().find("back on standby"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return asks_on(kShortCpu) == 0; })) << asks_on(kShortCpu);
  const nlohmann::json after = cpu_entry();
  EXPECT_EQ(after.at("declared"), 10) << after;
  EXPECT_FALSE(standby_row(after).value("active", true)) << after;
  // Nothing more sells from it: a new buy finds no ask.
  EXPECT_TRUE(buy(*t, kShortCpu, 1).empty());
}

}  // namespace
}  // namespace swarmex::e2e
