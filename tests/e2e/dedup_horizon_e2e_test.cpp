// The dedup horizon over real sockets and real restarts: a client order id whose order ended is
// refused while it is among the principal's last `dedup_horizon_orders` ended (or ended within
// `dedup_horizon_ms`), and accepted again after. A restart, from a snapshot plus the journal
// after it or from the journal alone, answers a resend exactly as before: a client resending
// after a reconnect is not filled twice.
#include <filesystem>
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class DedupHorizonTest : public E2eTest {
 protected:
  void SetUp() override {}
  void start(const std::string& server_extra) {
    std::string config = testing::test_config(server_extra, "sync", 2);
    const std::string seg = "segment_bytes = 1048576\n";
    config.replace(config.find(seg), seg.size(), seg + "snapshot_interval = 0\n");
    server_ = std::make_unique<testing::ServerProcess>(SWARMEX_SERVER_BINARY, dir_.path(), config);
    server_->start();
  }
  std::unique_ptr<Conn> logon(const std::string& name, wire::Role role) {
    auto c = connect();
    auto r = c->client().logon(name, name + "-token", role, 0, false, 5s, false);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }
  int snapshots(int partition) {
    int n = 0;
    const auto dir =
        std::filesystem::path(server_->journal_dir()) / ("partition-" + std::to_string(partition));
    for (const auto& e : std::filesystem::directory_iterator(dir))
      n += e.path().filename().string().rfind("snapshot-", 0) == 0;
    return n;
  }
  void take_snapshot() {
    const int before0 = snapshots(0), before1 = snapshots(1);
    auto op = logon("operator", wire::Role::Operator);
    op->client().admin_take_snapshot(1);
    const wire::Message* ack = op->next(wire::Body::AdminAck);
    ASSERT_TRUE(ack && ack->body_as_AdminAck()->ok());
    auto idle = logon("tenant-c", wire::Role::Tenant);
    idle->client().mass_cancel();
    for (int i = 0; i < 500 && (snapshots(0) == before0 || snapshots(1) == before1); ++i)
      std::this_thread::sleep_for(10ms);
    ASSERT_GT(snapshots(0), before0);
    ASSERT_GT(snapshots(1), before1);
  }
  void restart(bool from_snapshot) {
    server_->kill();
    server_->start();
    EXPECT_EQ(server_->output().find("loaded snapshot") != std::string::npos, from_snapshot)
        << server_->output();
  }
  // An IOC bid nobody sells to: accepted, then its remainder cancelled (the order ended).
  static void ended_order(Conn& t, std::uint64_t client_id) {
    t.order(client_id, 1, Side::Buy, 500, 1, wire::TimeInForce::Ioc);
    const auto acc = t.report();
    ASSERT_TRUE(acc);
    ASSERT_EQ(acc->kind, ExecKind::Accepted) << client_id;
    const auto end = t.report();
    ASSERT_TRUE(end);
    ASSERT_EQ(end->kind, ExecKind::Cancelled) << client_id;
  }
  static void refused(Conn& t, std::uint64_t client_id) {
    t.order(client_id, 1, Side::Buy, 500, 1, wire::TimeInForce::Ioc);
    EXPECT_EQ(t.rejection(), RejectReason::DuplicateClientOrderId) << client_id;
  }

  // Ids 1..6 end (horizon: the last three), the snapshot (if any) after the fifth; a restart;
  // then the last three are refused, the older ones accepted.
  void resend_after_restart(bool from_snapshot) {
    start("dedup_horizon_orders = 3\n");
    {
      auto t = logon("tenant-a", wire::Role::Tenant);
      for (std::uint64_t id = 1; id <= 5; ++id)
        ended_order(*t, id);
      refused(*t, 3);  // live: within the horizon
      if (from_snapshot) take_snapshot();
      ended_order(*t, 6);  // after the snapshot: the journal replays it
      refused(*t, 4);
    }
    restart(from_snapshot);
    auto t = logon("tenant-a", wire::Role::Tenant);
    for (std::uint64_t id : {4, 5, 6})
      refused(*t, id);
    ended_order(*t, 3);  // outside the horizon: a new order
    ended_order(*t, 1);
    refused(*t, 3);  // and remembered again
  }
};

TEST_F(DedupHorizonTest, ResendWithinTheHorizonIsRefusedAfterARestartFromASnapshot) {
  resend_after_restart(true);
}

TEST_F(DedupHorizonTest, ResendWithinTheHorizonIsRefusedAfterAJournalReplay) {
  resend_after_restart(false);
}

TEST_F(DedupHorizonTest, AnIdEndedLongerAgoThanTheTimeHorizonIsAcceptedAgain) {
  start("dedup_horizon_orders = 1000\ndedup_horizon_ms = 400\n");
  {
    auto t = logon("tenant-a", wire::Role::Tenant);
    ended_order(*t, 1);
    refused(*t, 1);
    std::this_thread::sleep_for(600ms);
    ended_order(*t, 2);  // ends 600 ms after the first: the first leaves the window
  }
  restart(false);
  auto t = logon("tenant-a", wire::Role::Tenant);
  ended_order(*t, 1);
  refused(*t, 1);  // just ended again
  std::this_thread::sleep_for(600ms);
  ended_order(*t, 2);  // ended over 400 ms ago: free again even with nothing ended since
}

}  // namespace
}  // namespace swarmex::e2e
