// IdMap (gateway/src/id_map.hpp): the same answers as std::unordered_map under random
// inserts and lookups (seeds 1-3), through many growths, and a growth that always ends well before
// the next.
#include "id_map.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <unordered_map>

namespace swarmex::gateway {
namespace {

struct Value {
  std::uint64_t a = 0;
  std::uint32_t b = 0;
};

TEST(IdMapTest, PutFindOverwriteAndKeyZero) {
  IdMap<Value> m;
  EXPECT_EQ(m.find(7), nullptr);
  EXPECT_EQ(m.find(0), nullptr);
  m.put(7, Value{70, 1});
  m.put(0, Value{0, 2});
  m.put(~std::uint64_t{0}, Value{99, 3});
  ASSERT_NE(m.find(7), nullptr);
  EXPECT_EQ(m.find(7)->a, 70u);
  ASSERT_NE(m.find(0), nullptr);
  EXPECT_EQ(m.find(0)->b, 2u);
  EXPECT_EQ(m.find(~std::uint64_t{0})->a, 99u);
  EXPECT_EQ(m.size(), 3u);
  m.put(7, Value{71, 4});  // overwrite: no new entry
  m.put(0, Value{1, 5});
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.find(7)->a, 71u);
  EXPECT_EQ(m.find(0)->b, 5u);
  EXPECT_EQ(m.find(8), nullptr);
}

// Fixed seeds, so a failure replays as it is; each is named in the failure message.
class IdMapSeedTest : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(IdMapSeedTest, AgreesWithUnorderedMapThroughGrowth) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  IdMap<Value> m;
  std::unordered_map<std::uint64_t, Value> ref;
  std::uint64_t next_sequential = 1;
  for (int op = 0; op < 300'000; ++op) {
    const auto dice = rng() % 10;
    // Sequential ids (exchange order ids), random ids (client ids) and small ids that collide.
    const std::uint64_t key = dice < 4 ? next_sequential++ : dice < 7 ? rng() : rng() % 4096;
    if (rng() % 3 != 0) {
      const Value v{rng(), static_cast<std::uint32_t>(op)};
      m.put(key, v);
      ref[key] = v;
    }
    // A lookup of a key that may or may not be there, and of one that is.
    const std::uint64_t probe = rng() % 2 ? key + 1 : key;
    const auto it = ref.find(probe);
    const Value* got = m.find(probe);
    ASSERT_EQ(got != nullptr, it != ref.end()) << "op " << op << " key " << probe;
    if (got != nullptr) {
      ASSERT_EQ(got->a, it->second.a) << "op " << op << " key " << probe;
      ASSERT_EQ(got->b, it->second.b) << "op " << op << " key " << probe;
    }
    ASSERT_EQ(m.size(), ref.size());
  }
  for (const auto& [key, value] : ref) {
    ASSERT_NE(m.find(key), nullptr) << key;
    ASSERT_EQ(m.find(key)->a, value.a) << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, IdMapSeedTest, ::testing::Values(1u, 2u, 3u));

TEST(IdMapSegmentTest, NoInsertRehashesAndEachGrowthEndsBeforeTheNext) {
  IdMapSegment<std::uint64_t> m;
  std::size_t growths = 0;
  std::size_t puts_while_growing = 0;
  std::size_t size_at_growth = 0;
  bool was_growing = m.growing();
  std::size_t buckets = m.buckets();
  for (std::uint64_t id = 1; id <= 1'000'000; ++id) {
    m.put(id * 1'000'003, id);
    const bool growing = m.growing();
    // The bucket arrays change only when a growth starts (a new one) or ends (the old one goes):
    // no insert rehashed a map.
    if (growing == was_growing) {
      ASSERT_EQ(m.buckets(), buckets) << id;
    }
    if (growing && !was_growing) {
      ++growths;
      puts_while_growing = 0;
      size_at_growth = m.size() - 1;
    }
    if (growing) {
      ++puts_while_growing;
      ASSERT_LE(puts_while_growing,
                size_at_growth / IdMapSegment<std::uint64_t>::kMovesPerInsert + 1)
          << id;
    }
    was_growing = growing;
    buckets = m.buckets();
  }
  EXPECT_GE(growths, 8u);  // 16 entries, x4 each time, to 2^20: every growth was seen
  EXPECT_EQ(m.size(), 1'000'000u);
  EXPECT_EQ(*m.find(1'000'003), 1u);
}

TEST(IdMapSegmentTest, StaggeredSegmentsGrowAtDifferentSizes) {
  // Segments filled at the same pace: their first growths must not coincide.
  std::set<std::size_t> first_growth_sizes;
  for (std::uint64_t principal = 1; principal <= 32; ++principal) {
    IdMapSegment<std::uint64_t> m(principal);
    std::uint64_t id = 1;
    while (!m.growing())
      m.put(id++, 0);
    first_growth_sizes.insert(m.size());
    EXPECT_GE(m.size(), 17u);
    EXPECT_LE(m.size(), 64u);
  }
  EXPECT_GE(first_growth_sizes.size(), 16u);  // of 48 possible
}

}  // namespace
}  // namespace swarmex::gateway
