// swarmexd + swarmex-hostctl + tenants over loopback, enacting on the real kernel's cgroups.
// Runs as root with a writable cgroup mount (v1 or v2 with cpu and memory); otherwise every test
// is reported as skipped with the reason.
#include "hostctl_e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

TEST_F(HostctlE2eTest, TenantCpuShareFollowsWhatItBought) {
  start_hostctl();
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 1, 5), 5);
  ASSERT_TRUE(enforced_cpus("tenant-a", 0.5)) << "5 VRUs must be a quota of exactly 0.5 CPU";

  // Two busy loops could use 2 CPUs; the cgroup holds them to what was bought.
  start_workers("tenant-a", 2);
  std::this_thread::sleep_for(300ms);
  const double half = measured_cpus("tenant-a", 3s);
  EXPECT_NEAR(half, 0.5, 0.05) << "measured over 3 s from the cgroup's usage counter";

  ASSERT_EQ(buy(*tenant, 1, 5), 5);
  ASSERT_TRUE(eventually([&] { return quota_cpus("tenant-a") == 1.0; }));
  std::this_thread::sleep_for(300ms);
  const double one = measured_cpus("tenant-a", 3s);
  // Half of a 2-core machine: whatever else runs shares the other half, hence a wider margin.
  EXPECT_NEAR(one, 1.0, 0.15);
  std::printf("tenant-a used %.3f CPU with 5 VRUs, %.3f CPU with 10 VRUs\n", half, one);

  ASSERT_EQ(buy(*tenant, 2, 4), 4);
  const fs::path mem = layout_.version == CgroupVersion::V1
                           ? tenant_file("tenant-a", "memory", "memory.limit_in_bytes")
                           : tenant_file("tenant-a", "memory", "memory.max");
  EXPECT_TRUE(eventually([&] { return read_file(mem) == "1073741824"; }))
      << "4 memory shards must be a 1 GiB limit, got " << read_file(mem);

  // Window end: tenant-b's 2-second lease is reclaimed and its cgroup goes; tenant-a keeps its.
  auto b = this->tenant("tenant-b");
  ASSERT_EQ(buy(*b, 5, 3), 3);
  ASSERT_TRUE(eventually([&] {
    return fs::exists(tenant_file("tenant-b", "cpu", "cgroup.procs")) &&
           quota_cpus("tenant-b") == 0.3;
  }));
  EXPECT_TRUE(
      eventually([&] { return !fs::exists(hostctl::tenant_dir(layout_, "cpu", "tenant-b")); }, 6s))
      << "tenant-b's cgroup must be removed when its lease ends";
  EXPECT_EQ(quota_cpus("tenant-a"), 1.0);
  for (auto& w : workers_)
    EXPECT_TRUE(w->running()) << "tenant-a's workload must keep running";
  // The state file is saved right after the cgroup is removed: wait for it, not only the cgroup.
  auto ended = [&] {
    int n = 0;
    const auto s = state();
    for (const auto& [seq, a] : s.book.all())
      n += a.state == hostctl::AllocationState::Ended;
    return n;
  };
  EXPECT_TRUE(eventually([&] { return ended() == 1; })) << ended() << " allocations ended";
}

