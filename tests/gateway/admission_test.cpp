// Logon admission: the backoff tables stay within their size whatever keys come, block after the
// configured failures with doubling delays up to the cap, and forget; the pending bounds per
// source and in total; the verifier's queue refuses past its capacity and answers every job it
// took.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <random>
#include <string>

#include "admission.hpp"
#include "logon_verifier.hpp"
#include "swarmex/common/token_hash.hpp"

namespace swarmex::gateway {
namespace {

constexpr std::int64_t kMs = 1'000'000;

BackoffTable::Policy policy() {
  BackoffTable::Policy p;
  p.after_failures = 3;
  p.base_ns = 100 * kMs;
  p.max_ns = 1000 * kMs;
  p.forget_ns = 5000 * kMs;
  return p;
}

TEST(BackoffTableTest, BlocksAfterFailuresDoublingUpToTheCap) {
  BackoffTable t(16, policy());
  std::int64_t now = 1'000 * kMs;
  t.note_failure("a", now);
  t.note_failure("a", now);
  EXPECT_EQ(t.blocked_for("a", now), 0);  // two failures: not yet
  const std::int64_t expected[] = {100, 200, 400, 800, 1000, 1000};
  for (std::int64_t ms : expected) {
    t.note_failure("a", now);
    EXPECT_EQ(t.blocked_for("a", now), ms * kMs);
    EXPECT_EQ(t.blocked_for("a", now + ms * kMs), 0);  // over once the delay has passed
  }
  EXPECT_EQ(t.blocked_for("b", now), 0);  // other keys are not touched
  t.forget("a");
  EXPECT_EQ(t.blocked_for("a", now), 0);
  EXPECT_EQ(t.failures("a"), 0u);
}

TEST(BackoffTableTest, StaysWithinItsCapacityWhateverTheKeys) {
  const std::uint32_t seed = std::random_device{}();
  std::printf("seed %u\n", seed);
  std::mt19937_64 rng(seed);
  BackoffTable t(64, policy());
  std::int64_t now = 0;
  for (int i = 0; i < 100'000; ++i) {
    now += static_cast<std::int64_t>(rng() % 1000);
    t.note_failure(std::to_string(rng()), now);
    ASSERT_LE(t.size(), 64u);
  }
  EXPECT_EQ(t.size(), 64u);
  // The most recent failures are kept: a key failing now is held, the oldest made room.
  for (int i = 0; i < 3; ++i)
    t.note_failure("hot", now);
  EXPECT_GT(t.blocked_for("hot", now), 0);
  EXPECT_LE(t.size(), 64u);
}

TEST(BackoffTableTest, ForgetsKeysWithoutFailuresForAWhile) {
  BackoffTable t(8, policy());
  for (int i = 0; i < 4; ++i)
    t.note_failure("old", 0);
  EXPECT_EQ(t.failures("old"), 4u);
  t.note_failure("new", 6000 * kMs);  // past forget_ns since old's last failure
  EXPECT_EQ(t.failures("old"), 0u);
  EXPECT_EQ(t.size(), 1u);
}

TEST(AdmissionTest, PendingBoundsPerSourceAndInTotal) {
  AdmissionLimits l;
  l.max_pending = 5;
  l.max_pending_per_source = 3;
  Admission a(l);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(a.open("10.0.0.1"), Admission::Verdict::Admit);
  EXPECT_EQ(a.open("10.0.0.1"), Admission::Verdict::SourceFull);
  EXPECT_EQ(a.open("10.0.0.2"), Admission::Verdict::Admit);
  EXPECT_EQ(a.open("10.0.0.3"), Admission::Verdict::Admit);
  EXPECT_EQ(a.open("10.0.0.4"), Admission::Verdict::TotalFull);
  EXPECT_EQ(a.pending(), 5u);
  a.release("10.0.0.1");
  EXPECT_EQ(a.pending_from("10.0.0.1"), 2u);
  EXPECT_EQ(a.open("10.0.0.4"), Admission::Verdict::Admit);
  a.release("10.0.0.9");  // not held: nothing changes
  EXPECT_EQ(a.pending(), 5u);
}

TEST(AdmissionTest, UnknownNamesNeverEvictKnownPrincipalsAndLongNamesAreBounded) {
  AdmissionLimits l;
  l.backoff_entries = 16;
  l.known_principals = 2;
  l.policy = policy();
  Admission a(l);
  for (int i = 0; i < 3; ++i)
    a.note_failure("src", "alice", true, 0);
  EXPECT_GT(a.principal_blocked_for("alice", true, 0), 0);
  for (int i = 0; i < 1000; ++i)  // a flood of made-up names, some very long
    a.note_failure("src",
                   std::string(static_cast<std::size_t>(i % 7) * 10'000, 'x') + std::to_string(i),
                   false, 0);
  EXPECT_GT(a.principal_blocked_for("alice", true, 0), 0);  // still backing off
  EXPECT_GT(a.source_blocked_for("src", 0), 0);
  a.note_success("alice", true);
  EXPECT_EQ(a.principal_blocked_for("alice", true, 0), 0);
  EXPECT_GT(a.source_blocked_for("src", 0), 0);  // the address's failures stay
}

TEST(LogonVerifierTest, QueueIsBoundedAndEveryTakenJobIsAnswered) {
  const std::string hash = common::hash_token("right", 1);
  LogonVerifier v(1, 2);
  v.start();
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> first_running;
  std::atomic<int> ok{0}, bad{0};
  // The first job blocks the only thread, so the next two wait in the queue and a third is
  // refused.
  ASSERT_TRUE(v.submit("right", hash, [&, gate](bool r) {
    first_running.set_value();
    gate.wait();
    (r ? ok : bad)++;
  }));
  first_running.get_future().wait();
  EXPECT_TRUE(v.submit("right", hash, [&](bool r) { (r ? ok : bad)++; }));
  EXPECT_TRUE(v.submit("wrong", hash, [&](bool r) { (r ? ok : bad)++; }));
  EXPECT_EQ(v.queued(), 2u);
  bool called = false;
  EXPECT_FALSE(v.submit("right", hash, [&](bool) { called = true; }));
  release.set_value();
  for (int i = 0; i < 500 && ok + bad < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(bad.load(), 1);
  EXPECT_FALSE(called);
  EXPECT_TRUE(v.submit("right", hash, [&](bool r) { (r ? ok : bad)++; }));  // room again
  for (int i = 0; i < 500 && ok < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(ok.load(), 3);
  v.stop();
  EXPECT_FALSE(v.submit("right", hash, [](bool) {}));  // stopped: refused
}

}  // namespace
}  // namespace swarmex::gateway
