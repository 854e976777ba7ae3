// A host controller selling a product's delivery windows by itself: swarmexd with 3 s windows and
// swarmex-hostctl with one product supply line (10 VRU at 500) on a dry-run cgroup directory. Its
// asks rest on every listed window, a tenant buys from one, that window then offers 7 while the
// next still offers 10, and the bought window is enacted when it starts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.hpp"
#include "e2e_fixture.hpp"
#include "swarmex/hostctl/host_state.hpp"

namespace swarmex::e2e {
namespace {

namespace fs = std::filesystem;

class WindowSupplyE2eTest : public E2eTest {
 protected:
  void SetUp() override { start_server("", "sync", 2, windows().toml); }
  void TearDown() override {
    if (hostctl_) {
      hostctl_->stop();
      if (HasFailure()) std::printf("--- hostctl output ---\n%s\n", hostctl_->output().c_str());
    }
    E2eTest::TearDown();
  }
  // 3 s windows listed 12 s ahead (four or five trading at once), gate closure 1 s.
  static const TestProduct& windows() {
    static const TestProduct p = cpu_product(3, 12, 1);
    return p;
  }
  static std::uint32_t book(std::int64_t window) {
    return 100 + engine::book_of(windows().product, window);
  }
  static std::int64_t start_of(std::int64_t window) {
    return engine::window_start_ns(windows().product, window);
  }

  // host-a1 with 10 VRU, selling product 100's windows at 500; cgroups go to a directory laid out
  // like a v2 mount.
  void start_hostctl() {
    cgroupfs_ = dir_.path() / "cgroupfs";
    fs::create_directories(cgroupfs_);
    std::ofstream(cgroupfs_ / "cgroup.controllers") << "cpuset cpu io memory pids\n";
    std::ofstream(cgroupfs_ / "cgroup.subtree_control") << "\n";
    const std::string cfg = dir_.str() + "/host-a1.toml";
    std::ofstream(cfg) << "[exchange]\naddress = \"127.0.0.1:" << server_->port()
                       << "\"\nprincipal = \"host-a1\"\ntoken = \"host-a1-token\"\n"
                       << "reconnect_ms = 50\n\n[host]\npool = \"pool-a\"\nstate_dir = \""
                       << state_dir() << "\"\ncgroup_root = \"" << cgroupfs_.string()
                       << "\"\ncgroup_driver = \"v2\"\nsubtree = \"swarmex\"\n"
                       << "window_refresh_ms = 200\ntelemetry_interval_ms = 0\n\n"
                       << "[capacity]\nvrus = 10\nmem_shards = 16\n\n"
                       << "[[supply]]\nproduct = 100\nresource = \"cpu\"\nreserve_price = 500\n";
    hostctl_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/hostctl.log");
    hostctl_->start({SWARMEX_HOSTCTL_BINARY, "--config", cfg});
    ASSERT_NE(hostctl_->wait_for("logged on", 0, 10000), std::string::npos) << hostctl_->output();
  }
  std::string state_dir() const { return dir_.str() + "/hostctl-state"; }

  // What rests on `instrument` at `price` on the sell side, as a tenant sees the book.
  std::int64_t asks_at(std::uint32_t instrument, std::int64_t price = 500) {
    auto md = tenant("tenant-c");
    md->client().subscribe_market_data({&instrument, 1}, 10);
    const wire::Message* snap = md->next(wire::Body::BookSnapshot);
    if (snap == nullptr || snap->body_as_BookSnapshot()->asks() == nullptr) return 0;
    for (const wire::Level* l : *snap->body_as_BookSnapshot()->asks())
      if (l->price() == price) return l->qty();
    return 0;
  }
  template <typename F>
  static bool eventually(F&& ok, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ok()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return ok();
  }
  // The window books product 100 trades now whose gate is more than `margin_ns` away.
  std::vector<std::uint32_t> open_books(std::int64_t margin_ns) {
    auto c = tenant("tenant-b");
    c->client().admin_list_instruments(7);
    const wire::Message* m = c->next(wire::Body::AdminAck);
    std::vector<std::uint32_t> out;
    if (m == nullptr || m->body_as_AdminAck()->instruments() == nullptr) return out;
    for (const wire::InstrumentInfo* i : *m->body_as_AdminAck()->instruments())
      if (i->scheduled() && i->id() >= 100 && i->id() < 105 &&
          i->gate_closure_ns() > realtime_ns() + margin_ns)
        out.push_back(i->id());
    return out;
  }
  std::string cpu_max(const std::string& tenant) {
    std::ifstream in(cgroupfs_ / "swarmex" / tenant / "cpu.max");
    std::string s;
    std::getline(in, s);
    return s;
  }

