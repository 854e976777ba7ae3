// The key-value bucket and the leader lease on it, against a real 3-node nats-server cluster:
// create-if-absent, update at a revision, expiry after the TTL, a lease taken over.
#include <chrono>
#include <thread>

#include "nats_fixture.hpp"
#include "swarmex/cluster/kv_bucket.hpp"
#include "swarmex/cluster/kv_watch.hpp"
#include "swarmex/cluster/leader_lease.hpp"

namespace swarmex::testing {
namespace {

using cluster::KvResult;
using ClusterKvTest = NatsClusterTest;

cluster::BucketSpec bucket(const std::string& name, std::int64_t ttl_ms) {
  cluster::BucketSpec b;
  b.name = name;
  b.ttl_ms = ttl_ms;
  return b;
}

TEST_F(ClusterKvTest, CreateIfAbsentAndUpdateAtRevision) {
  cluster::KvBucket kv(*js_, bucket(unique("kv"), 0));
  std::uint64_t r1 = 0, r2 = 0, r3 = 0;
  ASSERT_EQ(kv.create("k", "one", &r1), KvResult::Ok);
  EXPECT_EQ(kv.create("k", "two", &r2), KvResult::Conflict);
  ASSERT_EQ(kv.update("k", "three", r1, &r3), KvResult::Ok);
  EXPECT_GT(r3, r1);
  EXPECT_EQ(kv.update("k", "stale", r1, &r2), KvResult::Conflict);
  const auto e = kv.get("k");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->value, "three");
  EXPECT_EQ(e->revision, r3);
  EXPECT_FALSE(kv.get("absent").has_value());
  kv.erase("k");
  EXPECT_FALSE(kv.get("k").has_value());
  EXPECT_EQ(kv.create("k", "again", &r1), KvResult::Ok);  // a deleted key can be created again
}

TEST_F(ClusterKvTest, LeaseIsExclusiveRenewedAndTakenOverOnlyAfterItExpires) {
  cluster::KvBucket kv(*js_, bucket(unique("lease"), 1000));
  cluster::LeaderLease a(kv, "leader", "node-a");
  cluster::LeaderLease b(kv, "leader", "node-b");
  ASSERT_TRUE(a.try_acquire());
  EXPECT_FALSE(b.try_acquire());
  EXPECT_EQ(a.holder(), "node-a");
  // Renewed faster than the TTL: still A's after three TTLs.
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(a.renew()) << "renewal " << i;
    EXPECT_FALSE(b.try_acquire());
  }
  // A stops renewing (paused, dead): B gets it once the value expired, and A's renewal fails.
  const auto t0 = std::chrono::steady_clock::now();
  while (!b.try_acquire()) {
    ASSERT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(500));  // not before the TTL ran out
  EXPECT_EQ(b.holder(), "node-b");
  EXPECT_FALSE(a.renew());
  EXPECT_FALSE(a.held());
  // A planned step-down hands it over at once.
  b.release();
  EXPECT_TRUE(a.try_acquire());
}

TEST_F(ClusterKvTest, AWatchSeesTheLeaseDeletedButNotRenewed) {
  cluster::KvBucket kv(*js_, bucket(unique("watch"), 60'000));
  cluster::LeaderLease leader(kv, "leader", "node-a");
  ASSERT_TRUE(leader.try_acquire());
  cluster::KvWatch watch(kv, leader.key());
  EXPECT_FALSE(watch.deleted(200));  // the current value and the end of the initial values
  ASSERT_TRUE(leader.renew());
  EXPECT_FALSE(watch.deleted(200));  // a renewal is a put
  leader.release();
  EXPECT_TRUE(watch.deleted(2000));
  EXPECT_FALSE(watch.deleted(0));  // said once
  cluster::LeaderLease next(kv, "leader", "node-b");
  EXPECT_TRUE(next.try_acquire());
  EXPECT_FALSE(watch.deleted(200));
}

}  // namespace
}  // namespace swarmex::testing
