// The book's data structures on their own: level bitmap, order index, arena, memory budget.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/huge_page_allocator.hpp"
#include "swarmex/engine/level_bitmap.hpp"
#include "swarmex/engine/order_index.hpp"

namespace swarmex::engine {
namespace {

TEST(LevelBitmapTest, FindsNeighboursAcrossWordsAndSummaries) {
  const std::uint32_t n = 300'000;
  LevelBitmap bits(n);
  std::set<std::int64_t> ref;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20'000; ++i) {
    const auto x = static_cast<std::uint32_t>(rng() % n);
    if (rng() % 3 == 0) {
      bits.clear(x);
      ref.erase(x);
    } else {
      bits.set(x);
      ref.insert(x);
    }
    const auto q = static_cast<std::int64_t>(rng() % n);
    auto up = ref.lower_bound(q);
    EXPECT_EQ(bits.find_at_or_above(q), up == ref.end() ? LevelBitmap::kNone : *up);
    auto down = ref.upper_bound(q);
    EXPECT_EQ(bits.find_at_or_below(q),
              down == ref.begin() ? LevelBitmap::kNone : *std::prev(down));
  }
  EXPECT_EQ(bits.find_at_or_below(-1), LevelBitmap::kNone);
  EXPECT_EQ(bits.find_at_or_above(n + 100), LevelBitmap::kNone);
}

// The index keeps runs of 512 consecutive ids in consecutive buckets; every id pattern must still
// map correctly, including those that defeat the run layout (strides of a run or more, ids that
// differ only in their high bits, the top of the id range).
struct IdPattern {
  const char* name;
  OrderId (*id)(std::uint64_t n, std::mt19937_64& rng);
};

class OrderIndexPatternTest : public ::testing::TestWithParam<IdPattern> {};

TEST_P(OrderIndexPatternTest, InsertFindEraseAgainstStdMap) {
  const std::uint32_t cap = 3001;  // not a power of two: the table has exactly 6002 buckets
  OrderArena arena(cap);
  OrderIndex index(cap, arena);
  std::unordered_map<OrderId, std::uint32_t> ref;
  std::vector<OrderId> issued;  // every id inserted so far, for probes of present and gone ids
  std::mt19937_64 rng(11);
  std::uint64_t n = 0;
  for (int i = 0; i < 200'000; ++i) {
    if (ref.size() < cap && (rng() % 2 == 0 || ref.empty())) {
      const OrderId id = GetParam().id(n++, rng);
      if (ref.count(id)) continue;
      const std::uint32_t idx = arena.allocate();
      ASSERT_NE(idx, kNil);
      arena[idx].id = id;
      index.insert(id, idx);
      ref[id] = idx;
      issued.push_back(id);
    } else {
      auto it = ref.begin();
      std::advance(it, static_cast<long>(rng() % ref.size()));
      ASSERT_EQ(index.find(it->first), it->second) << GetParam().name;
      if (rng() % 2 == 0) {
        index.erase(it->first);
      } else {  // a cancel's way: probe once, then free that entry
        const std::uint32_t at = index.find_bucket(it->first);
        ASSERT_NE(at, kNil);
        ASSERT_EQ(index.order_at(at), it->second);
        index.erase_at(at);
      }
      arena.release(it->second);
      ref.erase(it);
    }
    const OrderId probe = issued[rng() % issued.size()] + (rng() % 4 == 0 ? 1 : 0);
    const auto it = ref.find(probe);
    ASSERT_EQ(index.find(probe), it == ref.end() ? kNil : it->second) << GetParam().name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    IdPatterns, OrderIndexPatternTest,
    ::testing::Values(
        IdPattern{"clustered",
                  [](std::uint64_t, std::mt19937_64& r) -> OrderId {
                    return r() % 20'000 + 1;  // collide in probe runs
                  }},
        IdPattern{"sequential", [](std::uint64_t n, std::mt19937_64&) -> OrderId { return n + 1; }},
        IdPattern{"stride_512",
                  [](std::uint64_t n, std::mt19937_64&) -> OrderId { return n << 9; }},
        IdPattern{"high_bits",
                  [](std::uint64_t n, std::mt19937_64&) -> OrderId { return n << 32; }},
        IdPattern{"top_of_range",
                  [](std::uint64_t n, std::mt19937_64&) -> OrderId { return ~OrderId{0} - n; }},
        IdPattern{"random", [](std::uint64_t, std::mt19937_64& r) -> OrderId { return r(); }}),
    [](const ::testing::TestParamInfo<IdPattern>& pattern) { return pattern.param.name; });

TEST(EventBufferTest, EntriesAreReusedEmplaceStartsBlankAndGrowthKeepsEvents) {
  EventBuffer out(2);
  for (int i = 0; i < 5; ++i)  // past the reserve twice
    out.entry() = Event{.seq = static_cast<Seq>(i + 1), .kind = EventKind::Fill, .qty = 7};
  ASSERT_EQ(out.size(), 5u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].seq, i + 1);
    EXPECT_EQ(out[i].qty, 7);
  }
  out.clear();
  EXPECT_TRUE(out.empty());
  // The entry still holds the old fill; emplace() must hand it back as a default event.
  Event& e = out.emplace();
  EXPECT_EQ(e, Event{});
  out.push(Event{.seq = 9, .kind = EventKind::Cancelled});
  ASSERT_EQ(out.to_vector().size(), 2u);
  EXPECT_EQ(out.events()[1].kind, EventKind::Cancelled);
  EXPECT_EQ(out.events()[1].qty, 0) << "push writes every field";
}

