// The fill fan-out per host (docs/cluster.md): a real swarmexd leader on a real 3-node NATS cluster
// with [cluster] fill_fanout = true, and a real swarmex-hostctl (cgroups in a dry-run directory)
// that takes its fills from JetStream: every fill enacted once, across a SIGKILL of the controller
// mid-traffic too; a controller with fills = "session" is unchanged; a restarted leader publishes
// again the fills its journal holds that the stream lacks.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.hpp"
#include "cluster_node_process.hpp"
#include "nats_fixture.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/cluster/fill_stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/hostctl/host_state.hpp"

namespace swarmex::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ClusterFillFanoutTest : public NatsClusterTest {
 protected:
  void SetUp() override {
    NatsClusterTest::SetUp();
    if (IsSkipped()) return;
    name_ = unique("swx");
    start_leader("fill_fanout = true\n");
  }
  void TearDown() override {
    if (hostctl_) hostctl_->stop();
    if (HasFailure() && hostctl_) std::printf("--- hostctl ---\n%s\n", hostctl_->output().c_str());
    if (HasFailure() && leader_) std::printf("--- swarmexd ---\n%s\n", leader_->output().c_str());
    if (leader_) leader_->stop();
    NatsClusterTest::TearDown();
  }

  void start_leader(const std::string& cluster_extra) {
    const std::string d = dir_.str() + "/a";
    fs::create_directories(d);
    if (fs::exists(d + "/swarmexd.log"))  // a restart: its log starts afresh
      fs::rename(d + "/swarmexd.log", d + "/swarmexd.log." + std::to_string(++restarts_));
    leader_ = std::make_unique<ClusterNodeProcess>(d, "a", cluster_->urls(), name_, "replicated",
                                                   cluster_extra);
    leader_->start();
    port_ = leader_->wait_leader(30000);
    ASSERT_NE(port_, 0) << leader_->output();
  }

  // host-a1 (host 1) selling 20 VRU of instrument 1; cgroups go to a directory laid out like a v2
  // mount. `fills`: "session" or "jetstream".
  void start_hostctl(const std::string& fills) {
    const fs::path cgroupfs = dir_.path() / "cgroupfs";
    fs::create_directories(cgroupfs);
    std::ofstream(cgroupfs / "cgroup.controllers") << "cpuset cpu io memory pids\n";
    std::ofstream(cgroupfs / "cgroup.subtree_control") << "\n";
    std::string servers;
    for (const std::string& u : cluster::split_servers(cluster_->urls()))
      servers += (servers.empty() ? "\"" : ", \"") + u + "\"";
    const std::string cfg = dir_.str() + "/host-a1.toml";
    std::ofstream(cfg) << "[exchange]\naddress = \"127.0.0.1:" << port_
                       << "\"\nprincipal = \"host-a1\"\ntoken = \"host-a1-token\"\n"
                       << "reconnect_ms = 50\nfills = \"" << fills << "\"\nnats_servers = ["
                       << servers << "]\ncluster = \"" << name_ << "\"\n\n"
                       << "[host]\npool = \"pool-a\"\nstate_dir = \"" << state_dir()
                       << "\"\ncgroup_root = \"" << cgroupfs.string()
                       << "\"\ncgroup_driver = \"v2\"\nsubtree = \"swarmex\"\n"
                       << "telemetry_interval_ms = 0\n\n[capacity]\nvrus = 20\nmem_shards = 16\n\n"
                       << "[[supply]]\ninstrument = 1\nresource = \"cpu\"\nreserve_price = 1000\n";
    if (!hostctl_) hostctl_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/hostctl.log");
    const std::size_t from = hostctl_->output_size();
    hostctl_->start({SWARMEX_HOSTCTL_BINARY, "--config", cfg});
    ASSERT_NE(hostctl_->wait_for("logged on", from, 15000), std::string::npos)
        << hostctl_->output();
  }
  std::string state_dir() const { return dir_.str() + "/hostctl-state"; }
  hostctl::HostState state() const { return hostctl::load_host_state(state_dir()); }

