// Pre-staging: the closed limits a staged cgroup holds, the single batch of limit writes that
// remains at the window start (no directory made then), the book's view of windows to come, and
// MIG instances made ahead, kept across a restart, and torn down.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include "cgroup_test_support.hpp"
#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/enactor.hpp"
#include "swarmex/hostctl/mig_instances.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"

namespace swarmex::hostctl {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

std::vector<std::string> describe(const std::vector<CgroupWrite>& ws) {
  std::vector<std::string> out;
  for (const auto& w : ws)
    out.push_back(fmt::format("{}={}", w.file.filename().string(), w.value));
  return out;
}

CgroupLayout v2_layout() {
  CgroupLayout l;
  l.version = CgroupVersion::V2;
  l.root = "/cg";
  return l;
}

CgroupLayout v1_layout() {
  CgroupLayout l;
  l.version = CgroupVersion::V1;
  l.root = "/cg";
  return l;
}

TEST(PrestagePlan, AClosedCgroupGrantsNothing) {
  EXPECT_EQ(describe(plan_tenant_writes(v2_layout(), "t", closed_limits(), nullptr)),
            (Lines{"memory.max=0", "memory.high=0", "cpu.max=1000 100000"}));
  EXPECT_EQ(
      describe(plan_tenant_writes(v1_layout(), "t", closed_limits(), nullptr)),
      (Lines{"memory.limit_in_bytes=0", "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=1000"}));
}

TEST(PrestagePlan, AtTheStartOnlyTheLimitsAreWritten) {
  const TenantLimits closed = closed_limits();
  TenantLimits bought;
  bought.vrus = 5;
  bought.mem_shards = 4;
  EXPECT_EQ(describe(plan_tenant_writes(v2_layout(), "t", bought, &closed)),
            (Lines{"memory.max=1073741824", "memory.high=1073741824", "cpu.max=50000 100000"}));
  EXPECT_EQ(describe(plan_tenant_writes(v1_layout(), "t", bought, &closed)),
            (Lines{"memory.limit_in_bytes=1073741824", "cpu.cfs_quota_us=50000"}));
  // Memory bought none: unlimited must still replace the closed 0; cpu stays at the minimum.
  TenantLimits io_only;
  EXPECT_EQ(describe(plan_tenant_writes(v2_layout(), "t", io_only, &closed)),
            (Lines{"memory.max=max", "memory.high=max"}));
}

// Records every operation and carries it out on a plain directory.
class RecordingWriter final : public CgroupWriter {
 public:
  std::vector<CgroupWrite> ops;
  [[nodiscard]] std::string_view name() const noexcept override { return "recording"; }

 protected:
  void run_batch(std::span<const CgroupWrite> batch,
                 std::span<CgroupWriteResult> results) override {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const CgroupWrite& w = batch[i];
      ops.push_back(w);
      if (w.op == CgroupOp::MakeDir) {
        ::mkdir(w.file.c_str(), 0755);
      } else if (w.op == CgroupOp::RemoveDir) {
        std::error_code ec;
        fs::remove_all(w.file, ec);
      } else {
        std::ofstream(w.file) << w.value;
      }
      results[i].done_at = std::chrono::steady_clock::now();
    }
  }
};

TEST(PrestageEnactor, AStagedTenantStartsWithoutMakingAnything) {
  common::TempDir dir;
  testing::make_v2(dir.path());
  CgroupLayout l = v2_layout();
  l.root = dir.path();
  auto owned = std::make_unique<RecordingWriter>();
  RecordingWriter* w = owned.get();
  Enactor e(l, std::move(owned));
  ASSERT_FALSE(e.holds("t"));
  ASSERT_TRUE(e.enforce({{"t", closed_limits()}}).at(0).ok);
  EXPECT_TRUE(e.holds("t"));
  const fs::path t = tenant_dir(l, "cpu", "t");
  EXPECT_TRUE(fs::is_directory(t));
  EXPECT_EQ(read_cgroup_value(t / "cpu.max"), "1000 100000");
  EXPECT_EQ(read_cgroup_value(t / "memory.max"), "0");

  w->ops.clear();
  TenantLimits bought;
  bought.vrus = 3;
  ASSERT_TRUE(e.enforce({{"t", bought}}).at(0).ok);
  for (const CgroupWrite& op : w->ops)
    EXPECT_EQ(op.op, CgroupOp::Write) << op.file << ": nothing is made at the start";
  EXPECT_EQ(describe(w->ops), (Lines{"memory.max=max", "memory.high=max", "cpu.max=30000 100000"}));
  EXPECT_EQ(read_cgroup_value(t / "cpu.max"), "30000 100000");
}