TEST(OrderArenaTest, ExhaustsAndRecycles) {
  OrderArena arena(3);
  const auto a = arena.allocate(), b = arena.allocate(), c = arena.allocate();
  EXPECT_EQ(arena.allocate(), kNil);
  EXPECT_TRUE(arena.full());
  arena.release(b);
  EXPECT_EQ(arena.allocate(), b);
  EXPECT_EQ(arena.live(), 3u);
  (void)a;
  (void)c;
}

TEST(MemoryBudgetTest, RestingOrderCostsAtMost64Bytes) {
  // 48-byte order + exactly two 8-byte index buckets (load factor <= 0.5), at any capacity: the
  // index is not rounded up to a power of two (it was 78 bytes at the deep flow's 559,188).
  for (const std::uint32_t cap : {1u, 3u, 1000u, 1u << 16, 559'188u, 700'223u}) {
    Engine engine(EngineConfig{cap});
    EXPECT_EQ(engine.bytes_per_order(), 64u) << "capacity " << cap;
  }
}

TEST(OrderIndexTest, FillsEveryArenaEntryAndWrapsAtTheTableEnd) {
  // A full arena in a table of 2 x capacity buckets: every id found, runs wrap past the last idx.
  for (const std::uint32_t cap : {1u, 7u, 513u, 3001u}) {
    OrderArena arena(cap);
    OrderIndex index(cap, arena);
    std::vector<OrderId> ids;
    for (std::uint32_t k = 0; k < cap; ++k) {
      const std::uint32_t idx = arena.allocate();
      arena[idx].id = 1'000'000'007ull * (k + 1);  // spread: some homes land near the end
      index.insert(arena[idx].id, idx);
      ids.push_back(arena[idx].id);
    }
    EXPECT_EQ(index.bytes(), std::size_t{cap} * 16);
    for (std::uint32_t k = 0; k < cap; ++k)
      ASSERT_EQ(arena[index.find(ids[k])].id, ids[k]) << "capacity " << cap;
    for (std::uint32_t k = 0; k < cap; k += 2)
      index.erase(ids[k]);
    for (std::uint32_t k = 0; k < cap; ++k)
      ASSERT_EQ(index.find(ids[k]) == kNil, k % 2 == 0) << "capacity " << cap << " id " << k;
  }
  const OrderArena one(1);
  EXPECT_THROW(OrderIndex too_big(0x8000'0000u, one), std::length_error);
}

}  // namespace
}  // namespace swarmex::engine

// The arena and the index live on 2 MiB-aligned memory advised for huge pages; small arrays
// (unit tests' pools) come from the ordinary heap.
TEST(HugePageAllocatorTest, LargeArraysAreHugePageAlignedSmallOnesAreNot) {
  std::vector<std::uint64_t, swarmex::engine::HugePageAllocator<std::uint64_t>> big(
      (std::size_t{3} << 20) / sizeof(std::uint64_t), 7);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % (std::size_t{2} << 20), 0u);
  EXPECT_EQ(big.front(), 7u);
  EXPECT_EQ(big.back(), 7u);
  std::vector<std::uint64_t, swarmex::engine::HugePageAllocator<std::uint64_t>> small(16, 1);
  EXPECT_EQ(small[15], 1u);
  big.clear();
  big.shrink_to_fit();  // gives the huge-page block back (std::free)
  EXPECT_TRUE(big.empty());
}
