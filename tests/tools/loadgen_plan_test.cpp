// The load generator's order mix and client_order_id scheme.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "plan.hpp"

namespace swarmex::loadgen {
namespace {

TEST(MixTest, ParsesPositionalAndKeyedFractionsAndNormalises) {
  const Mix m = Mix::parse("2,1,1");
  EXPECT_DOUBLE_EQ(m.passive, 0.5);
  EXPECT_DOUBLE_EQ(m.crossing, 0.25);
  EXPECT_DOUBLE_EQ(m.ioc, 0.25);
  EXPECT_DOUBLE_EQ(m.cancel, 0.0);
  const Mix k = Mix::parse("cancel=0.5,crossing=0.5");
  EXPECT_DOUBLE_EQ(k.passive, 0.0);
  EXPECT_DOUBLE_EQ(k.crossing, 0.5);
  EXPECT_DOUBLE_EQ(k.cancel, 0.5);
  EXPECT_THROW(Mix::parse("0,0"), std::invalid_argument);
  EXPECT_THROW(Mix::parse("1,x"), std::invalid_argument);
  EXPECT_THROW(Mix::parse("1,1,1,1,1"), std::invalid_argument);
  EXPECT_THROW(Mix::parse("market=1"), std::invalid_argument);
  EXPECT_THROW(Mix::parse("-1,2"), std::invalid_argument);
}

TEST(MixTest, PicksByCumulativeFraction) {
  const Mix m = Mix::parse("0.5,0.2,0.1,0.2");
  EXPECT_EQ(m.pick(0.0), OrderKind::Passive);
  EXPECT_EQ(m.pick(0.49), OrderKind::Passive);
  EXPECT_EQ(m.pick(0.55), OrderKind::Crossing);
  EXPECT_EQ(m.pick(0.75), OrderKind::Ioc);
  EXPECT_EQ(m.pick(0.85), OrderKind::Cancel);
  EXPECT_EQ(m.pick(0.999), OrderKind::Cancel);
  EXPECT_EQ(Mix::parse("1,0,0,0").pick(0.9999), OrderKind::Passive);
}

TEST(IdSchemeTest, SessionsNeverShareAnId) {
  const IdScheme ids(12345);
  std::set<std::uint64_t> seen;
  for (std::uint32_t s : {0u, 1u, 1023u})
    for (std::uint64_t c : {std::uint64_t{1}, std::uint64_t{2}, IdScheme::kMaxCounter}) {
      const std::uint64_t id = ids.make(s, c);
      EXPECT_TRUE(seen.insert(id).second);
      EXPECT_GT(id, 0u);
      EXPECT_LT(id, std::uint64_t{1} << 63);
      EXPECT_TRUE(ids.ours(id, s));
      EXPECT_FALSE(ids.ours(id, s ^ 1));
      EXPECT_FALSE(IdScheme(54321).ours(id, s));
      EXPECT_EQ(IdScheme::counter_of(id), c);
    }
  EXPECT_NE(IdScheme::random().make(0, 1), IdScheme::random().make(0, 1));
}

}  // namespace
}  // namespace swarmex::loadgen
