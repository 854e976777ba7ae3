// Pre-staging on the real kernel: a window bought ahead has its tenant's cgroup (limits closed)
// and its simulated MIG instance made before the start, so the start creates nothing; a staged
// window resold before its start is torn down, and a restart recognises what was staged.

#include "hostctl_e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

// 4 s windows listed 16 s ahead with a 2 s gate closure: cpu on books 100…104, MIG 1g.10gb on
// books 110…114.
const TestProduct& windows() {
  static const TestProduct p = cpu_product(4, 16, 2);
  return p;
}
std::string mig_product_toml() {
  std::string t = windows().toml;
  t.replace(t.find("id = 100"), 8, "id = 110");
  t.replace(t.find("resource = \"cpu\""), 16, "resource = \"mig.1g.10gb\"");
  return t;
}
std::uint32_t cpu_book(std::int64_t w) {
  return 100 + engine::book_of(windows().product, w);
}
std::uint32_t mig_book(std::int64_t w) {
  return 110 + engine::book_of(windows().product, w);
}
std::int64_t window_after(std::int64_t lead_ns) {
  return (realtime_ns() + lead_ns) / windows().product.length_ns + 1;
}
std::int64_t start_of(std::int64_t w) {
  return engine::window_start_ns(windows().product, w);
}
void sleep_until_wall(std::int64_t ns) {
  const std::int64_t left = ns - realtime_ns();
  if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
}

class PrestageE2eTest : public HostctlE2eTest {
 protected:
  void SetUp() override {
    more_instruments_ = windows().toml + mig_product_toml();
    HostctlE2eTest::SetUp();
  }
  // host-a1 offers `qty` on a window book (the controller offers only spot).
  void offer(std::uint32_t book, std::int64_t qty) {
    if (!host_) host_ = host("host-a1");
    host_->order(next_id_++, book, wire::Side::Sell, 1000, qty);
  }
  std::string cpu_quota_file(const std::string& tenant) {
    return read_file(tenant_file(
        tenant, "cpu", layout_.version == CgroupVersion::V1 ? "cpu.cfs_quota_us" : "cpu.max"));
  }
  std::string memory_limit(const std::string& tenant) {
    return read_file(
        tenant_file(tenant, "memory",
                    layout_.version == CgroupVersion::V1 ? "memory.limit_in_bytes" : "memory.max"));
  }
  // The "window start" lines of the controller: (pre-staged or cold, microseconds).
  std::vector<std::pair<std::string, long>> starts() {
    std::vector<std::pair<std::string, long>> out;
    const std::string log = hostctl_->output();
    // "... enforced <us> us after its start (<kind>)"; no std::regex: GCC 12 warns inside it.
    const std::string head = "enforced ", tail = " us after its start (";
    for (size_t at = log.find(head); at != std::string::npos; at = log.find(head, at + 1)) {
      const size_t digits = at + head.size();
      const size_t us_end = log.find_first_not_of("0123456789", digits);
      if (us_end == digits || us_end == std::string::npos || log.compare(us_end, tail.size(), tail))
        continue;
      const size_t kind = us_end + tail.size();
      const size_t close = log.find(')', kind);
      if (close == std::string::npos) continue;
      out.emplace_back(log.substr(kind, close - kind),
                       std::stol(log.substr(digits, us_end - digits)));
    }
    return out;
  }
  std::unique_ptr<Conn> host_;
};

