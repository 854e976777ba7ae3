// Real swarmexd nodes on a real 3-node NATS cluster (durability "replicated"): a hot standby takes
// over from a killed leader with every acknowledged order and nothing to replay, a standby whose
// state differs from the leader's at the same sequence stops and says where, and a paused leader
// that another node replaced acknowledges nothing after it resumes (its append is fenced: it
// exits, status 75).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

#include "cluster_node_process.hpp"
#include "metrics_scrape.hpp"
#include "nats_fixture.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/client/failover_session.hpp"
#include "swarmex/cluster/fenced_publisher.hpp"
#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/record.hpp"

namespace swarmex::testing {
namespace {

using namespace std::chrono_literals;
using e2e::http_get;
using e2e::port_after;
using e2e::sample;

// A tenant session: logs on, places orders, reads execution reports.
struct Tenant {
  client::Client c;
  client::LogonResult logon;
  explicit Tenant(int port) {
    c.connect("127.0.0.1", static_cast<std::uint16_t>(port), 5s);
    logon = c.logon("tenant-a", "tenant-a-token", wire::Role::Tenant);
  }
  void order(std::uint64_t id, std::uint32_t instrument, std::int64_t price) {
    client::OrderSpec o;
    o.client_order_id = id;
    o.instrument = instrument;
    o.side = wire::Side::Buy;
    o.time_in_force = wire::TimeInForce::Gtc;
    o.price = price;
    o.qty = 1;
    c.new_order(o);
  }
  // The next execution report's kind, or nullopt (timeout or a closed connection).
  std::optional<wire::ExecKind> report(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
      while (std::chrono::steady_clock::now() < deadline) {
        const wire::Message* m = c.receive(deadline - std::chrono::steady_clock::now());
        if (m != nullptr && m->body_type() == wire::Body::ExecutionReport)
          return m->body_as_ExecutionReport()->kind();
      }
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
};

// The number just before `tail` in `out` (0 when absent).
std::uint64_t number_before(const std::string& out, const std::string& tail) {
  const auto at = out.rfind(tail);
  if (at == std::string::npos || at == 0) return 0;
  auto from = at - 1;
  while (from > 0 && std::isdigit(static_cast<unsigned char>(out[from - 1])))
    --from;
  return std::strtoull(out.c_str() + from, nullptr, 10);
}

class ClusterFailoverTest : public NatsClusterTest {
 protected:
  std::unique_ptr<ClusterNodeProcess> node(const std::string& name,
                                           const std::string& server_extra = "") {
    const std::string d = dir_.str() + "/" + name;
    std::filesystem::create_directories(d);
    return std::make_unique<ClusterNodeProcess>(d, name, cluster_->urls(), unique("swx"),
                                                "replicated", "", server_extra);
  }
  // `a` leading, then `b` standing by: a's port (0 when either did not get there).
  static int start_pair(ClusterNodeProcess& a, ClusterNodeProcess& b) {
    a.start();
    const int port = a.wait_leader(30000);
    EXPECT_NE(port, 0) << a.output();
    if (port == 0) return 0;
    b.start();
    const bool standing_by = b.wait_standby(30000);
    EXPECT_TRUE(standing_by) << b.output();
    return standing_by ? port : 0;
  }
  common::TempDir dir_;
};

TEST_F(ClusterFailoverTest, KilledLeaderIsReplacedByTheStandbyWithEveryAcknowledgedOrder) {
  auto a = node("a");
  auto b = node("b", "metrics_listen = \"127.0.0.1:0\"");
  const int port_a = start_pair(*a, *b);
  ASSERT_NE(port_a, 0);
  const int metrics_b = port_after(b->output(), "standby metrics on port ");
  ASSERT_NE(metrics_b, 0) << b->output();

  std::uint64_t acked = 0;
  std::uint64_t history = 0;
  {
    Tenant t(port_a);
    ASSERT_TRUE(t.logon.ok()) << t.logon.text;
    history = t.logon.history;
    for (std::uint64_t i = 1; i <= 40; ++i) {
      t.order(i, i % 2 == 0 ? 1 : 3,
              1000 + 100 * static_cast<std::int64_t>(i % 7));  // both partitions
      const auto k = t.report(5s);
      ASSERT_TRUE(k.has_value()) << "order " << i;
      ASSERT_EQ(*k, wire::ExecKind::Accepted);
      ++acked;
    }
  }
  // The standby is watched while it follows: a standby, every order applied, hashes checked, and
  // nothing left behind once it has caught up.
  std::string scraped;
  for (int i = 0; i < 100; ++i) {
    scraped = http_get(metrics_b, "/metrics");
    if (sample(scraped, "swarmex_cluster_followed_commands_total") >= static_cast<double>(acked) &&
        sample(scraped, "swarmex_cluster_standby_behind_messages{partition=\"0\"}") == 0)
      break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(sample(scraped, "swarmex_cluster_leader"), 0) << scraped;
  EXPECT_GE(sample(scraped, "swarmex_cluster_followed_commands_total"), static_cast<double>(acked))
      << scraped;
  EXPECT_GE(sample(scraped, "swarmex_cluster_state_hash_checks_total"), 2) << scraped;
  EXPECT_EQ(sample(scraped, "swarmex_cluster_standby_behind_messages{partition=\"0\"}"), 0)
      << scraped;
  a->kill();
  const auto t0 = std::chrono::steady_clock::now();
  const int port_b = b->wait_leader(30000);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  ASSERT_NE(port_b, 0) << b->output();
  std::printf("leader killed: standby listening as leader after %lld ms\n",
              static_cast<long long>(ms));
  // Hot: the standby applied the streams as they came, checking the leader's state hash after
  // each of its writes, and had nothing to replay when it took over.
  EXPECT_NE(b->output().find("none replayed at takeover"), std::string::npos) << b->output();
  EXPECT_GE(number_before(b->output(), " state hashes checked)"), 2u) << b->output();
  EXPECT_EQ(sample(http_get(metrics_b, "/metrics"), "swarmex_cluster_leader"), 1);

  // A client with both nodes' addresses finds the new leader and resumes its report stream:
  // the two reports after the point it had seen are replayed, in the same history.
  client::FailoverSession fs(
      {"127.0.0.1:" + std::to_string(port_a), "127.0.0.1:" + std::to_string(port_b)}, "tenant-a",
      "tenant-a-token", wire::Role::Tenant);
  fs.note_report(acked - 2);
  const auto resumed = fs.connect(2s, 20s);
  ASSERT_TRUE(resumed.ok()) << resumed.text;
  EXPECT_EQ(fs.current(), 1u);
  EXPECT_EQ(resumed.history, history);
  for (std::uint64_t seq = acked - 1; seq <= acked; ++seq) {
    const wire::Message* m = nullptr;
    for (int i = 0; i < 50 && m == nullptr; ++i) {
      m = fs.client().receive(100ms);
      if (m != nullptr && m->body_type() != wire::Body::ExecutionReport) m = nullptr;
    }
    ASSERT_NE(m, nullptr) << "report " << seq;
    EXPECT_EQ(m->body_as_ExecutionReport()->stream_seq(), seq);
  }

  EXPECT_EQ(resumed.next_stream_seq, acked + 1);  // every acknowledged order's report is there
  client::OrderSpec o;
  o.client_order_id = 1000;
  o.instrument = 1;
  o.side = wire::Side::Buy;
  o.price = 1500;
  o.qty = 1;
  fs.client().new_order(o);
  const wire::Message* ack = nullptr;
  for (int i = 0; i < 50 && ack == nullptr; ++i) {
    ack = fs.client().receive(100ms);
    if (ack != nullptr && ack->body_type() != wire::Body::ExecutionReport) ack = nullptr;
  }
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->body_as_ExecutionReport()->kind(), wire::ExecKind::Accepted);
  EXPECT_EQ(ack->body_as_ExecutionReport()->stream_seq(), acked + 1);

  // The CLI given both nodes finds the one leading (the old leader's port refuses).
  const std::string cli = std::string(SWARMEX_CLI) +
                          " order cancel --instrument 1 --client-order-id 1000 --json --server "
                          "127.0.0.1:" +
                          std::to_string(port_a) + ",127.0.0.1:" + std::to_string(port_b) +
                          " --principal tenant-a --token tenant-a-token 2>&1";
  std::string out;
  FILE* p = popen(cli.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr)
    out += buf;
  EXPECT_EQ(pclose(p), 0) << out;
  EXPECT_NE(out.find("\"kind\":\"cancelled\""), std::string::npos) << out;
  b->stop();
}

TEST_F(ClusterFailoverTest, StandbyWhoseStateDiffersFromTheLeadersStopsAndSaysWhere) {
  const std::string name = unique("swx");  // the nodes' cluster
  auto a = node("a");
  auto b = node("b");
  const int port_a = start_pair(*a, *b);
  ASSERT_NE(port_a, 0);
  {
    Tenant t(port_a);
    ASSERT_TRUE(t.logon.ok()) << t.logon.text;
    for (std::uint64_t i = 1; i <= 5; ++i) {
      t.order(i, 1, 1000);
      ASSERT_EQ(t.report(5s), wire::ExecKind::Accepted) << "order " << i;
    }
  }
  // A write after the leader's, claiming another state hash than the one its command gives (a
  // cancel of an order that does not exist: the state stays as it was).
  const std::string stream = cluster::journal_stream_name(name, 0);
  const cluster::StreamState st = cluster::stream_state(*js_, stream);
  const auto last = cluster::get_message(*js_, stream, st.last_seq);
  ASSERT_TRUE(last.has_value());
  const engine::Seq seq = std::stoull(last->header(cluster::kLastHeader)) + 1;
  engine::Command c{};
  c.kind = engine::CommandKind::CancelOrder;
  c.seq = seq;
  c.cancel.order_id = 999'999;
  c.cancel.owner = 1;
  c.cancel.instrument = 1;
  std::uint8_t record[journal::kMaxRecordBytes];
  const std::size_t len = journal::encode_record(c, record);
  const std::string forged = "00000000000000aa";
  const std::array<cluster::Header, 5> headers{
      cluster::Header{cluster::kKindHeader, "batch"},
      cluster::Header{cluster::kFirstHeader, std::to_string(seq)},
      cluster::Header{cluster::kLastHeader, std::to_string(seq)},
      cluster::Header{cluster::kNodeHeader, "forger"},
      cluster::Header{cluster::kHashHeader, forged}};
  cluster::FencedPublisher pub(*js_, stream, cluster::journal_subject(name, 0), "forger",
                               st.last_seq);
  ASSERT_EQ(pub.publish(std::span<const std::uint8_t>(record, len), headers).result,
            cluster::PublishResult::Ok);

  for (int i = 0; i < 100 && b->running(); ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(b->running()) << b->output();
  EXPECT_EQ(b->exit_code(), 1) << b->output();
  const std::string out = b->output();
  EXPECT_NE(out.find("partition 0: state diverged from node forger at seq " + std::to_string(seq)),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("its state hash " + forged), std::string::npos) << out;
  a->stop();
}

TEST_F(ClusterFailoverTest, PausedLeaderAcknowledgesNothingAfterItResumes) {
  auto a = node("a");
  auto b = node("b");
  const int port_a = start_pair(*a, *b);
  ASSERT_NE(port_a, 0);

  Tenant t(port_a);
  ASSERT_TRUE(t.logon.ok()) << t.logon.text;
  t.order(1, 1, 1000);
  const auto first = t.report(5s);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(*first, wire::ExecKind::Accepted);

  a->pause();           // SIGSTOP: its lease runs out while it cannot know
  t.order(2, 1, 1100);  // waits in A's socket
  const int port_b = b->wait_leader(30000);
  ASSERT_NE(port_b, 0) << b->output();
  a->resume();
  // Whatever A does once it runs again (the order's append, the lease's renewal), it acknowledges
  // nothing the cluster does not hold: the stream expects B's sequence now. (A batch of A's that
  // reached the stream before B's fence is the cluster's, and B applied it: then, and only then,
  // may its acknowledgement still go out.)
  const bool acked = t.report(3s).has_value();
  for (int i = 0; i < 100 && a->running(); ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(a->running());
  EXPECT_EQ(a->exit_code(), 75) << a->output();
  EXPECT_NE(a->output().find("deposed"), std::string::npos) << a->output();

  Tenant tb(port_b);
  ASSERT_TRUE(tb.logon.ok());
  // Order 2 acknowledged only if the new leader holds it.
  if (acked)
    EXPECT_EQ(tb.logon.next_stream_seq, 3u) << "an acknowledgement the cluster does not hold";
  else
    EXPECT_EQ(tb.logon.next_stream_seq, 2u);
  b->stop();
}

}  // namespace
}  // namespace swarmex::testing