Allocation window(std::uint64_t seq, const std::string& tenant, std::int64_t start,
                  std::int64_t qty = 1) {
  Allocation a;
  a.stream_seq = seq;
  a.key.engine_seq = seq;
  a.tenant = tenant;
  a.resource = "cpu";
  a.qty = qty;
  a.start_ns = start;
  a.end_ns = start + 100;
  return a;
}

TEST(PrestageBook, WindowsToComeByStartAndByTenant) {
  AllocationBook book;
  book.add(window(1, "a", 500));
  book.add(window(2, "b", 200));
  book.add(window(3, "a", 1000));
  EXPECT_EQ(book.pending_until(199), (std::vector<std::uint64_t>{}));
  EXPECT_EQ(book.pending_until(500), (std::vector<std::uint64_t>{2, 1}));
  EXPECT_TRUE(book.has_pending("b"));
  book.advance(250, nullptr);  // b's window started
  EXPECT_FALSE(book.has_pending("b"));
  EXPECT_EQ(book.pending_until(500), (std::vector<std::uint64_t>{1}));
  // A resale moves a's whole window 2 to c: a has only window 3 left, then nothing.
  ASSERT_TRUE(book.move("a", window(4, "c", 500)));
  EXPECT_EQ(book.pending_until(500), (std::vector<std::uint64_t>{4}));
  EXPECT_TRUE(book.has_pending("a"));
  ASSERT_TRUE(book.move("a", window(5, "c", 1000)));
  EXPECT_FALSE(book.has_pending("a")) << "a's staged cgroup is to be torn down";
  EXPECT_TRUE(book.has_pending("c"));
}

class PrestageMigTest : public ::testing::Test {
 protected:
  PrestageMigTest() {
    auto backend = std::make_unique<SimulatedMigBackend>(1);
    sim = backend.get();
    mig = std::make_unique<MigInstances>(std::move(backend));
  }
  static Allocation pending_mig(std::uint32_t start_slice) {
    Allocation a = window(7, "t", 1000);
    a.resource = "mig.1g.10gb";
    a.mig = {MigInstanceRecord{0, kNoGpuInstance, start_slice}};
    return a;
  }
  SimulatedMigBackend* sim = nullptr;
  std::unique_ptr<MigInstances> mig;
};

TEST_F(PrestageMigTest, InstancesAreMadeAheadAndKeptAcrossARestart) {
  Allocation a = pending_mig(2);
  ASSERT_TRUE(mig->prestage(a));
  EXPECT_TRUE(a.mig[0].created());
  EXPECT_EQ(sim->creates(), 1u);
  EXPECT_EQ(mig->created(), 1u);
  // At the start nothing is left to make.
  mig->create(a);
  EXPECT_EQ(sim->creates(), 1u);
  EXPECT_TRUE(a.why.empty());
  // A restart recognises a staged Pending instance, and forgets one that is gone.
  mig->reconcile(a, true);
  EXPECT_TRUE(a.mig[0].created());
  Allocation gone = pending_mig(3);
  gone.mig[0].gpu_instance_id = 42;
  mig->reconcile(gone, true);
  EXPECT_FALSE(gone.mig[0].created());
  // Pre-staging off: a Pending allocation's instances are destroyed.
  mig->reconcile(a, false);
  EXPECT_FALSE(a.mig[0].created());
  EXPECT_TRUE(sim->instances(0).value().empty());
}

TEST_F(PrestageMigTest, ASliceStillInUseLeavesItForTheStart) {
  Allocation earlier = pending_mig(2);
  earlier.state = AllocationState::Active;
  mig->create(earlier);
  ASSERT_TRUE(earlier.why.empty());
  Allocation later = pending_mig(2);
  EXPECT_FALSE(mig->prestage(later));
  EXPECT_FALSE(later.mig[0].created());
  EXPECT_TRUE(later.why.empty()) << "not a failure: the start tries again";
  mig->destroy(earlier);
  EXPECT_TRUE(mig->prestage(later));
}

TEST(SimulatedMigCreation, TakesTheConfiguredTime) {
  SimulatedMigBackend sim(1);
  sim.set_create_delay(std::chrono::milliseconds(60));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(sim.create(0, "1g.10gb", 0).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(60));
  EXPECT_EQ(sim.creates(), 1u);
  // A refused create is answered at once and not counted.
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_FALSE(sim.create(0, "1g.10gb", 0).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t1, std::chrono::milliseconds(60));
  EXPECT_EQ(sim.creates(), 1u);
}

}  // namespace
}  // namespace swarmex::hostctl
