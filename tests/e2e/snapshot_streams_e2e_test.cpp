// Recovery from a snapshot plus the journal after it leaves the gateway as a full replay would:
// report and fill stream numbers continue, resting orders keep their client order ids, exchange
// order ids never repeat, and a resume from before the snapshot gets a clear answer. Real swarmexd
// processes, killed with SIGKILL and started again on the same journal.
#include <filesystem>
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

struct FillMsg {
  std::uint64_t stream_seq, buy_order_id, sell_order_id;
  std::int64_t qty, price;
};

std::optional<FillMsg> fill(Conn& c, std::chrono::milliseconds timeout = 5s) {
  const wire::Message* m = c.next(wire::Body::Fill, timeout);
  if (m == nullptr) return std::nullopt;
  const auto* f = m->body_as_Fill();
  return FillMsg{f->stream_seq(), f->buy_order_id(), f->sell_order_id(), f->qty(), f->price()};
}

// Instrument 4 trades in pool-b: the second partition (pool-a's instruments are on the first).
const std::string kPoolB =
    "[[instruments]]\nid = 4\nsymbol = \"cpu.pool-b2.spot\"\nresource = \"cpu\"\npool = "
    "\"pool-b\"\ntick = 100\nband_min = 100\nband_max = 10000000\n\n";

class SnapshotStreamsTest : public E2eTest {
 protected:
  void SetUp() override { start(0); }
  void start(int snapshot_interval) {
    std::string config = testing::test_config("", "sync", 2, kPoolB);
    const std::string seg = "segment_bytes = 1048576\n";
    config.replace(config.find(seg), seg.size(),
                   seg + "snapshot_interval = " + std::to_string(snapshot_interval) + "\n");
    server_ = std::make_unique<testing::ServerProcess>(SWARMEX_SERVER_BINARY, dir_.path(), config);
    server_->start();
  }
  std::unique_ptr<Conn> logon(const std::string& name, wire::Role role, std::uint64_t resume = 0,
                              client::LogonResult* out = nullptr) {
    auto c = connect();
    auto r = c->client().logon(name, name + "-token", role, resume, false, 5s,
                               /*keep_orders=*/role == wire::Role::Host);
    EXPECT_TRUE(r.ok()) << r.text;
    if (out != nullptr) *out = r;
    return c;
  }
  // Snapshot files of one partition.
  int snapshots(int partition) {
    int n = 0;
    const auto dir =
        std::filesystem::path(server_->journal_dir()) / ("partition-" + std::to_string(partition));
    for (const auto& e : std::filesystem::directory_iterator(dir))
      n += e.path().filename().string().starts_with("snapshot-") &&
           !e.path().filename().string().ends_with(".tmp");  // written, not being written
    return n;
  }
  // Admin TakeSnapshot; each partition takes it after its next batch, so every partition gets one
  // (a mass cancel of a principal with no orders), then waits for the files.
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
  void crash_and_restart() {
    server_->kill();
    server_->start();
    ASSERT_NE(server_->output().find("loaded snapshot"), std::string::npos) << server_->output();
  }
};