TEST_F(HostctlE2eTest, FillsAreEnactedExactlyOnceAcrossCrashesAndRestarts) {
  start_hostctl(1000);
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 1, 1), 1);  // the asks rest
  // A burst of 300 single-VRU fills, and the controller is killed in the middle of it.
  for (int i = 0; i < 300; ++i)
    tenant->order(next_id_++, 1, wire::Side::Buy, 5000, 1, wire::TimeInForce::Ioc);
  std::this_thread::sleep_for(5ms);
  hostctl_->kill();
  std::int64_t bought = 1;
  for (int seen = 0; seen < 300;) {
    auto r = tenant->report();
    ASSERT_TRUE(r) << "missing reports";
    if (r->kind == wire::ExecKind::Filled) bought += r->last_qty;
    if (r->kind == wire::ExecKind::Filled || r->kind == wire::ExecKind::Cancelled) ++seen;
  }
  // Its asks went with it (cancel-on-disconnect): nothing more sells. Commands from sessions on
  // different I/O threads are not sequenced in arrival order, so first wait until the book
  // shows the cancel (else a buy could still meet the ask).
  {
    auto md = this->tenant("tenant-b");
    const std::uint32_t cpu = 1;
    md->client().subscribe_market_data({&cpu, 1}, 1);
    const wire::Message* snap = md->next(wire::Body::BookSnapshot);
    ASSERT_NE(snap, nullptr);
    bool asks = snap->body_as_BookSnapshot()->asks() != nullptr &&
                snap->body_as_BookSnapshot()->asks()->size() > 0;
    while (asks) {
      const wire::Message* up = md->next(wire::Body::BookUpdate);
      ASSERT_NE(up, nullptr) << "the host's asks were never cancelled";
      const auto* u = up->body_as_BookUpdate();
      asks = !(u->side() == wire::Side::Sell && u->level()->qty() == 0);
    }
  }
  EXPECT_EQ(buy(*tenant, 1, 1), 0);

  start_hostctl(1000);
  ASSERT_TRUE(eventually([&] {
    return quota_cpus("tenant-a") * 10 == static_cast<double>(bought);
  })) << "quota "
      << quota_cpus("tenant-a") << " CPU after " << bought << " VRUs bought";

  // Engine restart: the controller reconnects and resumes from its sequence.
  server_->stop();
  server_->start();
  tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 1, 7), 7);
  bought += 7;
  ASSERT_TRUE(
      eventually([&] { return quota_cpus("tenant-a") * 10 == static_cast<double>(bought); }));

  // The state file is saved just after the limits are written: wait for it to hold the last fill.
  auto held_in_state = [&] {
    std::int64_t sum = 0;
    const auto st = state();
    for (const auto& [seq, a] : st.book.all())
      sum += a.qty;
    return sum;
  };
  EXPECT_TRUE(eventually([&] { return held_in_state() >= bought; }));
  const auto s = state();
  std::int64_t held = 0;
  std::uint64_t n = 0;
  for (const auto& [seq, a] : s.book.all()) {
    held += a.qty;
    ++n;
    EXPECT_EQ(a.state, hostctl::AllocationState::Active) << "fill " << seq;
  }
  EXPECT_EQ(held, bought) << "every fill enacted exactly once";
  EXPECT_EQ(n, s.last_seq) << "one allocation per fill, gap-free";
}

// A cluster's nodes in [exchange] address: one that refuses (a standby does not listen) is
// passed over for the next, and the fill is enacted.
TEST_F(HostctlE2eTest, ANodeListIsTriedInTurnUntilOneAnswers) {
  address_before_ = "127.0.0.1:1,";  // nothing listens there
  start_hostctl();
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 1, 3), 3);
  EXPECT_TRUE(enforced_cpus("tenant-a", 0.3));
  EXPECT_NE(hostctl_->output().find("exchange 127.0.0.1:1: "), std::string::npos)
      << "the first node was tried and refused";
}

// The exchange places each MIG instance; the host creates it exactly there.
TEST_F(HostctlE2eTest, MigInstancesAreCreatedWhereTheExchangePlacedThem) {
  start_hostctl(20, kSimulatedGpu);
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 6, 2), 2);
  auto placed = [&] {
    std::vector<hostctl::MigInstanceRecord> books;
    const auto st = state();
    for (const auto& [seq, a] : st.book.all())
      if (a.resource == "mig.1g.10gb" && a.state == hostctl::AllocationState::Active)
        books.insert(books.end(), a.mig.begin(), a.mig.end());
    return books;
  };
  ASSERT_TRUE(eventually([&] { return placed().size() == 2; })) << placed().size();
  const auto books = placed();
  for (std::size_t i = 0; i < books.size(); ++i) {
    EXPECT_EQ(books[i].gpu, 0u);
    EXPECT_EQ(books[i].start, i) << "the engine's first fit: slices 0 and 1, one fill each";
    EXPECT_TRUE(books[i].created()) << "created at the named slice";
  }
  EXPECT_EQ(hostctl_->output().find("not enforced"), std::string::npos) << hostctl_->output();
}

