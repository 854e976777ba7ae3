// Fair share of the shared capacity, over real sockets against a real swarmexd: one tenant at its
// resting-order limit cannot take an engine partition's order pool from the others (also after
// restarts from the journal and from a snapshot); a principal's sessions, market-data
// subscriptions and depth, and its request rate over all its sessions are bounded, each with its
// own reason, and other principals are unaffected.
#include <filesystem>
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;
using wire::TimeInForce;

// A config of the test server with `order_capacity` orders per partition and `limits` added.
std::string fair_config(std::uint32_t order_capacity, const std::string& limits,
                        std::uint64_t snapshot_interval = 0) {
  std::string c = testing::test_config("", "sync", 2, limits);
  const std::string cap = "order_capacity = 65536";
  c.replace(c.find(cap), cap.size(), "order_capacity = " + std::to_string(order_capacity));
  if (snapshot_interval != 0) {
    const std::string seg = "segment_bytes = 1048576\n";
    c.replace(c.find(seg), seg.size(),
              seg + "snapshot_interval = " + std::to_string(snapshot_interval) + "\n");
  }
  return c;
}

// tenants 6 orders of a partition's 16, hosts 4 (the default would be 16 / 16 = 1).
const char* kPoolLimits =
    "[limits.tenant]\nresting_orders_per_partition = 6\n"
    "[limits.host]\nresting_orders_per_partition = 4\n";

class FairShareTest : public E2eTest {
 protected:
  void SetUp() override {}
  void start(const std::string& config) {
    server_ = std::make_unique<testing::ServerProcess>(SWARMEX_SERVER_BINARY, dir_.str(), config);
    server_->start();
  }
  void restart() {
    server_->kill();
    server_->start();
  }
  std::unique_ptr<Conn> keep_host(const std::string& name = "host-a1") {
    auto c = connect();
    auto r = c->client().logon(name, name + "-token", wire::Role::Host, 0, false, 5s,
                               /*keep_orders=*/true);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }
  // A resting bid at the band's edge: its report kind, or its reject reason.
  static RejectReason bid(Conn& c, std::uint64_t id, std::uint32_t instrument = 1) {
    c.order(id, instrument, Side::Buy, 100, 1);
    auto r = c.report();
    if (!r) return RejectReason::InvalidCommand;  // no answer: fails the caller's expectation
    EXPECT_EQ(r->client_order_id, id);
    return r->kind == ExecKind::Accepted ? RejectReason::None : r->reject_reason;
  }
  static RejectReason ask(Conn& c, std::uint64_t id, std::int64_t price = 9'000'000) {
    c.order(id, 1, Side::Sell, price, 1);
    auto r = c.report();
    if (!r) return RejectReason::InvalidCommand;
    return r->kind == ExecKind::Accepted ? RejectReason::None : r->reject_reason;
  }
  // tenant-a at its limit of 6 on pool-a's partition (order_capacity 16): refused; tenant-b and a
  // host still get in.
  void expect_pool_shared(std::uint64_t first_id) {
    auto a = tenant("tenant-a");
    EXPECT_EQ(bid(*a, first_id), RejectReason::PrincipalOrderLimit)
        << "tenant-a already rests its 6 orders on the partition";
    EXPECT_EQ(bid(*a, first_id + 1, 2), RejectReason::PrincipalOrderLimit)
        << "another instrument of the same partition counts the same";
    auto b = tenant("tenant-b");
    EXPECT_EQ(bid(*b, first_id + 2), RejectReason::None) << "another tenant still rests a bid";
    auto h = keep_host();
    EXPECT_EQ(ask(*h, first_id + 3), RejectReason::None) << "the host's ask still rests";
  }
};

TEST_F(FairShareTest, OneTenantCannotExhaustThePartitionsOrderPool) {
  start(fair_config(16, kPoolLimits));
  auto a = tenant("tenant-a");
  for (std::uint64_t id = 1; id <= 6; ++id)
    ASSERT_EQ(bid(*a, id), RejectReason::None) << id;
  EXPECT_EQ(bid(*a, 7), RejectReason::PrincipalOrderLimit);
  // An IOC that would not rest is not refused by the count (it leaves at once).
  a->order(8, 1, Side::Buy, 100, 1, TimeInForce::Ioc);
  auto ioc = a->report();
  ASSERT_TRUE(ioc);
  EXPECT_EQ(ioc->kind, ExecKind::Accepted);
  a.reset();
  expect_pool_shared(100);
  // A cancel gives room back; so does a fill that completes.
  a = tenant("tenant-a");
  a->client().cancel_order(1, client::OrderRef{1, 0});
  for (auto r = a->report(); r && r->kind != ExecKind::Cancelled; r = a->report()) {
  }
  EXPECT_EQ(bid(*a, 9), RejectReason::None) << "the cancelled bid's place";
  EXPECT_EQ(bid(*a, 10), RejectReason::PrincipalOrderLimit);
  auto h = keep_host("host-b1");
  h->order(1, 1, Side::Sell, 100, 1, TimeInForce::Ioc);  // fills one of tenant-a's bids
  for (auto r = a->report(); r && r->kind != ExecKind::Filled; r = a->report()) {
  }
  EXPECT_EQ(bid(*a, 11), RejectReason::None) << "the filled bid's place";
}

