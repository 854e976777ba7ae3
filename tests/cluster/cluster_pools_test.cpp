// Pools across clusters on a real 3-node NATS cluster: two swarmexd clusters (one node each) serve
// pool-a and pool-b; an order sent to the wrong one is refused pool_on_another_node with where
// its pool lives, a swarm with legs in both is refused legs_span_nodes, and a third cluster
// claiming a pool already served stops at start with the reason.
#include <chrono>
#include <filesystem>
#include <thread>

#include "cluster_node_process.hpp"
#include "nats_fixture.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/temp_dir.hpp"

namespace swarmex::testing {
namespace {

using namespace std::chrono_literals;

struct Answer {
  wire::ExecKind kind = wire::ExecKind::Expired;  // none came
  wire::RejectReason reason = wire::RejectReason::None;
  std::string text;
};

// The test catalog's instruments are all in pool-a: instrument 4 is pool-b's.
constexpr const char* kPoolB =
    "[[instruments]]\nid = 4\nsymbol = \"mem.pool-b.spot\"\nresource = \"mem\"\n"
    "pool = \"pool-b\"\ntick = 100\nband_min = 100\nband_max = 10000000\n";

class ClusterPoolsTest : public NatsClusterTest {
 protected:
  // A cluster of one node serving `pools` ("\"pool-a\""), the pool map of this test.
  std::unique_ptr<ClusterNodeProcess> node(const std::string& cluster, const std::string& pools) {
    const std::string d = dir_.str() + "/" + cluster;
    std::filesystem::create_directories(d);
    return std::make_unique<ClusterNodeProcess>(
        d, cluster, cluster_->urls(), unique(cluster), "replicated",
        "pools = [" + pools + "]\npool_map = \"" + unique("pools") + "\"\n\n" + kPoolB);
  }
  static Answer answer(client::Client& c) {
    for (int i = 0; i < 50; ++i) {
      const wire::Message* m = c.receive(100ms);
      if (m == nullptr || m->body_type() != wire::Body::ExecutionReport) continue;
      const auto* r = m->body_as_ExecutionReport();
      return {r->kind(), r->reject_reason(), r->text() ? r->text()->str() : std::string()};
    }
    return {wire::ExecKind::Expired, wire::RejectReason::None, "no report"};
  }
  static Answer buy(client::Client& c, std::uint64_t id, std::uint32_t instrument) {
    client::OrderSpec o;
    o.client_order_id = id;
    o.instrument = instrument;
    o.price = 1500;
    o.qty = 1;
    c.new_order(o);
    return answer(c);
  }
  common::TempDir dir_;
};

TEST_F(ClusterPoolsTest, EachClusterTakesOnlyItsPoolsAndSaysWhereTheOthersLive) {
  auto east = node("east", "\"pool-a\"");
  auto west = node("west", "\"pool-b\"");
  east->start();
  west->start();
  const int port_east = east->wait_leader(30000);
  const int port_west = west->wait_leader(30000);
  ASSERT_NE(port_east, 0) << east->output();
  ASSERT_NE(port_west, 0) << west->output();

  client::Client c;
  c.connect("127.0.0.1", static_cast<std::uint16_t>(port_east), 5s);
  ASSERT_TRUE(c.logon("tenant-a", "tenant-a-token", wire::Role::Tenant).ok());
  EXPECT_EQ(buy(c, 1, 1).kind, wire::ExecKind::Accepted);  // cpu.pool-a: served here

  // pool-b (instrument 4) lives on west: refused, naming west and its address (once east
  // has read the pool map, within a second of west's claim).
  const std::string west_at =
      "cluster " + unique("west") + " at 127.0.0.1:" + std::to_string(port_west);
  Answer elsewhere;
  for (std::uint64_t id = 2; id < 40; ++id) {
    elsewhere = buy(c, id, 4);
    if (elsewhere.text.find(west_at) != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(elsewhere.kind, wire::ExecKind::Rejected);
  EXPECT_EQ(elsewhere.reason, wire::RejectReason::PoolOnAnotherNode);
  EXPECT_NE(elsewhere.text.find(west_at), std::string::npos) << elsewhere.text;

  // A swarm with a leg in each cluster's pool: refused, saying both.
  client::SwarmSpec s;
  s.client_order_id = 100;
  s.legs = {wire::SwarmLeg(1, 1), wire::SwarmLeg(4, 1)};
  s.limit_total = 100000;
  c.new_swarm_order(s);
  const Answer span = answer(c);
  EXPECT_EQ(span.kind, wire::ExecKind::Rejected);
  EXPECT_EQ(span.reason, wire::RejectReason::LegsSpanNodes);
  EXPECT_NE(span.text.find("served here"), std::string::npos) << span.text;

  // West takes pool-b and refuses pool-a the same way.
  client::Client w;
  w.connect("127.0.0.1", static_cast<std::uint16_t>(port_west), 5s);
  ASSERT_TRUE(w.logon("tenant-b", "tenant-b-token", wire::Role::Tenant).ok());
  EXPECT_EQ(buy(w, 1, 4).kind, wire::ExecKind::Accepted);
  const std::string east_at =
      "cluster " + unique("east") + " at 127.0.0.1:" + std::to_string(port_east);
  Answer back;
  for (std::uint64_t id = 2; id < 40; ++id) {
    back = buy(w, id, 1);
    if (back.text.find(east_at) != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(back.reason, wire::RejectReason::PoolOnAnotherNode);
  EXPECT_NE(back.text.find(east_at), std::string::npos) << back.text;

  // A third cluster claiming pool-a stops at start, naming the cluster that serves it.
  auto south = node("south", "\"pool-a\"");
  south->start();
  for (int i = 0; i < 300 && south->running(); ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(south->running());
  EXPECT_NE(south->output().find("pool 'pool-a' is served by cluster " + unique("east")),
            std::string::npos)
      << south->output();
  east->stop();
  west->stop();
}

}  // namespace
}  // namespace swarmex::testing