TEST_F(PrestageE2eTest, AStagedWindowStartsWithoutCreatingAnything) {
  host_extra_ = "prestage_lead_ms = 2000\n";  // = the products' gate closure
  start_hostctl(20, kSimulatedGpu);
  const std::int64_t w = window_after(6 * kSecond);
  const std::int64_t start = start_of(w);
  offer(cpu_book(w), 3);
  offer(mig_book(w), 1);
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, cpu_book(w), 3), 3);
  ASSERT_EQ(buy(*tenant, mig_book(w), 1), 1);
  auto pending_mig = [&]() -> std::vector<hostctl::MigInstanceRecord> {
    const auto st = state();
    for (const auto& [seq, a] : st.book.all())
      if (a.resource == "mig.1g.10gb" && a.state == hostctl::AllocationState::Pending) return a.mig;
    return {};
  };
  ASSERT_TRUE(eventually([&] { return pending_mig().size() == 1; }));
  ASSERT_LT(realtime_ns(), start - 2 * kSecond) << "the test was too slow to see the window ahead";
  EXPECT_FALSE(pending_mig()[0].created()) << "nothing is made before the gate closes";
  EXPECT_FALSE(fs::exists(hostctl::tenant_dir(layout_, "cpu", "tenant-a")));

  // After the gate closure, before the start: everything is made, nothing granted.
  ASSERT_TRUE(eventually([&] { return !pending_mig().empty() && pending_mig()[0].created(); },
                         std::chrono::milliseconds((start - realtime_ns()) / 1'000'000)))
      << "the MIG instance is made ahead\n"
      << hostctl_->output();
  ASSERT_LT(realtime_ns(), start) << "staged only at the start";
  EXPECT_TRUE(fs::exists(tenant_file("tenant-a", "cpu", "cgroup.procs")));
  // The cgroup's files appear with mkdir; the closed limits are written just after.
  EXPECT_TRUE(eventually([&] { return cpu_quota_file("tenant-a").substr(0, 4) == "1000"; }))
      << "closed: the minimum quota";
  EXPECT_TRUE(eventually([&] { return memory_limit("tenant-a") == "0"; }))
      << "closed: no memory before the start";
  EXPECT_EQ(count_of(hostctl_->output(), "pre-staged fill"), 2);

  // At the start only the limits are written: no instance is created then.
  sleep_until_wall(start);
  ASSERT_TRUE(eventually([&] { return quota_cpus("tenant-a") == 0.3; }));
  ASSERT_TRUE(eventually([&] { return starts().size() == 2; })) << hostctl_->output();
  for (const auto& [kind, us] : starts()) {
    std::printf("window start -> enforced: %ld us (%s)\n", us, kind.c_str());
    EXPECT_EQ(kind, "pre-staged");
    // A cold MIG start takes the simulated 500 ms of instance creation.
    EXPECT_LT(us, 300'000) << "window start -> enforced";
  }
  // The simulated device records the instance as active just after the start is logged.
  EXPECT_TRUE(eventually([&] { return pending_mig().empty(); })) << "the MIG window is active";
  hostctl_->stop();
  EXPECT_NE(hostctl_->output().find("window start->enforced: 2 pre-staged"), std::string::npos)
      << hostctl_->output();
}

// Staged ahead of the gate closure (a lead longer than it), tenant-b resells its whole window to
// tenant-c: tenant-b's staged cgroup goes, tenant-c's is staged, survives a restart of the
// controller and starts pre-staged.
TEST_F(PrestageE2eTest, AResoldStagedWindowIsTornDownAndARestartKeepsTheStaging) {
  host_extra_ = "prestage_lead_ms = 20000\n";
  start_hostctl();
  const std::int64_t w = window_after(7 * kSecond);
  const std::int64_t start = start_of(w);
  offer(cpu_book(w), 2);
  auto b = this->tenant("tenant-b");
  ASSERT_EQ(buy(*b, cpu_book(w), 2), 2);
  ASSERT_TRUE(eventually([&] {
    return fs::exists(tenant_file("tenant-b", "cpu", "cgroup.procs"));
  })) << "staged at once: the window starts within the lead\n"
      << hostctl_->output();
  EXPECT_TRUE(eventually([&] { return cpu_quota_file("tenant-b").substr(0, 4) == "1000"; }))
      << "closed: the minimum quota, written just after the mkdir";

  client::OrderSpec o;
  o.client_order_id = next_id_++;
  o.instrument = cpu_book(w);
  o.side = wire::Side::Sell;
  o.price = 1200;
  o.qty = 2;
  o.resale_host = 1;  // host-a1
  b->client().new_order(o);
  auto c = this->tenant("tenant-c");
  ASSERT_EQ(buy(*c, cpu_book(w), 2), 2);
  EXPECT_TRUE(
      eventually([&] { return !fs::exists(hostctl::tenant_dir(layout_, "cpu", "tenant-b")); }, 3s))
      << "tenant-b holds no window here any more\n"
      << hostctl_->output();
  ASSERT_TRUE(
      eventually([&] { return fs::exists(tenant_file("tenant-c", "cpu", "cgroup.procs")); }));
  EXPECT_NE(hostctl_->output().find("staged cgroup removed"), std::string::npos);

  hostctl_->stop();
  ASSERT_TRUE(fs::exists(hostctl::tenant_dir(layout_, "cpu", "tenant-c")));
  start_hostctl();
  ASSERT_LT(realtime_ns(), start) << "the test was too slow";
  EXPECT_TRUE(fs::exists(tenant_file("tenant-c", "cpu", "cgroup.procs")))
      << "a restart recognises the staged cgroup";
  EXPECT_EQ(cpu_quota_file("tenant-c").substr(0, 4), "1000");
  sleep_until_wall(start);
  ASSERT_TRUE(eventually([&] { return quota_cpus("tenant-c") == 0.2; }));
  ASSERT_TRUE(eventually([&] { return !starts().empty(); })) << hostctl_->output();
  EXPECT_EQ(starts().back().first, "pre-staged");
}

}  // namespace
}  // namespace swarmex::e2e