  // tenant-a buys `count` single units of instrument 1 (IOC at 5000), each once filled; returns
  // how many filled.
  int buy(int count, std::chrono::milliseconds pause = 0ms) {
    client::Client c;
    c.connect("127.0.0.1", static_cast<std::uint16_t>(port_), 5s);
    if (!c.logon("tenant-a", "tenant-a-token", wire::Role::Tenant).ok()) return 0;
    int filled = 0;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (filled < count && std::chrono::steady_clock::now() < deadline) {
      client::OrderSpec o;
      o.client_order_id = next_id_++;
      o.instrument = 1;
      o.side = wire::Side::Buy;
      o.time_in_force = wire::TimeInForce::Ioc;
      o.price = 5000;
      o.qty = 1;
      c.new_order(o);
      bool got = false;
      for (;;) {
        const wire::Message* m = c.receive(5s);
        if (m == nullptr) break;
        if (m->body_type() != wire::Body::ExecutionReport) continue;
        const auto* r = m->body_as_ExecutionReport();
        if (r->kind() == wire::ExecKind::Filled) got = true;
        if (r->leaves_qty() == 0 || r->kind() == wire::ExecKind::Rejected) break;
      }
      if (got) {
        ++filled;
        std::this_thread::sleep_for(pause);
      } else {
        std::this_thread::sleep_for(50ms);  // the host's ask is still on its way
      }
    }
    return filled;
  }
  // host-a1 logged on by a session of the test's own, its ask of `qty` units at 1000 sent; the
  // session stays open (and the ask on the book) while the caller holds it.
  client::Client host_session_selling(std::int64_t qty) {
    client::Client h;
    h.connect("127.0.0.1", static_cast<std::uint16_t>(port_), 5s);
    if (!h.logon("host-a1", "host-a1-token", wire::Role::Host).ok()) {
      h.close();
      return h;
    }
    client::OrderSpec o;
    o.client_order_id = 1;
    o.instrument = 1;
    o.side = wire::Side::Sell;
    o.time_in_force = wire::TimeInForce::Gtc;
    o.price = 1000;
    o.qty = qty;
    h.new_order(o);
    return h;
  }
  template <typename F>
  static bool eventually(F&& ok, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ok()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return ok();
  }
  // The Swx-Seq of the newest message on host 1's subject (0: none).
  std::uint64_t fanned_out_tail() {
    const auto m = cluster::get_last_message(*js_, cluster::fill_stream_name(name_),
                                             cluster::fill_subject(name_, 1));
    return m ? std::stoull(m->header(cluster::kFillSeqHeader)) : 0;
  }
  // Every fill 1..n in the controller's book exactly once, each one unit for tenant-a.
  void expect_book_holds_fills_1_to(std::uint64_t n) {
    const hostctl::HostState st = state();
    EXPECT_EQ(st.last_seq, n);
    std::uint64_t expected = 1;
    for (const auto& [seq, a] : st.book.all()) {
      EXPECT_EQ(seq, expected) << "fills in the book, in order, none missing or twice";
      EXPECT_EQ(a.qty, 1);
      EXPECT_EQ(a.tenant, "tenant-a");
      ++expected;
    }
    EXPECT_EQ(expected, n + 1);
  }

  common::TempDir dir_;
  std::string name_;
  std::unique_ptr<ClusterNodeProcess> leader_;
  int port_ = 0;
  std::unique_ptr<tools::ChildProcess> hostctl_;
  std::uint64_t next_id_ = 1;
  int restarts_ = 0;
};

TEST_F(ClusterFillFanoutTest, FillsReachAJetStreamHostControllerAndAreEnactedOnce) {
  start_hostctl("jetstream");
  ASSERT_NE(hostctl_->output().find("from JetStream"), std::string::npos) << hostctl_->output();
  ASSERT_EQ(buy(8), 8);
  ASSERT_TRUE(eventually([&] { return state().last_seq == 8; })) << hostctl_->output();
  EXPECT_EQ(fanned_out_tail(), 8u) << "every fill is on the host's subject";
  expect_book_holds_fills_1_to(8);
  const std::size_t from = hostctl_->output_size();
  hostctl_->stop();
  ASSERT_NE(hostctl_->wait_for("stopping: 8 fills, 0 duplicates", from, 5000), std::string::npos)
      << hostctl_->output();
  EXPECT_EQ(hostctl_->output().find("gap"), std::string::npos) << hostctl_->output();
  // The leader's count (swarmex_fill_fanout_total): each fill published and stored once.
  leader_->stop();
  EXPECT_NE(leader_->output().find("fill fan-out: 8 published, 8 stored, 0 failed, 0 dropped"),
            std::string::npos)
      << leader_->output();
}

