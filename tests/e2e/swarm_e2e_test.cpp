// Swarm orders over a real socket: every leg fills in one step from the host the placement
// allows (and that host receives a fill per leg), templates expand on the server, an unfillable
// IOC trades nothing, a resting GTC swarm survives a crash and fills afterwards, and every
// malformed or misplaced swarm order gets its reject reason.
#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

// Instruments 1 cpu, 2 mem (pool-a, partition 0); 20 in pool-z (partition 1); 21 in pool-y
// (partition 0).
const char* kExtra = R"(
[[instruments]]
id = 20
symbol = "cpu.pool-z.spot"
resource = "cpu"
pool = "pool-z"
tick = 100
band_min = 100
band_max = 10000000

[[instruments]]
id = 21
symbol = "cpu.pool-y.spot"
resource = "cpu"
pool = "pool-y"
tick = 100
band_min = 100
band_max = 10000000

[[templates]]
name = "small"
placement = "same-host"
legs = [{ resource = "cpu", qty = 2 }, { resource = "mem", qty = 4 }]
)";

class SwarmE2eTest : public E2eTest {
 protected:
  void SetUp() override { start_server("", "sync", 2, kExtra); }

  static void swarm(Conn& c, std::uint64_t id, std::vector<wire::SwarmLeg> legs, std::int64_t limit,
                    wire::Placement p = wire::Placement::SameHost,
                    wire::TimeInForce tif = wire::TimeInForce::Ioc) {
    client::SwarmSpec s;
    s.client_order_id = id;
    s.legs = std::move(legs);
    s.placement = p;
    s.limit_total = limit;
    s.time_in_force = tif;
    c.client().new_swarm_order(s);
  }
  // host-a1 sells cpu and mem; host-b1 sells cheaper cpu only.
  void stock() {
    a1_ = host("host-a1");
    b1_ = host("host-b1");
    a1_->order(1, 1, Side::Sell, 1000, 8);
    a1_->order(2, 2, Side::Sell, 500, 16);
    b1_->order(1, 1, Side::Sell, 900, 8);
    for (Conn* h : {a1_.get(), a1_.get(), b1_.get()})
      ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  }
  std::unique_ptr<Conn> a1_, b1_;
};

TEST_F(SwarmE2eTest, SameHostSwarmFillsEveryLegAtOnceAndTheHostGetsEachFill) {
  stock();
  a1_->client().subscribe_fills(1, 0);
  auto t = tenant();
  swarm(*t, 7, {{1, 4}, {2, 8}}, 100'000);
  auto acc = t->report();
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->client_order_id, 7u);
  EXPECT_EQ(acc->instrument, 1u) << "reports name the first leg";
  EXPECT_EQ(acc->qty, 12);
  EXPECT_EQ(acc->price, 100'000);
  auto f1 = t->report();
  auto f2 = t->report();
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ(f1->kind, ExecKind::Filled);
  EXPECT_EQ(f1->instrument, 1u);
  EXPECT_EQ(f1->last_qty, 4);
  EXPECT_EQ(f1->last_price, 1000) << "host-a1's price: host-b1 has no mem";
  EXPECT_EQ(f1->host, 1u);
  EXPECT_EQ(f2->instrument, 2u);
  EXPECT_EQ(f2->last_qty, 8);
  EXPECT_EQ(f2->host, 1u);
  EXPECT_EQ(f2->leaves_qty, 0);
  EXPECT_EQ(f1->client_order_id, 7u);
  for (std::uint32_t inst : {1u, 2u}) {
    const wire::Message* m = a1_->next(wire::Body::Fill);
    ASSERT_NE(m, nullptr);
    const auto* f = m->body_as_Fill();
    EXPECT_EQ(f->instrument(), inst);
    EXPECT_EQ(f->tenant_name()->str(), "tenant-a");
    EXPECT_EQ(f->host(), 1u);
  }
}

TEST_F(SwarmE2eTest, TemplateExpandsOnTheServer) {
  stock();
  auto t = tenant();
  client::SwarmSpec s;
  s.client_order_id = 8;
  s.template_name = "small";
  s.template_count = 2;  // 4 cpu + 8 mem, same-host
  s.pool = "pool-a";
  s.limit_total = 100'000;
  t->client().new_swarm_order(s);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto f1 = t->report();
  auto f2 = t->report();
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ(f1->last_qty + f2->last_qty, 12);
  EXPECT_EQ(f2->leaves_qty, 0);
  s.client_order_id = 9;
  s.template_name = "no-such";
  t->client().new_swarm_order(s);
  EXPECT_EQ(t->rejection(), RejectReason::UnknownTemplate);
  s.client_order_id = 10;
  s.template_name = "small";
  s.pool = "pool-z";  // sells cpu but no mem
  t->client().new_swarm_order(s);
  EXPECT_EQ(t->rejection(), RejectReason::UnknownInstrument);
  s.client_order_id = 11;
  s.pool = "pool-a";
  s.template_count = 0;
  t->client().new_swarm_order(s);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidQuantity);
}

