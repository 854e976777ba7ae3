#include <gtest/gtest.h>

#include "standby_board.hpp"

namespace swarmex::gateway {
namespace {

using Action = StandbyBoard::Action;
constexpr std::int64_t kMs = 1'000'000;
constexpr engine::HostId kHost = 7;

StandbyBoard board_with(std::uint32_t on, std::uint32_t off, std::int64_t after_ms) {
  StandbyBoard b;
  b.enrol(kHost, StandbyTerms{on, off, after_ms * kMs});
  return b;
}

TEST(StandbyTerms, RefusesThresholdsWithoutHysteresis) {
  EXPECT_EQ(check_standby_terms({800'000, 300'000, 1000}), "");
  EXPECT_NE(check_standby_terms({500'000, 500'000, 1000}), "");  // equal: would flap
  EXPECT_NE(check_standby_terms({500'000, 600'000, 1000}), "");
  EXPECT_NE(check_standby_terms({0, 0, 1000}), "");
  EXPECT_NE(check_standby_terms({1'000'001, 0, 1000}), "");
  EXPECT_NE(check_standby_terms({800'000, 300'000, -1}), "");
}

TEST(StandbyBoard, ActivatesAtTheThresholdOnly) {
  StandbyBoard b = board_with(800'000, 300'000, 100);
  EXPECT_EQ(b.observe(kHost, 0, false, 0), Action::None);
  EXPECT_EQ(b.observe(kHost, 799'999, false, 1 * kMs), Action::None);
  EXPECT_FALSE(b.active(kHost));
  EXPECT_EQ(b.observe(kHost, 800'000, false, 2 * kMs), Action::Activate);
  EXPECT_TRUE(b.active(kHost));
  EXPECT_EQ(b.observe(kHost, 1'000'000, false, 3 * kMs), Action::None);  // once
}

TEST(StandbyBoard, DeactivatesOnlyAfterStayingUnderForTheWholeDuration) {
  StandbyBoard b = board_with(800'000, 300'000, 100);
  ASSERT_EQ(b.observe(kHost, 900'000, false, 0), Action::Activate);
  EXPECT_EQ(b.observe(kHost, 100'000, false, 10 * kMs), Action::None);  // under from 10 ms
  EXPECT_EQ(b.observe(kHost, 100'000, false, 109 * kMs), Action::None);
  EXPECT_EQ(b.observe(kHost, 300'000, false, 110 * kMs), Action::None);  // at it: not under
  EXPECT_EQ(b.observe(kHost, 100'000, false, 120 * kMs), Action::None);  // starts over
  EXPECT_EQ(b.observe(kHost, 100'000, false, 219 * kMs), Action::None);
  EXPECT_EQ(b.observe(kHost, 100'000, false, 220 * kMs), Action::Deactivate);
  EXPECT_FALSE(b.active(kHost));
  EXPECT_EQ(b.observe(kHost, 100'000, false, 500 * kMs), Action::None);
}

TEST(StandbyBoard, HeldAllocationsKeepTheHostActive) {
  StandbyBoard b = board_with(800'000, 300'000, 100);
  ASSERT_EQ(b.observe(kHost, 900'000, false, 0), Action::Activate);
  for (std::int64_t t = 1; t < 1000; t += 50)
    EXPECT_EQ(b.observe(kHost, 0, true, t * kMs), Action::None);
  // Its sales end: the wait begins only now.
  EXPECT_EQ(b.observe(kHost, 0, false, 1000 * kMs), Action::None);
  EXPECT_EQ(b.observe(kHost, 0, false, 1099 * kMs), Action::None);
  EXPECT_EQ(b.observe(kHost, 0, false, 1100 * kMs), Action::Deactivate);
}

TEST(StandbyBoard, NoFlappingBetweenTheThresholds) {
  StandbyBoard b = board_with(800'000, 300'000, 50);
  ASSERT_EQ(b.observe(kHost, 850'000, false, 0), Action::Activate);
  int changes = 0;
  // Wandering between 300k and 799k for a long time: stays active, never toggles.
  for (std::int64_t t = 1; t < 10'000; ++t) {
    const std::uint32_t u = 300'000 + static_cast<std::uint32_t>((t * 7919) % 500'000);
    changes += b.observe(kHost, u, false, t * kMs) != Action::None;
  }
  EXPECT_EQ(changes, 0);
  EXPECT_TRUE(b.active(kHost));
  // Oscillating across the lower threshold faster than the wait: never deactivated.
  for (std::int64_t t = 10'000; t < 20'000; t += 10)
    changes +=
        b.observe(kHost, (t / 10) % 4 == 0 ? 400'000 : 100'000, false, t * kMs) != Action::None;
  EXPECT_EQ(changes, 0);
  // On standby, wandering under the upper threshold never activates it.
  b.enrol(kHost, StandbyTerms{800'000, 300'000, 50 * kMs});
  for (std::int64_t t = 0; t < 1000; ++t)
    changes += b.observe(kHost, static_cast<std::uint32_t>((t * 104'729) % 800'000), false,
                         t * kMs) != Action::None;
  EXPECT_EQ(changes, 0);
}

TEST(StandbyBoard, AlternatesStrictlyAndForgetsRemovedHosts) {
  StandbyBoard b = board_with(600'000, 200'000, 0);
  std::vector<Action> seen;
  const std::uint32_t path[] = {700'000, 100'000, 100'000, 700'000, 650'000, 0, 900'000};
  std::int64_t t = 0;
  for (const std::uint32_t u : path)
    if (const Action a = b.observe(kHost, u, false, ++t * kMs); a != Action::None)
      seen.push_back(a);
  EXPECT_EQ(seen, (std::vector<Action>{Action::Activate, Action::Deactivate, Action::Activate,
                                       Action::Deactivate, Action::Activate}));
  b.remove(kHost);
  EXPECT_FALSE(b.enrolled(kHost));
  EXPECT_EQ(b.observe(kHost, 900'000, false, 100 * kMs), Action::None);
}

}  // namespace
}  // namespace swarmex::gateway