TEST_F(SnapshotStreamsTest, StreamsOrderIdsAndClientIdsContinueAfterASnapshot) {
  std::uint64_t max_order_id = 0;
  {
    auto h = logon("host-a1", wire::Role::Host);
    h->client().subscribe_fills(1, 0);
    auto t = logon("tenant-a", wire::Role::Tenant);
    auto hb = logon("host-b1", wire::Role::Host);
    auto tb = logon("tenant-b", wire::Role::Tenant);
    h->order(1, 1, Side::Sell, 1000, 5);
    h->order(2, 1, Side::Sell, 1100, 10);  // rests through the snapshot and the restart
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
    const auto resting_ask = h->report();
    ASSERT_EQ(resting_ask->kind, ExecKind::Accepted);
    t->order(1, 1, Side::Buy, 1000, 5, wire::TimeInForce::Ioc);
    ASSERT_EQ(t->report()->stream_seq, 1u);  // accepted
    ASSERT_EQ(t->report()->stream_seq, 2u);  // filled
    t->order(2, 1, Side::Buy, 500, 3);       // rests through the snapshot and the restart
    const auto resting_bid = t->report();
    ASSERT_EQ(resting_bid->stream_seq, 3u);
    ASSERT_EQ(fill(*h)->stream_seq, 1u);
    // The second partition: host-b1 sells on instrument 4, tenant-b buys.
    hb->order(1, 4, Side::Sell, 2000, 4);
    ASSERT_EQ(hb->report()->kind, ExecKind::Accepted);
    tb->order(1, 4, Side::Buy, 2000, 2, wire::TimeInForce::Ioc);
    ASSERT_EQ(tb->report()->stream_seq, 1u);
    ASSERT_EQ(tb->report()->stream_seq, 2u);
    max_order_id = std::max(resting_ask->order_id, resting_bid->order_id);

    take_snapshot();

    t->order(3, 1, Side::Buy, 1100, 2, wire::TimeInForce::Ioc);  // after the snapshot
    const auto acc = t->report();
    const auto filled = t->report();
    ASSERT_TRUE(acc && filled);
    EXPECT_EQ(acc->stream_seq, 4u);
    EXPECT_EQ(filled->stream_seq, 5u);
    const auto f2 = fill(*h);
    ASSERT_TRUE(f2);
    EXPECT_EQ(f2->stream_seq, 2u);
    max_order_id = std::max(max_order_id, acc->order_id);
  }
  crash_and_restart();

  // The tenant resumes from the last report it saw before the snapshot: exactly the later ones.
  client::LogonResult lr;
  auto t = logon("tenant-a", wire::Role::Tenant, 3, &lr);
  EXPECT_EQ(lr.next_stream_seq, 6u);
  auto r4 = t->report();
  auto r5 = t->report();
  ASSERT_TRUE(r4 && r5);
  EXPECT_EQ(r4->stream_seq, 4u);
  EXPECT_EQ(r4->kind, ExecKind::Accepted);
  EXPECT_EQ(r4->client_order_id, 3u);
  EXPECT_EQ(r5->stream_seq, 5u);
  EXPECT_EQ(r5->kind, ExecKind::Filled);
  EXPECT_FALSE(t->report(300ms));

  // The host resubscribes from its saved fill sequence: the fill after it, with its number.
  auto h = logon("host-a1", wire::Role::Host);
  h->client().subscribe_fills(1, 1);
  const auto f2 = fill(*h);
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->stream_seq, 2u);
  EXPECT_EQ(f2->qty, 2);
  EXPECT_EQ(f2->price, 1100);
  EXPECT_FALSE(fill(*h, 300ms));

  // A client order id of an order resting since before the snapshot: still refused as a
  // duplicate, and it still names the order (modify, cancel).
  h->order(2, 1, Side::Sell, 1200, 1);
  EXPECT_EQ(h->rejection(), RejectReason::DuplicateClientOrderId);
  h->client().modify_order(1, client::OrderRef{2, 0}, 1100, 6);
  EXPECT_EQ(h->report()->kind, ExecKind::Accepted);
  const auto mod = h->report();
  ASSERT_TRUE(mod);
  EXPECT_EQ(mod->kind, ExecKind::Modified);
  EXPECT_EQ(mod->client_order_id, 2u);
  EXPECT_EQ(mod->stream_seq, 6u);  // 3 before the snapshot, a fill after it, the accept
  t->client().cancel_order(1, client::OrderRef{2, 0});
  const auto cancel_acc = t->report();
  ASSERT_TRUE(cancel_acc);
  EXPECT_EQ(cancel_acc->kind, ExecKind::Accepted);
  EXPECT_EQ(cancel_acc->stream_seq, 6u);
  const auto cancelled = t->report();
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->kind, ExecKind::Cancelled);
  EXPECT_EQ(cancelled->client_order_id, 2u);
  EXPECT_EQ(cancelled->stream_seq, 7u);

  // A new order gets a fresh exchange order id, and fills continue both streams.
  t->order(4, 1, Side::Buy, 1100, 1, wire::TimeInForce::Ioc);
  const auto acc = t->report();
  ASSERT_TRUE(acc);
  EXPECT_EQ(acc->stream_seq, 8u);
  EXPECT_GT(acc->order_id, max_order_id);
  EXPECT_EQ(t->report()->stream_seq, 9u);
  const auto f3 = fill(*h);
  ASSERT_TRUE(f3);
  EXPECT_EQ(f3->stream_seq, 3u);

  // The second partition's principals: their numbers continue too; everything they had came before
  // the snapshot, which the restart no longer holds: a resume from before it is refused clearly.
  auto hb = logon("host-b1", wire::Role::Host, 0, &lr);
  EXPECT_EQ(lr.next_stream_seq, 3u);  // accepted, filled
  hb->client().subscribe_fills(2, 1);
  EXPECT_FALSE(hb->error(300ms));
  hb->client().subscribe_fills(2, 0);
  const auto err = hb->error();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->reason, RejectReason::InvalidParameter);
  EXPECT_NE(err->text.find("the oldest held is 2"), std::string::npos) << err->text;
  auto tb = logon("tenant-b", wire::Role::Tenant, 1, &lr);
  EXPECT_EQ(lr.next_stream_seq, 3u);
  const auto terr = tb->error();
  ASSERT_TRUE(terr);
  EXPECT_EQ(terr->reason, RejectReason::InvalidParameter);
  EXPECT_FALSE(tb->report(300ms));
}

