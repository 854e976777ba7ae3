// The host enacts MIG exactly where the exchange placed each instance: a fill names its GPU and
// start slice, the allocation keeps them (a resale moves them to the buyer), and the instance is
// created there or not at all, with the reason, when that slice is not free.
#include <gtest/gtest.h>

#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/fill_intake.hpp"
#include "swarmex/hostctl/host_state.hpp"
#include "swarmex/hostctl/mig_instances.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

namespace swarmex::hostctl {
namespace {

constexpr std::int64_t kStart = 100, kEnd = 200;

Allocation mig_allocation(const std::string& resource, std::vector<MigInstanceRecord> slots) {
  Allocation a;
  a.stream_seq = 1;
  a.resource = resource;
  a.qty = static_cast<std::int64_t>(slots.size());
  a.start_ns = kStart;
  a.end_ns = kEnd;
  a.state = AllocationState::Active;
  a.mig = std::move(slots);
  return a;
}

MigInstanceRecord at(std::uint32_t gpu, std::uint32_t start) {
  return MigInstanceRecord{gpu, kNoGpuInstance, start};
}

// Two simulated H100s; `sim` stays readable after the backend moves into MigInstances.
class MigInstancesTest : public ::testing::Test {
 protected:
  MigInstancesTest() {
    auto backend = std::make_unique<SimulatedMigBackend>(2);
    sim = backend.get();
    mig = std::make_unique<MigInstances>(std::move(backend));
  }
  std::vector<MigInstance> on(std::uint32_t gpu) { return sim->instances(gpu).value(); }
  SimulatedMigBackend* sim = nullptr;
  std::unique_ptr<MigInstances> mig;
};

TEST_F(MigInstancesTest, CreatesTheInstanceAtTheNamedGpuAndSlice) {
  Allocation a = mig_allocation("mig.1g.10gb", {at(1, 3)});
  mig->create(a);
  EXPECT_EQ(a.why, "");
  ASSERT_TRUE(a.mig[0].created());
  EXPECT_TRUE(on(0).empty()) << "GPU 0 was free too, but the fill named GPU 1";
  ASSERT_EQ(on(1).size(), 1u);
  EXPECT_EQ(on(1)[0].placement.start, 3u) << "slice 0 was free too, but the fill named 3";
  EXPECT_EQ(on(1)[0].gpu_instance_id, a.mig[0].gpu_instance_id);
  mig->destroy(a);
  EXPECT_TRUE(on(1).empty());
  EXPECT_FALSE(a.mig[0].created());
  EXPECT_EQ(a.mig[0].start, 3u) << "the placement stays: a restart recreates it there";
}

TEST_F(MigInstancesTest, RefusesWithTheReasonWhenTheNamedSliceIsTaken) {
  ASSERT_TRUE(sim->create(0, "3g.40gb", 0).ok());  // slices 0-3 of GPU 0
  Allocation a = mig_allocation("mig.1g.10gb", {at(0, 5), at(0, 2)});
  mig->create(a);
  EXPECT_NE(a.why.find("slice 2 of GPU 0 is not free"), std::string::npos) << a.why;
  EXPECT_NE(a.why.find("overlaps"), std::string::npos) << "the driver's reason: " << a.why;
  EXPECT_FALSE(a.mig[0].created()) << "all or nothing: the instance at slice 5 is gone again";
  EXPECT_FALSE(a.mig[1].created());
  EXPECT_EQ(on(0).size(), 1u) << "only the 3g instance that was there";
  EXPECT_TRUE(on(1).empty()) << "never placed anywhere else";
}

TEST_F(MigInstancesTest, TheExchangesGpuIsTheNthGpuInMigMode) {
  auto backend = std::make_unique<SimulatedMigBackend>(std::vector<bool>{false, true});
  SimulatedMigBackend* two = backend.get();
  MigInstances m(std::move(backend));
  EXPECT_EQ(m.gpu_count(), 1);
  Allocation a = mig_allocation("mig.7g.80gb", {at(0, 0)});
  m.create(a);
  EXPECT_EQ(a.why, "");
  EXPECT_EQ(two->instances(1).value().size(), 1u);
  Allocation b = mig_allocation("mig.1g.10gb", {at(1, 0)});
  m.create(b);
  EXPECT_NE(b.why.find("no GPU 1 in MIG mode"), std::string::npos) << b.why;
}

TEST_F(MigInstancesTest, ReconcileRecreatesWhatVanishedAtItsPlacement) {
  Allocation a = mig_allocation("mig.2g.20gb", {at(0, 4)});
  mig->create(a);
  ASSERT_TRUE(a.mig[0].created());
  ASSERT_TRUE(sim->destroy(0, a.mig[0].gpu_instance_id).ok());  // as a reboot would
  mig->reconcile(a);
  EXPECT_EQ(a.why, "");
  ASSERT_EQ(on(0).size(), 1u);
  EXPECT_EQ(on(0)[0].placement.start, 4u);
  a.state = AllocationState::Ended;
  mig->reconcile(a);
  EXPECT_TRUE(on(0).empty()) << "an ended allocation's instance goes";
}

// A Fill as the exchange sends it, with its placement (-1: none); `match` (default: seq) names
// the engine sequence and orders of the match it came from.
struct WireFill {
  flatbuffers::FlatBufferBuilder fbb;
  WireFill(std::uint64_t seq, std::int64_t qty, int gpu, int start_slice,
           const char* seller = nullptr, const char* tenant = "b", std::uint64_t match = 0) {
    const std::uint64_t m = match != 0 ? match : seq;
    fbb.Finish(wire::CreateFillDirect(fbb, seq, m * 10, 1, 7, 3, m, 5000 + m, qty, 100, 0, tenant,
                                      "mig.1g.10gb", "pool-a", kStart, kEnd, seller, gpu,
                                      start_slice));
  }
  const wire::Fill& fill() const {
    return *flatbuffers::GetRoot<wire::Fill>(fbb.GetBufferPointer());
  }
};

TEST(MigIntakeTest, TheFillsPlacementBecomesTheAllocations) {
  const WireFill w(1, 1, 1, 6);
  const Intake in = read_fill(w.fill(), {});
  ASSERT_EQ(in.allocation.mig.size(), 1u);
  EXPECT_EQ(in.allocation.mig[0], at(1, 6));
  EXPECT_EQ(in.allocation.start_ns, kStart) << "the lease is the fill's";
  EXPECT_EQ(in.allocation.end_ns, kEnd);
  AllocationBook book;
  (void)admit(book, HostCapacity{}, read_fill(w.fill(), {}));
  EXPECT_EQ(book.find(1)->state, AllocationState::Pending);
  // Saved and read back with the placement, so a restart enacts the same slice.
  HostState s;
  s.book = book;
  EXPECT_EQ(parse_host_state(format_host_state(s)).book.all().at(1).mig, in.allocation.mig);
}

TEST(MigIntakeTest, InstancesOfOneMatchAreDistinctFillsAndSurviveASave) {
  AllocationBook book;
  // One match sold two instances: the same orders and engine sequence, two placements.
  const WireFill first(1, 1, 0, 0, nullptr, "b", 5), second(2, 1, 0, 1, nullptr, "b", 5);
  EXPECT_TRUE(admit(book, HostCapacity{}, read_fill(first.fill(), {})).reduced.empty());
  (void)admit(book, HostCapacity{}, read_fill(second.fill(), {}));
  ASSERT_NE(book.find(2), nullptr) << "not a duplicate of the first";
  EXPECT_NE(book.find(1)->key, book.find(2)->key);
  HostState s;
  s.book = book;
  const HostState back = parse_host_state(format_host_state(s));
  EXPECT_EQ(back.book.all().at(2).key, book.find(2)->key);
  const WireFill again(7, 1, 0, 1, nullptr, "b", 5);  // redelivered under another stream number
  EXPECT_TRUE(back.book.contains(7, read_fill(again.fill(), {}).allocation.key));
}

TEST(MigIntakeTest, AVersion1StateStillLoads) {
  const HostState s = parse_host_state(
      "swarmex-hostctl-state v1\nlast_seq 4\nnext_client_order_id 9\nalloc 4 1 40 4 1004 b 2 "
      "cpu - 3 100 100 200 0 pending - - -\n");
  EXPECT_EQ(s.last_seq, 4u);
  EXPECT_EQ(s.book.all().at(4).key.sell_order_id, 1004u);
  EXPECT_EQ(s.book.all().at(4).key.instance, 0u);
  EXPECT_EQ(s.book.all().at(4).qty, 3);
}

TEST(MigIntakeTest, AMigFillWithoutAPlacementIsRefusedWithTheReason) {
  AllocationBook book;
  const WireFill w(1, 2, -1, -1);
  (void)admit(book, HostCapacity{}, read_fill(w.fill(), {}));
  const Allocation& a = *book.find(1);
  EXPECT_EQ(a.state, AllocationState::Refused);
  EXPECT_NE(a.why.find("names no MIG placement"), std::string::npos) << a.why;
}

TEST(MigIntakeTest, AResaleMovesTheSellersPlacementToTheBuyer) {
  AllocationBook book;
  for (std::uint64_t seq : {1, 2}) {
    const WireFill own(seq, 1, 0, static_cast<int>(seq), nullptr, "a");
    (void)admit(book, HostCapacity{}, read_fill(own.fill(), {}));
  }
  const WireFill resale(3, 1, -1, -1, "a", "b");
  const Admission r = admit(book, HostCapacity{}, read_fill(resale.fill(), {}));
  EXPECT_FALSE(r.short_holding);
  ASSERT_EQ(r.reduced, std::vector<std::uint64_t>{2}) << "newest first";
  const Allocation& bought = *book.find(3);
  EXPECT_EQ(bought.state, AllocationState::Pending) << bought.why;
  EXPECT_EQ(bought.mig, std::vector<MigInstanceRecord>{at(0, 2)}) << "the slice the seller held";
}

}  // namespace
}  // namespace swarmex::hostctl