  fs::path cgroupfs_;
  std::unique_ptr<tools::ChildProcess> hostctl_;
};

TEST_F(WindowSupplyE2eTest, TheHostOffersEveryListedWindowAndSellsEachOnce) {
  start_hostctl();
  // Every window trading now (and not about to close) gets the host's 10 VRU at 500.
  const std::vector<std::uint32_t> listed = open_books(2 * kSecond);
  ASSERT_GE(listed.size(), 2u);
  for (const std::uint32_t b : listed)
    EXPECT_TRUE(eventually([&] { return asks_at(b) == 10; })) << "window book " << b;

  // A tenant buys 3 in a window that closes a few seconds from now.
  const std::int64_t w = (realtime_ns() + 5 * kSecond) / windows().product.length_ns + 1;
  ASSERT_TRUE(eventually([&] { return asks_at(book(w)) == 10 && asks_at(book(w + 1)) == 10; }));
  auto t = tenant("tenant-a");
  t->order(1, book(w), wire::Side::Buy, 500, 3, wire::TimeInForce::Ioc);
  std::int64_t filled = 0;
  for (auto r = t->report(); r; r = t->report()) {
    if (r->kind == wire::ExecKind::Filled) {
      filled += r->last_qty;
      EXPECT_EQ(r->host, 1u) << "sold by host-a1";
      EXPECT_EQ(r->last_price, 500);
    }
    if (r->kind == wire::ExecKind::Rejected || r->kind == wire::ExecKind::Cancelled ||
        r->leaves_qty == 0)
      break;
  }
  ASSERT_EQ(filled, 3);

  // That window now offers what is left of it; the next one is untouched.
  EXPECT_TRUE(eventually([&] { return asks_at(book(w)) == 7 && asks_at(book(w + 1)) == 10; }))
      << "window " << asks_at(book(w)) << ", next " << asks_at(book(w + 1));

  // The controller holds the sale as an allocation dated by the window.
  auto allocation = [&]() -> std::optional<hostctl::Allocation> {
    const hostctl::HostState st = hostctl::load_host_state(state_dir());
    for (const auto& [seq, a] : st.book.all())
      if (a.tenant == "tenant-a") return a;
    return std::nullopt;
  };
  ASSERT_TRUE(eventually([&] { return allocation().has_value(); }));
  EXPECT_EQ(allocation()->qty, 3);
  EXPECT_EQ(allocation()->resource, "cpu");
  EXPECT_EQ(allocation()->start_ns, start_of(w));
  EXPECT_EQ(allocation()->end_ns, start_of(w + 1));
  // Not enforced before its start (a read that finished before the start proves it).
  const std::string before = cpu_max("tenant-a");
  if (realtime_ns() < start_of(w)) {
    EXPECT_NE(before, "30000 100000");
  }

  // At its start the tenant's cgroup gets the 3 VRU.
  const auto until_start =
      std::chrono::nanoseconds(std::max<std::int64_t>(0, start_of(w) - realtime_ns()));
  EXPECT_TRUE(eventually([&] { return cpu_max("tenant-a") == "30000 100000"; },
                         std::chrono::duration_cast<std::chrono::milliseconds>(until_start) + 10s))
      << cpu_max("tenant-a");
  EXPECT_TRUE(eventually(
      [&] { return allocation() && allocation()->state == hostctl::AllocationState::Active; }));
}

}  // namespace
}  // namespace swarmex::e2e