TEST_F(SwarmE2eTest, UnfillableIocTradesNothing) {
  stock();
  auto t = tenant();
  swarm(*t, 1, {{1, 4}, {2, 8}}, 7999);  // cheapest same-host total is 4x1000 + 8x500 = 8000
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  auto c = t->report();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, ExecKind::Cancelled);
  EXPECT_EQ(c->cancel_reason, CancelReason::SwarmUnfillable);
  EXPECT_EQ(c->qty, 12);
  // Everything is still for sale: a plain order takes all of host-a1's cpu.
  t->order(2, 1, Side::Buy, 1000, 16, wire::TimeInForce::Ioc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  std::int64_t got = 0;
  while (auto r = t->report(1s)) {
    if (r->kind == ExecKind::Filled) got += r->last_qty;
    if (r->leaves_qty == 0 || r->kind == ExecKind::Cancelled) break;
  }
  EXPECT_EQ(got, 16);
}

TEST_F(SwarmE2eTest, RestingSwarmSurvivesACrashAndFillsWhenSupplyArrives) {
  {
    auto t = tenant();
    swarm(*t, 5, {{1, 2}, {2, 4}}, 50'000, wire::Placement::SameHost, wire::TimeInForce::Gtc);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    swarm(*t, 6, {{1, 1}}, 50'000, wire::Placement::Any, wire::TimeInForce::Gtc);
    ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
    t->client().cancel_order(1, {.client_order_id = 6});
    auto acc = t->report();
    auto can = t->report();
    ASSERT_TRUE(acc && can);
    EXPECT_EQ(can->kind, ExecKind::Cancelled);
    EXPECT_EQ(can->cancel_reason, CancelReason::Requested);
    EXPECT_EQ(can->client_order_id, 6u);
    server_->kill();
  }
  server_->start();
  auto t = tenant();
  auto h = host("host-a1");
  h->order(1, 1, Side::Sell, 1000, 2);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  EXPECT_FALSE(t->report(300ms)) << "half the bundle is not enough";
  h->order(2, 2, Side::Sell, 500, 4);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto f1 = t->report();
  auto f2 = t->report();
  ASSERT_TRUE(f1 && f2);
  EXPECT_EQ(f1->kind, ExecKind::Filled);
  EXPECT_EQ(f1->client_order_id, 5u) << "the client id is known again after the restart";
  EXPECT_EQ(f2->client_order_id, 5u);
  EXPECT_EQ(f2->leaves_qty, 0);
}

TEST_F(SwarmE2eTest, EveryBadSwarmGetsItsReason) {
  auto h = host("host-a1");
  swarm(*h, 1, {{1, 1}}, 1000);
  EXPECT_EQ(h->rejection(), RejectReason::WrongRole) << "hosts sell; they do not buy swarms";
  auto t = tenant();
  swarm(*t, 0, {{1, 1}}, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::MalformedMessage) << "client order id 0";
  swarm(*t, 2, {{1, 1}, {20, 1}}, 1000, wire::Placement::Any);
  EXPECT_EQ(t->rejection(), RejectReason::LegsAcrossPartitions);
  swarm(*t, 3, {{1, 1}, {21, 1}}, 1000, wire::Placement::SamePool);
  EXPECT_EQ(t->rejection(), RejectReason::LegsNotSamePool);
  swarm(*t, 4, {}, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidLegs);
  std::vector<wire::SwarmLeg> nine;
  for (std::uint32_t i = 0; i < 9; ++i)
    nine.emplace_back(1, 1);
  swarm(*t, 5, nine, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidLegs);
  swarm(*t, 6, {{1, 1}, {1, 1}}, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidLegs) << "one instrument twice";
  swarm(*t, 7, {{1, 1}}, 1000, static_cast<wire::Placement>(9));
  EXPECT_EQ(t->rejection(), RejectReason::InvalidPlacement);
  swarm(*t, 8, {{1, 1}}, 1000, wire::Placement::Any, wire::TimeInForce::Fok);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidTimeInForce);
  swarm(*t, 9, {{1, 1}}, 0);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidPrice);
  swarm(*t, 10, {{99, 1}}, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::UnknownInstrument);
  swarm(*t, 11, {{1, -4}}, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidQuantity);
  client::SwarmSpec both;
  both.client_order_id = 12;
  both.legs = {{1, 1}};
  both.template_name = "small";
  both.pool = "pool-a";
  both.limit_total = 1000;
  t->client().new_swarm_order(both);
  EXPECT_EQ(t->rejection(), RejectReason::InvalidLegs) << "legs or a template, not both";
  swarm(*t, 13, {{1, 1}}, 1000, wire::Placement::Any, wire::TimeInForce::Gtc);
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  swarm(*t, 13, {{1, 1}}, 1000);
  EXPECT_EQ(t->rejection(), RejectReason::DuplicateClientOrderId);
  // The session is still good.
  h->order(2, 1, Side::Sell, 1000, 1);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto fill = t->report();
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->client_order_id, 13u);
}

}  // namespace
}  // namespace swarmex::e2e
