// CapacityTimeline against a brute-force array of instants: random adds and take-backs, random
// peak queries, on a small axis and shifted to wall-clock and extreme times.
#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>
#include <random>
#include <vector>

#include "swarmex/hostctl/capacity_timeline.hpp"

namespace swarmex::hostctl {
namespace {

std::uint64_t seed_from_env(std::uint64_t fallback) {
  const char* s = std::getenv("SWARMEX_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : fallback;
}

void run(std::uint64_t seed, std::int64_t base) {
  std::mt19937_64 rng(seed);
  constexpr std::int64_t kSpan = 200;
  std::vector<std::int64_t> held(kSpan, 0);
  struct Added {
    std::int64_t start, end, qty;
  };
  std::vector<Added> live;
  CapacityTimeline t;
  for (int step = 0; step < 400; ++step) {
    if (!live.empty() && rng() % 3 == 0) {  // take one back, as an allocation ending does
      const std::size_t k = rng() % live.size();
      const Added a = live[k];
      live.erase(live.begin() + static_cast<long>(k));
      t.add(base + a.start, base + a.end, -a.qty);
      for (std::int64_t i = a.start; i < a.end; ++i)
        held[static_cast<std::size_t>(i)] -= a.qty;
    } else {
      const auto start = static_cast<std::int64_t>(rng() % (kSpan - 1));
      const auto end =
          start + 1 +
          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(kSpan - start - 1));
      const auto qty = 1 + static_cast<std::int64_t>(rng() % 9);
      live.push_back({start, end, qty});
      t.add(base + start, base + end, qty);
      for (std::int64_t i = start; i < end; ++i)
        held[static_cast<std::size_t>(i)] += qty;
    }
    const auto from = static_cast<std::int64_t>(rng() % kSpan);
    const auto to =
        from + 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(kSpan - from));
    std::int64_t brute = 0;
    for (std::int64_t i = from; i < to; ++i)
      brute = std::max(brute, held[static_cast<std::size_t>(i)]);
    ASSERT_EQ(t.peak(base + from, base + to), brute)
        << "seed " << seed << " base " << base << " step " << step << " (SWARMEX_SEED replays)";
    ASSERT_EQ(t.peak(base + from, base + from), held[static_cast<std::size_t>(from)])
        << "an empty interval asks for the instant: seed " << seed;
  }
  // The edges saturate at the axis ends: base - 1000 or base + kSpan + 1000 would overflow there
  // (nothing lies before INT64_MIN, so that base has no "before" to ask about).
  const std::int64_t after = base <= INT64_MAX - kSpan - 1000 ? base + kSpan + 1000 : INT64_MAX;
  if (base > INT64_MIN) {
    const std::int64_t before = base >= INT64_MIN + 1000 ? base - 1000 : INT64_MIN;
    EXPECT_EQ(t.peak(before, base), 0) << "nothing before the first start";
  }
  EXPECT_EQ(t.peak(base + kSpan, after), 0) << "nothing after the last end";
}

TEST(CapacityTimelineTest, PeakEqualsBruteForceWithAddsAndTakeBacks) {
  const std::uint64_t first = seed_from_env(0);
  const std::uint64_t last = first != 0 ? first : 100;
  for (std::uint64_t seed = first != 0 ? first : 1; seed <= last; ++seed) {
    run(seed, 0);
    run(seed, 1'795'000'000'000'000'000);  // wall-clock ns in 2026
    run(seed, -5'000);                     // across zero
    run(seed, INT64_MAX - 300);            // the top of the axis
    run(seed, INT64_MIN);                  // the bottom of the axis
  }
}

TEST(CapacityTimelineTest, OpenEndedQueryAndWholeAxis) {
  CapacityTimeline t;
  EXPECT_EQ(t.peak(0, INT64_MAX), 0) << "empty";
  t.add(100, 200, 5);
  t.add(150, INT64_MAX, 3);
  t.add(INT64_MIN, -1, 2);
  EXPECT_EQ(t.peak(0, INT64_MAX), 8);
  EXPECT_EQ(t.peak(200, INT64_MAX), 3) << "an end is exclusive";
  EXPECT_EQ(t.peak(INT64_MIN, 0), 2);
  EXPECT_EQ(t.peak(-1, 100), 0);
  t.add(100, 200, -5);
  EXPECT_EQ(t.peak(0, INT64_MAX), 3) << "taken back";
  t.add(5, 5, 7);
  t.add(9, 3, 7);
  EXPECT_EQ(t.peak(0, 100), 0) << "empty and inverted intervals add nothing";
}

TEST(CapacityTimelineTest, PointsComeAndGoWithTheIntervals) {
  CapacityTimeline t;
  t.add(1'795'000'000'000'000'000, 1'795'003'600'000'000'000, 1);
  EXPECT_EQ(t.nodes(), 2u) << "a start and an end";
  t.add(1'795'000'000'000'000'000, 1'795'003'600'000'000'000, 2);
  EXPECT_EQ(t.nodes(), 2u) << "the same points, changed";
  t.add(1'795'003'600'000'000'000, 1'795'007'200'000'000'000, 3);
  EXPECT_EQ(t.nodes(), 2u) << "back to back at the same level: the step between them is gone";
  t.add(1'795'003'600'000'000'000, 1'795'007'200'000'000'000, 1);
  EXPECT_EQ(t.nodes(), 3u) << "one point is both an end and a start";
  EXPECT_EQ(t.peak(1'795'000'000'000'000'000, 1'795'007'200'000'000'000), 4);
  EXPECT_EQ(t.peak(1'795'000'000'000'000'000, 1'795'003'600'000'000'000), 3);
  t.add(1'795'000'000'000'000'000, 1'795'003'600'000'000'000, -3);
  t.add(1'795'003'600'000'000'000, 1'795'007'200'000'000'000, -4);
  EXPECT_EQ(t.nodes(), 0u) << "taken back entirely: no points left";
  t.add(10, 20, 1);
  t.clear();
  EXPECT_EQ(t.nodes(), 0u);
  EXPECT_EQ(t.peak(0, INT64_MAX), 0);
}

// Many intervals, so the tree is deep, against a brute-force list of them.
TEST(CapacityTimelineTest, ThousandsOfOverlappingLeases) {
  std::mt19937_64 rng(seed_from_env(7));
  CapacityTimeline t;
  struct Lease {
    std::int64_t start, end, qty;
  };
  std::vector<Lease> live;
  const std::int64_t base = 1'795'000'000'000'000'000;
  for (int i = 0; i < 3000; ++i) {
    const std::int64_t start = base + static_cast<std::int64_t>(rng() % 10'000'000'000ull);
    const Lease l{start, start + 1 + static_cast<std::int64_t>(rng() % 3'600'000'000ull),
                  1 + static_cast<std::int64_t>(rng() % 5)};
    live.push_back(l);
    t.add(l.start, l.end, l.qty);
    if (i % 3 == 0) {  // an allocation ends early, as a resale or a reclaim does
      const std::size_t k = rng() % live.size();
      t.add(live[k].start, live[k].end, -live[k].qty);
      live.erase(live.begin() + static_cast<long>(k));
    }
    if (i % 100 != 0) continue;
    const std::int64_t from = base + static_cast<std::int64_t>(rng() % 10'000'000'000ull);
    const std::int64_t to = from + static_cast<std::int64_t>(rng() % 5'000'000'000ull) + 1;
    // Brute force: the held amount only rises at a start, so the peak is at from or at a start.
    std::int64_t brute = 0;
    std::vector<std::int64_t> instants{from};
    for (const Lease& x : live)
      if (x.start > from && x.start < to) instants.push_back(x.start);
    for (const std::int64_t at : instants) {
      std::int64_t held = 0;
      for (const Lease& x : live)
        if (x.start <= at && at < x.end) held += x.qty;
      brute = std::max(brute, held);
    }
    ASSERT_EQ(t.peak(from, to), brute) << "step " << i;
  }
  EXPECT_LE(t.nodes(), 2 * live.size());
}

}  // namespace
}  // namespace swarmex::hostctl