TEST_F(FairShareTest, TheLimitHoldsAfterRestartsFromTheJournalAndASnapshot) {
  start(fair_config(16, kPoolLimits));
  {
    auto a = tenant("tenant-a");
    for (std::uint64_t id = 1; id <= 6; ++id)
      ASSERT_EQ(bid(*a, id), RejectReason::None) << id;
  }
  restart();  // the journal replays every order
  expect_pool_shared(100);
  // A snapshot, then a restart that starts from it: the resting orders are restored, not replayed.
  {
    auto op = connect();
    ASSERT_TRUE(op->logon("operator", wire::Role::Operator).ok());
    op->client().admin_take_snapshot(1);
    const wire::Message* ack = op->next(wire::Body::AdminAck);
    ASSERT_TRUE(ack && ack->body_as_AdminAck()->ok());
    auto c = tenant("tenant-c");
    c->client().mass_cancel();  // each partition snapshots after its next command
    const auto snapshots = [&] {
      int n = 0;
      for (const auto& e : std::filesystem::recursive_directory_iterator(server_->journal_dir()))
        n += e.path().filename().string().starts_with("snapshot-") &&
             !e.path().filename().string().ends_with(".tmp");  // written, not being written
      return n;
    };
    for (int i = 0; i < 500 && snapshots() < 2; ++i)
      std::this_thread::sleep_for(10ms);
    ASSERT_GE(snapshots(), 2);
  }
  restart();
  ASSERT_NE(server_->output().find("loaded snapshot"), std::string::npos) << server_->output();
  expect_pool_shared(200);
}

TEST_F(FairShareTest, APrincipalsSessionsAreBounded) {
  start(fair_config(65536, "[limits.tenant]\nsessions = 2\n"));
  auto a1 = tenant("tenant-a");
  auto a2 = tenant("tenant-a");
  auto a3 = connect();
  const auto third = a3->logon("tenant-a", wire::Role::Tenant);
  EXPECT_EQ(third.reason, RejectReason::PrincipalSessionLimit) << third.text;
  EXPECT_TRUE(a3->closed_by_server(2s));
  auto b1 = tenant("tenant-b");
  auto b2 = tenant("tenant-b");
  EXPECT_EQ(bid(*a1, 1), RejectReason::None) << "the sessions logged on are unharmed";
  // One gone, another may come.
  a2.reset();
  bool again = false;
  for (int i = 0; i < 100 && !again; ++i) {
    auto c = connect();
    again = c->logon("tenant-a", wire::Role::Tenant).ok();
    if (!again) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(again);
}

TEST_F(FairShareTest, SubscriptionsAndDepthAreBoundedOverAPrincipalsSessions) {
  start(fair_config(65536, "[limits.tenant]\nsubscriptions = 3\ndepth_levels = 5\n"));
  auto a1 = tenant("tenant-a");
  auto a2 = tenant("tenant-a");
  const std::uint32_t two[] = {1, 2};
  a1->client().subscribe_market_data(two, 5);
  ASSERT_TRUE(a1->next(wire::Body::BookSnapshot)) << "within the limits";
  const std::uint32_t more[] = {3, 9};
  a2->client().subscribe_market_data(more, 5);
  auto err = a2->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::SubscriptionLimit) << err->text;
  a2->client().subscribe_market_data(two, 5);  // the other session's count, not its instruments
  err = a2->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::SubscriptionLimit) << err->text;
  const std::uint32_t one[] = {3};
  a2->client().subscribe_market_data(one, 6);
  err = a2->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::DepthLimit) << err->text;
  a2->client().subscribe_market_data(one, 5);
  const wire::Message* snap = a2->next(wire::Body::BookSnapshot);
  ASSERT_TRUE(snap) << "the third instrument fits";
  EXPECT_EQ(snap->body_as_BookSnapshot()->instrument(), 3u);
  a1->client().subscribe_market_data(two, 5);  // again: already counted, nothing new
  EXPECT_FALSE(a1->error(500ms));
  // All spot instruments (4) pass tenant-a's 3; another tenant has its own count.
  auto b = tenant("tenant-b");
  b->client().subscribe_market_data({}, 5);
  err = b->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::SubscriptionLimit);
  b->client().subscribe_market_data(more, 5);
  EXPECT_TRUE(b->next(wire::Body::BookSnapshot)) << "tenant-a's subscriptions are not its own";
}

TEST_F(FairShareTest, ThePrincipalsRateHoldsAcrossAllItsSessions) {
  // The per-session bucket (server defaults: 200,000 a second) never binds here.
  start(fair_config(65536, "[limits.tenant]\nrequests_per_s = 1\nrequests_burst = 10\n"));
  std::vector<std::unique_ptr<Conn>> a;
  for (int i = 0; i < 3; ++i)
    a.push_back(tenant("tenant-a"));
  std::uint64_t id = 0;
  for (auto& c : a)
    for (int i = 0; i < 6; ++i)  // 18 in all, 6 a session
      c->order(++id, 1, Side::Buy, 100, 1, TimeInForce::Ioc);
  int limited = 0, rate_limited = 0;
  for (auto& c : a)
    for (auto r = c->report(1s); r; r = c->report(300ms))
      if (r->kind == ExecKind::Rejected) {
        limited += r->reject_reason == RejectReason::PrincipalRateLimited;
        rate_limited += r->reject_reason == RejectReason::RateLimited;
      }
  EXPECT_GE(limited, 7) << "18 requests past a burst of 10 (plus at most one refill)";
  EXPECT_LE(limited, 8);
  EXPECT_EQ(rate_limited, 0) << "no session passed its own limit";
  auto b = tenant("tenant-b");
  EXPECT_EQ(bid(*b, 1), RejectReason::None) << "another principal is unaffected";
  EXPECT_EQ(bid(*b, 2), RejectReason::None);
}

}  // namespace
}  // namespace swarmex::e2e