TEST_F(ClusterFillFanoutTest, AKilledControllerResumesAfterItsLastEnactedFill) {
  start_hostctl("jetstream");
  // Traffic on a thread while the controller is killed and restarted.
  std::atomic<int> filled{0};
  std::thread traffic([&] { filled = buy(12, 150ms); });
  ASSERT_TRUE(eventually([&] { return state().last_seq >= 4; })) << hostctl_->output();
  hostctl_->kill();
  const std::uint64_t saved = state().last_seq;
  std::this_thread::sleep_for(300ms);
  const std::size_t from = hostctl_->output_size();
  start_hostctl("jetstream");
  traffic.join();
  ASSERT_EQ(filled.load(), 12) << leader_->output();
  ASSERT_TRUE(eventually([&] { return state().last_seq == 12; })) << hostctl_->output();
  expect_book_holds_fills_1_to(12);
  // The restarted controller read on from its saved position: each later fill taken once.
  EXPECT_NE(hostctl_->wait_for("(after fill " + std::to_string(saved) + ")", from, 5000),
            std::string::npos)
      << hostctl_->output().substr(from);
  EXPECT_LT(saved, 12u) << "killed mid-traffic";
  const std::size_t stop_from = hostctl_->output_size();
  hostctl_->stop();
  ASSERT_NE(hostctl_->wait_for("stopping: " + std::to_string(12 - saved) + " fills, 0 duplicates",
                               stop_from, 5000),
            std::string::npos)
      << hostctl_->output().substr(from);
}

TEST_F(ClusterFillFanoutTest, AGapOnTheSubjectIsFilledFromTheSession) {
  start_hostctl("jetstream");
  ASSERT_EQ(buy(3), 3);
  ASSERT_TRUE(eventually([&] { return state().last_seq == 3; })) << hostctl_->output();
  hostctl_->stop();
  {  // Meanwhile the host sells by a session of the test's own: fills 4 and 5.
    client::Client h = host_session_selling(2);
    ASSERT_TRUE(h.is_open());
    ASSERT_EQ(buy(2), 2);
  }
  // Fill 4 never reached the subject (as when the fan-out fell behind): deleted from the stream.
  ASSERT_TRUE(eventually([&] { return fanned_out_tail() == 5; }));
  const auto tail = cluster::get_last_message(*js_, cluster::fill_stream_name(name_),
                                              cluster::fill_subject(name_, 1));
  ASSERT_TRUE(tail.has_value());
  ASSERT_EQ(tail->header(cluster::kFillSeqHeader), "5");
  const auto fourth = cluster::get_message(*js_, cluster::fill_stream_name(name_), tail->seq - 1);
  ASSERT_TRUE(fourth.has_value());
  ASSERT_EQ(fourth->header(cluster::kFillSeqHeader), "4");
  jsErrCode jerr = static_cast<jsErrCode>(0);
  ASSERT_EQ(js_DeleteMsg(js_->get(), cluster::fill_stream_name(name_).c_str(), fourth->seq, nullptr,
                         &jerr),
            NATS_OK);
  // The restarted controller sees fill 5 follow 4, which it never got: it says so and takes the
  // fills from its session from 4 on, each once.
  const std::size_t from = hostctl_->output_size();
  start_hostctl("jetstream");
  ASSERT_TRUE(eventually([&] { return state().last_seq == 5; })) << hostctl_->output();
  expect_book_holds_fills_1_to(5);
  EXPECT_NE(hostctl_->wait_for("fill stream gap", from, 5000), std::string::npos)
      << hostctl_->output().substr(from);
}