// A fill naming a slice this host has in use is refused with the reason, never placed elsewhere.
TEST_F(HostctlE2eTest, AFillNamingATakenSliceIsRefusedWithTheReason) {
  // An allocation the exchange does not know of holds the whole GPU (a 7g.80gb at slice 0): the
  // controller makes it at start-up, so it posts no 1g.10gb asks of its own.
  const std::int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  fs::create_directories(state_dir());
  std::ofstream(state_dir() + "/state")
      << "swarmex-hostctl-state v1\nlast_seq 0\nnext_client_order_id 0\nalloc 1000 9999 1 1 1 "
      << "tenant-c 3 mig.7g.80gb - 1 100 " << now_ns - 1'000'000'000 << " "
      << now_ns + 3'600'000'000'000 << " 0 active - 0:" << hostctl::kNoGpuInstance << ":0 -\n";
  start_hostctl(20, kSimulatedGpu);
  // The host's GPU group at the exchange has room: an ask of the host sells a 1g.10gb, which
  // the engine places at GPU 0, slice 0.
  auto host = this->host("host-a1");
  host->order(next_id_++, 6, wire::Side::Sell, 1000, 1, wire::TimeInForce::Gtc);
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 6, 1), 1);
  auto refused = [&]() -> std::string {
    const auto st = state();
    for (const auto& [seq, a] : st.book.all())
      if (a.resource == "mig.1g.10gb") return a.why;
    return "";
  };
  ASSERT_TRUE(eventually([&] { return !refused().empty(); })) << hostctl_->output();
  EXPECT_NE(refused().find("MIG 1g.10gb at slice 0 of GPU 0 is not free"), std::string::npos)
      << refused();
  EXPECT_NE(hostctl_->output().find("not enforced: MIG 1g.10gb at slice 0"), std::string::npos)
      << "reported to the exchange with the reason";
  const auto st = state();
  for (const auto& [seq, a] : st.book.all()) {
    if (a.resource == "mig.1g.10gb") {
      EXPECT_FALSE(a.mig.at(0).created()) << "nowhere else";
    }
  }
}

// Usage telemetry on the real kernel: two busy loops in a tenant cgroup held to 5 VRU (0.5 CPU)
// by a real fill are reported at 500 millicores, within 10 %, averaged over a few intervals.
TEST_F(HostctlE2eTest, UsageReportsWhatTheTenantsCgroupReallyUses) {
  host_extra_ = "telemetry_interval_ms = 500\n";
  start_hostctl();
  auto tenant = this->tenant("tenant-a");
  ASSERT_EQ(buy(*tenant, 1, 5), 5);
  ASSERT_TRUE(enforced_cpus("tenant-a", 0.5));
  start_workers("tenant-a", 2);
  const std::int64_t busy_from = realtime_ns() + kSecond;  // the loops are running by then
  tenant->client().subscribe_usage("", true);
  std::vector<std::int64_t> cpu;
  std::int64_t held = -1;
  std::int64_t mem = -1;
  const auto until = std::chrono::steady_clock::now() + 8s;
  while (cpu.size() < 6 && std::chrono::steady_clock::now() < until) {
    const wire::Message* m = tenant->next(wire::Body::UsageReport, 2s);
    if (m == nullptr) continue;
    const auto* r = m->body_as_UsageReport();
    if (r->time_ns() < busy_from + r->interval_ms() * 1'000'000ll) continue;  // before the loops
    for (const wire::UsageSample* s : *r->samples()) {
      if (s->resource() == wire::UsageResource::Cpu) {
        cpu.push_back(s->used());
        held = s->held();
      }
      if (s->resource() == wire::UsageResource::Mem) mem = s->used();
    }
  }
  ASSERT_GE(cpu.size(), 4u) << "usage reports every 500 ms";
  double sum = 0;
  for (const std::int64_t c : cpu)
    sum += static_cast<double>(c);
  const double average = sum / static_cast<double>(cpu.size());
  EXPECT_NEAR(average, 500.0, 50.0) << "millicores averaged over " << cpu.size() << " intervals";
  EXPECT_EQ(held, 500) << "5 VRU held is 500 millicores";
  EXPECT_GT(mem, 0) << "the loops' shells use some memory";
  std::printf("tenant-a reported at %.0f millicores over %zu intervals\n", average, cpu.size());
}

}  // namespace
}  // namespace swarmex::e2e