TEST_F(SnapshotStreamsTest, NoOrderAfterTheSnapshotStillGivesFreshOrderIds) {
  std::uint64_t max_order_id = 0;
  {
    auto h = logon("host-a1", wire::Role::Host);
    for (std::uint64_t i = 1; i <= 3; ++i) {
      h->order(i, 1, Side::Sell, 1000 + 100 * static_cast<std::int64_t>(i), 2);
      const auto r = h->report();
      ASSERT_TRUE(r);
      max_order_id = std::max(max_order_id, r->order_id);
    }
    take_snapshot();
  }
  crash_and_restart();
  auto t = logon("tenant-a", wire::Role::Tenant);
  t->order(1, 1, Side::Buy, 1100, 2);  // fills the first ask, resting since before the snapshot
  const auto acc = t->report();
  ASSERT_TRUE(acc);
  EXPECT_GT(acc->order_id, max_order_id);
  EXPECT_EQ(acc->stream_seq, 1u);
  auto h = logon("host-a1", wire::Role::Host, 3);  // its 3 accepts came before the snapshot
  const auto maker = h->report();
  ASSERT_TRUE(maker);
  EXPECT_EQ(maker->kind, ExecKind::Filled);
  EXPECT_EQ(maker->stream_seq, 4u);
  EXPECT_EQ(maker->client_order_id, 1u);  // the maker's client id, known from the snapshot
  // The book a market-data subscriber sees holds the asks resting since before the snapshot.
  const std::uint32_t ids[] = {1};
  t->client().subscribe_market_data(ids, 5);
  const wire::Message* snap = t->next(wire::Body::BookSnapshot);
  ASSERT_NE(snap, nullptr);
  ASSERT_EQ(snap->body_as_BookSnapshot()->asks()->size(), 2u);
  EXPECT_EQ(snap->body_as_BookSnapshot()->asks()->Get(0)->price(), 1200);
}

// Snapshots every few commands per partition, so they fall anywhere in the flow.
TEST_F(SnapshotStreamsTest, AutomaticSnapshotsMidFlowKeepEveryNumber) {
  server_->stop();
  start(7);
  std::vector<Report> live;
  std::vector<FillMsg> live_fills;
  {
    auto h = logon("host-a1", wire::Role::Host);
    h->client().subscribe_fills(1, 0);
    auto t = logon("tenant-a", wire::Role::Tenant);
    for (std::uint64_t i = 1; i <= 30; ++i) {
      h->order(i, 1, Side::Sell, 1000, 2);
      ASSERT_TRUE(h->report());
      t->order(i, 1, Side::Buy, 1000, 2, wire::TimeInForce::Ioc);
      for (int k = 0; k < 2; ++k) {
        const auto r = t->report();
        ASSERT_TRUE(r);
        live.push_back(*r);
      }
      const auto f = fill(*h);
      ASSERT_TRUE(f);
      live_fills.push_back(*f);
    }
    ASSERT_GT(snapshots(0), 0);
  }
  crash_and_restart();
  for (std::size_t i = 0; i < live.size(); ++i)
    ASSERT_EQ(live[i].stream_seq, i + 1);

  // The host, caught up, resubscribes from its last fill: nothing again, and the next fill
  // carries the next number (a renumbered stream would make it skip that fill as a duplicate).
  auto h = logon("host-a1", wire::Role::Host);
  h->client().subscribe_fills(1, live_fills.back().stream_seq);
  EXPECT_FALSE(fill(*h, 300ms));
  EXPECT_FALSE(h->error(100ms));

  // A tenant resuming from anywhere gets exactly the later reports still held, with their live
  // numbers, or (before the newest snapshot) an error naming the oldest held, then those.
  client::LogonResult lr;
  const std::uint64_t from = 10;
  auto t = logon("tenant-a", wire::Role::Tenant, from, &lr);
  EXPECT_EQ(lr.next_stream_seq, live.size() + 1);
  std::vector<std::uint64_t> got;
  std::string error;
  for (;;) {
    const wire::Message* m = t->client().receive(500ms);
    if (m == nullptr) break;
    if (m->body_type() == wire::Body::Error) error = m->body_as_Error()->text()->str();
    if (m->body_type() != wire::Body::ExecutionReport) continue;
    const auto* r = m->body_as_ExecutionReport();
    ASSERT_GE(r->stream_seq(), 1u);
    ASSERT_LE(r->stream_seq(), live.size());
    const Report& was = live[r->stream_seq() - 1];
    EXPECT_EQ(r->order_id(), was.order_id);
    EXPECT_EQ(r->client_order_id(), was.client_order_id);
    EXPECT_EQ(r->kind(), was.kind);
    got.push_back(r->stream_seq());
  }
  ASSERT_FALSE(got.empty());
  for (std::size_t i = 1; i < got.size(); ++i)
    EXPECT_EQ(got[i], got[i - 1] + 1);
  EXPECT_EQ(got.back(), live.size());
  if (got.front() == from + 1)
    EXPECT_EQ(error, "");
  else
    EXPECT_NE(error.find("the oldest held is " + std::to_string(got.front())), std::string::npos)
        << error;

  // Trading goes on with the next numbers on both streams.
  h->order(100, 1, Side::Sell, 1000, 1);
  ASSERT_TRUE(h->report());
  t->order(100, 1, Side::Buy, 1000, 1, wire::TimeInForce::Ioc);
  const auto a = t->report();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->stream_seq, live.size() + 1);
  const auto f = fill(*h);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->stream_seq, live_fills.back().stream_seq + 1);
  EXPECT_GT(a->order_id, live.back().order_id);
}

}  // namespace
}  // namespace swarmex::e2e