TEST_F(ClusterFillFanoutTest, ASessionControllerIsUnchanged) {
  start_hostctl("session");
  EXPECT_EQ(hostctl_->output().find("from JetStream"), std::string::npos) << hostctl_->output();
  ASSERT_EQ(buy(5), 5);
  ASSERT_TRUE(eventually([&] { return state().last_seq == 5; })) << hostctl_->output();
  expect_book_holds_fills_1_to(5);
  EXPECT_EQ(hostctl_->output().find("fills from"), std::string::npos) << "no JetStream reader";
}

TEST_F(ClusterFillFanoutTest, WithoutFanOutAJetStreamControllerUsesTheSession) {
  leader_->stop();
  leader_.reset();
  fs::remove_all(dir_.str() + "/a");  // a cluster that never fanned out: no fill stream
  name_ = "swx-off";                  // a cluster name of its own (64 characters at most)
  start_leader("");
  start_hostctl("jetstream");
  ASSERT_NE(hostctl_->wait_for("no fill stream", 0, 10000), std::string::npos)
      << hostctl_->output();
  ASSERT_EQ(buy(2), 2);
  ASSERT_TRUE(eventually([&] { return state().last_seq == 2; })) << hostctl_->output();
  expect_book_holds_fills_1_to(2);
}

TEST_F(ClusterFillFanoutTest, ARestartedLeaderPublishesTheFillsTheStreamLacks) {
  // A leader without the fan-out takes 4 fills (the stream never sees them) ...
  leader_->stop();
  leader_.reset();
  start_leader("");
  start_hostctl("session");
  ASSERT_EQ(buy(4), 4);
  ASSERT_TRUE(eventually([&] { return state().last_seq == 4; })) << hostctl_->output();
  hostctl_->stop();
  // ... restarted with it, it publishes them from its rebuilt fill streams before it trades.
  leader_->stop();
  leader_.reset();
  start_leader("fill_fanout = true\n");
  EXPECT_NE(leader_->output().find("(4 fills published again)"), std::string::npos)
      << leader_->output();
  EXPECT_EQ(fanned_out_tail(), 4u);
  // A JetStream controller whose state already holds them takes only what follows.
  start_hostctl("jetstream");
  ASSERT_EQ(buy(2), 2);
  ASSERT_TRUE(eventually([&] { return state().last_seq == 6; })) << hostctl_->output();
  expect_book_holds_fills_1_to(6);
}

TEST_F(ClusterFillFanoutTest, ANewLeaderPublishesTheFillsTheOldOneDidNotFanOut) {
  // Leader a fans nothing out (as if it died before its publishes were stored); b is its standby.
  leader_->stop();
  leader_.reset();
  start_leader("");
  fs::create_directories(dir_.str() + "/b");
  auto b = std::make_unique<ClusterNodeProcess>(dir_.str() + "/b", "b", cluster_->urls(), name_,
                                                "replicated", "fill_fanout = true\n");
  b->start();
  ASSERT_TRUE(b->wait_standby(30000)) << b->output();
  {  // The host sells by a session of the test's own: 3 fills, acknowledged by a.
    client::Client h = host_session_selling(3);
    ASSERT_TRUE(h.is_open());
    ASSERT_EQ(buy(3), 3);
  }
  EXPECT_EQ(fanned_out_tail(), 0u);
  leader_->kill();
  leader_ = std::move(b);
  port_ = leader_->wait_leader(30000);
  ASSERT_NE(port_, 0) << leader_->output();
  EXPECT_NE(leader_->output().find("(3 fills published again)"), std::string::npos)
      << leader_->output();
  EXPECT_EQ(fanned_out_tail(), 3u);
  // A JetStream controller that never saw them takes all three from the stream, once each.
  start_hostctl("jetstream");
  ASSERT_TRUE(eventually([&] { return state().last_seq == 3; })) << hostctl_->output();
  expect_book_holds_fills_1_to(3);
  EXPECT_EQ(hostctl_->output().find("gap"), std::string::npos) << hostctl_->output();
}

}  // namespace
}  // namespace swarmex::testing
