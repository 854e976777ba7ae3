// Resale (the partition marketplace): a Fill naming a seller moves part of that tenant's allocation
// on this host to the buyer — exactly the quantity, newest allocation first, the host's total
// unchanged — and both tenants' cgroups are due in the next enactment.
#include <gtest/gtest.h>

#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/fill_intake.hpp"
#include "swarmex/hostctl/host_state.hpp"

namespace swarmex::hostctl {
namespace {

constexpr std::int64_t kStart = 100, kEnd = 200;

Allocation held_by(std::uint64_t seq, const std::string& tenant, std::int64_t qty,
                   std::int64_t start = kStart, std::int64_t end = kEnd) {
  Allocation a;
  a.stream_seq = seq;
  a.key = FillKey{1, seq * 10, seq, 1000 + seq};
  a.tenant = tenant;
  a.resource = "cpu";
  a.qty = qty;
  a.start_ns = start;
  a.end_ns = end;
  return a;
}

std::int64_t qty_of(AllocationBook& book, std::uint64_t seq) {
  return book.find(seq)->qty;
}

TEST(ResaleBookTest, MovesExactlyTheQuantityNewestFirst) {
  AllocationBook book;
  book.add(held_by(1, "a", 4));
  book.add(held_by(2, "a", 3));
  book.add(held_by(3, "a", 5, kStart, 300));  // another lease: not part of this window's holding
  book.add(held_by(4, "c", 6));
  book.advance(150, nullptr);
  ASSERT_EQ(book.held("a", "cpu", "", kStart, kEnd), 7);

  // Partial: the newest allocation gives first.
  std::vector<std::uint64_t> reduced;
  ASSERT_TRUE(book.move("a", held_by(5, "b", 2), &reduced));
  EXPECT_EQ(reduced, (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(qty_of(book, 2), 1);
  EXPECT_EQ(qty_of(book, 1), 4);

  // Across two allocations: the newest is used up (and ends), the older one pays the rest.
  reduced.clear();
  ASSERT_TRUE(book.move("a", held_by(6, "b", 3), &reduced));
  EXPECT_EQ(reduced, (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(qty_of(book, 2), 0);
  EXPECT_EQ(book.find(2)->state, AllocationState::Ended);
  EXPECT_EQ(qty_of(book, 1), 2);
  EXPECT_EQ(book.find(1)->state, AllocationState::Active);
  EXPECT_EQ(qty_of(book, 3), 5) << "another lease is not touched";
  EXPECT_EQ(qty_of(book, 4), 6) << "another tenant is not touched";
  EXPECT_EQ(book.held("a", "cpu", "", kStart, kEnd), 2);
  EXPECT_EQ(book.held("b", "cpu", "", kStart, kEnd), 5);

  // Whole: the last of it; the seller holds nothing more in this lease.
  reduced.clear();
  ASSERT_TRUE(book.move("a", held_by(7, "b", 2), &reduced));
  EXPECT_EQ(reduced, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(book.find(1)->state, AllocationState::Ended);
  EXPECT_EQ(book.held("a", "cpu", "", kStart, kEnd), 0);
  EXPECT_EQ(book.held("b", "cpu", "", kStart, kEnd), 7);
}

TEST(ResaleBookTest, PeakAndCommittedAreUnchangedByAMove) {
  AllocationBook book;
  book.add(held_by(1, "a", 6));
  book.add(held_by(2, "c", 3, 150, 400));
  const std::int64_t peak = book.peak("cpu", "", 0, 1000);
  const std::int64_t window_peak = book.peak("cpu", "", kStart, kEnd);
  ASSERT_EQ(peak, 9);
  ASSERT_TRUE(book.move("a", held_by(3, "b", 4)));
  EXPECT_EQ(book.peak("cpu", "", 0, 1000), peak);
  EXPECT_EQ(book.peak("cpu", "", kStart, kEnd), window_peak);
  EXPECT_EQ(book.committed("cpu", ""), 9);
  ASSERT_TRUE(book.move("a", held_by(4, "b", 2)));  // the rest: the seller's allocation ends
  EXPECT_EQ(book.peak("cpu", "", 0, 1000), peak);
  EXPECT_EQ(book.committed("cpu", ""), 9);
}

TEST(ResaleBookTest, MovingMoreThanHeldChangesNothing) {
  AllocationBook book;
  book.add(held_by(1, "a", 3));
  book.add(held_by(2, "a", 9, kStart, 300));  // held, but in another lease
  book.advance(150, nullptr);
  std::vector<std::uint64_t> reduced;
  EXPECT_FALSE(book.move("a", held_by(3, "b", 4), &reduced));
  EXPECT_FALSE(book.move("nobody", held_by(4, "b", 1), &reduced));
  EXPECT_TRUE(reduced.empty());
  EXPECT_EQ(qty_of(book, 1), 3);
  EXPECT_EQ(book.find(3), nullptr) << "the buyer gets nothing";
  EXPECT_TRUE(book.advance(150, nullptr).empty()) << "no cgroup changes";
  EXPECT_EQ(book.limits_of("a").vrus, 12);
}

TEST(ResaleBookTest, LimitsOfSellerAndBuyerAfterTheMove) {
  AllocationBook book;
  book.add(held_by(1, "a", 10));
  Allocation mem = held_by(2, "a", 4);
  mem.resource = "mem";
  book.add(mem);
  EXPECT_EQ(book.advance(150, nullptr), (std::set<std::string>{"a"}));
  ASSERT_TRUE(book.move("a", held_by(3, "b", 6)));
  std::vector<std::uint64_t> started;
  EXPECT_EQ(book.advance(150, &started), (std::set<std::string>{"a", "b"}))
      << "the seller's limits go down, the buyer's up";
  EXPECT_EQ(started, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(book.limits_of("a").vrus, 4);
  EXPECT_EQ(book.limits_of("a").mem_shards, 4) << "other resources stay";
  EXPECT_EQ(book.limits_of("b").vrus, 6);
  EXPECT_TRUE(book.advance(150, nullptr).empty()) << "reported once";
}

TEST(ResaleBookTest, PinnedSellerKeepsOnlyTheCpusItStillNeeds) {
  AllocationBook book;
  Allocation a = held_by(1, "a", 30);
  a.pinned = true;
  a.cpus = {4, 5, 6};
  book.add(a);
  book.advance(150, nullptr);
  Allocation to = held_by(2, "b", 15);
  to.pinned = true;
  ASSERT_TRUE(book.move("a", to));
  EXPECT_EQ(book.find(1)->cpus, (std::vector<int>{4, 5}));
  EXPECT_EQ(book.limits_of("a").cpuset, "4-5");
  EXPECT_EQ(book.pinned_cpus(), (std::set<int>{4, 5})) << "cpu 6 is free for the buyer";
}

TEST(ResaleBookTest, APendingSellerIsNotReEnactedButStartsSmaller) {
  AllocationBook book;
  book.add(held_by(1, "a", 8));
  ASSERT_TRUE(book.move("a", held_by(2, "b", 5)));
  EXPECT_TRUE(book.advance(50, nullptr).empty()) << "nothing enforced before the window";
  std::vector<std::uint64_t> started;
  EXPECT_EQ(book.advance(kStart, &started), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(started, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(book.limits_of("a").vrus, 3);
  EXPECT_EQ(book.limits_of("b").vrus, 5);
}

TEST(ResaleBookTest, AMovedOutAllocationSurvivesTheStateFile) {
  HostState s;
  s.book.add(held_by(1, "a", 5));
  s.book.advance(150, nullptr);
  ASSERT_TRUE(s.book.move("a", held_by(2, "b", 5)));
  s.book.advance(150, nullptr);
  const HostState back = parse_host_state(format_host_state(s));
  EXPECT_EQ(format_host_state(back), format_host_state(s));
  EXPECT_EQ(back.book.all().at(1).state, AllocationState::Ended);
  EXPECT_EQ(back.book.all().at(1).qty, 0);
  EXPECT_EQ(back.book.active_tenants(), (std::set<std::string>{"b"}))
      << "a restart reconciles the seller's cgroup away";
  EXPECT_TRUE(back.book.contains(99, held_by(1, "", 0).key)) << "the seller's fill stays known";
}

// A Fill as the exchange sends it: `seller` empty for the host's own ask.
struct WireFill {
  flatbuffers::FlatBufferBuilder fbb;
  WireFill(std::uint64_t seq, const char* tenant, std::int64_t qty, const char* seller) {
    fbb.Finish(wire::CreateFillDirect(fbb, seq, seq * 10, 1, 7, 3, seq, 5000 + seq, qty, 100, 0,
                                      tenant, "cpu", "pool-a", kStart, kEnd, seller));
  }
  const wire::Fill& fill() const {
    return *flatbuffers::GetRoot<wire::Fill>(fbb.GetBufferPointer());
  }
};

class ResaleIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    capacity.vrus = 20;
    book.add(held_by(1, "a", 20));  // the whole host, sold to tenant a
    book.advance(150, nullptr);
  }
  Admission take(std::uint64_t seq, const char* tenant, std::int64_t qty, const char* seller) {
    const WireFill w(seq, tenant, qty, seller);
    return admit(book, capacity, read_fill(w.fill(), supply));
  }
  HostCapacity capacity;
  std::vector<SupplyLine> supply{SupplyLine{1, "cpu", 100, 0, "", false}};
  AllocationBook book;
};

TEST_F(ResaleIntakeTest, ReadsTheSeller) {
  const WireFill resale(2, "b", 8, "a");
  EXPECT_EQ(read_fill(resale.fill(), supply).seller, "a");
  const WireFill own(3, "b", 8, nullptr);
  EXPECT_EQ(read_fill(own.fill(), supply).seller, "");
}

TEST_F(ResaleIntakeTest, AResaleOnAFullHostMovesAndReEnactsBothTenants) {
  take(2, "b", 8, nullptr);
  EXPECT_EQ(book.find(2)->state, AllocationState::Refused) << "the host's own sale: no room";
  const Admission r = take(3, "b", 8, "a");
  EXPECT_FALSE(r.short_holding);
  EXPECT_EQ(r.reduced, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(book.find(3)->state, AllocationState::Pending) << book.find(3)->why;
  EXPECT_EQ(book.advance(150, nullptr), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(book.limits_of("a").vrus, 12);
  EXPECT_EQ(book.limits_of("b").vrus, 8);
  EXPECT_EQ(book.peak("cpu", "", kStart, kEnd), 20) << "within capacity, not over it";
}

TEST_F(ResaleIntakeTest, AWholeResaleLeavesTheSellerNothingActive) {
  take(2, "b", 20, "a");
  EXPECT_EQ(book.advance(150, nullptr), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(book.active_tenants(), (std::set<std::string>{"b"}))
      << "the seller's cgroup is removed in that enactment";
}

TEST_F(ResaleIntakeTest, ASellerHoldingTooLittleIsRefusedAndKeepsItsAllocation) {
  const Admission r = take(2, "b", 21, "a");
  EXPECT_TRUE(r.short_holding);
  EXPECT_TRUE(r.reduced.empty());
  ASSERT_NE(book.find(2), nullptr);
  EXPECT_EQ(book.find(2)->state, AllocationState::Refused);
  EXPECT_NE(book.find(2)->why.find("'a' holds 20"), std::string::npos) << book.find(2)->why;
  EXPECT_EQ(book.find(1)->qty, 20);
  EXPECT_TRUE(book.advance(150, nullptr).empty());
  EXPECT_EQ(book.peak("cpu", "", kStart, kEnd), 20) << "never over-committed";
}

TEST_F(ResaleIntakeTest, ARedeliveredResaleMovesOnce) {
  take(2, "b", 5, "a");
  take(2, "b", 5, "a");
  EXPECT_EQ(book.find(1)->qty, 15);
  EXPECT_EQ(book.held("b", "cpu", "", kStart, kEnd), 5);
}

}  // namespace
}  // namespace swarmex::hostctl
