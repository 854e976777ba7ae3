// The autopilot's grants over a real socket, on a product of 2-second windows: the agent buys
// only for a tenant that opted in, within its unit price and spend per hour; what it buys is the
// tenant's and both sides are told who placed it for whom; opting out is immediate and cancels
// the agent's resting bids; grants survive a crash (journal) and a snapshot.
#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class AutopilotE2eTest : public RollingWindowsTest {
 protected:
  std::unique_ptr<Conn> agent() {
    auto c = connect();
    auto r = c->logon("autopilot", wire::Role::Agent);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }
  // The tenant grants 2 s windows of cpu in pool-a up to `max_price`, `budget` per hour.
  static void grant(Conn& t, std::uint64_t id, std::int64_t max_price, std::int64_t budget) {
    client::AutopilotSpec g;
    g.request_id = id;
    g.resource = "cpu";
    g.pool = "pool-a";
    g.length_s = 2;
    g.max_unit_price = max_price;
    g.budget_per_hour = budget;
    g.target = 0.94;
    t.client().autopilot_set(g);
  }
  static const wire::AutopilotAck* ack(Conn& c) {
    const wire::Message* m = c.next(wire::Body::AutopilotAck);
    return m != nullptr ? m->body_as_AutopilotAck() : nullptr;
  }
  static void bid(Conn& a, std::uint64_t id, std::uint32_t instrument, std::int64_t price,
                  std::int64_t qty, const std::string& tenant = "tenant-a", Side side = Side::Buy) {
    client::OrderSpec o;
    o.client_order_id = id;
    o.instrument = instrument;
    o.side = side;
    o.price = price;
    o.qty = qty;
    o.on_behalf_of = tenant;
    a.client().new_order(o);
  }
  // The grants the agent sees: "tenant/resource/pool/length/max/budget" each.
  static std::vector<std::string> grants(Conn& c, std::uint64_t id) {
    c.client().autopilot_status(id);
    const wire::Message* m = c.next(wire::Body::AutopilotGrants);
    std::vector<std::string> out;
    if (m == nullptr || m->body_as_AutopilotGrants()->grants() == nullptr) return out;
    for (const auto* g : *m->body_as_AutopilotGrants()->grants())
      out.push_back(g->tenant()->str() + "/" + g->resource()->str() + "/" + g->pool()->str() + "/" +
                    std::to_string(g->length_s()) + "/" + std::to_string(g->max_unit_price()) +
                    "/" + std::to_string(g->budget_per_hour()));
    return out;
  }
};

TEST_F(AutopilotE2eTest, TheAgentBuysOnlyForTenantsThatOptedInAndWithinTheirLimits) {
  auto ap = agent();
  auto a = tenant("tenant-a");
  auto h = host("host-a1");
  const std::int64_t w = window_after(4 * kSecond);
  bid(*ap, 1, book(w), 1000, 2);
  auto r = ap->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ExecKind::Rejected);
  EXPECT_EQ(r->reject_reason, RejectReason::NotOptedIn);
  EXPECT_EQ(r->on_behalf_of, "tenant-a");
  EXPECT_EQ(r->client_order_id, 1u) << "the agent's own id";

  // A 2 s window at 1,000 per unit-hour for 2 units commits 2 (rounded up) of the budget.
  grant(*a, 7, 1000, 5);
  const auto* ok = ack(*a);
  ASSERT_NE(ok, nullptr);
  EXPECT_TRUE(ok->ok()) << (ok->text() ? ok->text()->str() : "");
  EXPECT_EQ(ok->request_id(), 7u);

  bid(*ap, 2, book(w), 1100, 2);
  EXPECT_EQ(ap->rejection(), RejectReason::OverPrice);
  bid(*ap, 3, book(w), 1000, 2, "tenant-a", Side::Sell);
  EXPECT_EQ(ap->rejection(), RejectReason::WrongRole) << "the agent only buys";
  bid(*ap, 4, book(w), 1000, 2, "host-a1");
  EXPECT_EQ(ap->rejection(), RejectReason::WrongRole) << "only for tenants";
  bid(*ap, 5, book(w), 1000, 2, "tenant-b");
  EXPECT_EQ(ap->rejection(), RejectReason::NotOptedIn) << "tenant-b never opted in";

  bid(*ap, 6, book(w), 1000, 2);
  auto acc = ap->report();
  ASSERT_TRUE(acc);
  ASSERT_EQ(acc->kind, ExecKind::Accepted);
  EXPECT_EQ(acc->on_behalf_of, "tenant-a");
  h->order(1, book(w), Side::Sell, 1000, 2);
  auto fill = ap->report();
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->client_order_id, 6u);
  EXPECT_EQ(fill->on_behalf_of, "tenant-a");
  // The tenant saw every agent order for it, the fill last; it names the agent.
  std::optional<Report> tf;
  while ((tf = a->report(2s)) && tf->kind != ExecKind::Filled) {
    EXPECT_EQ(tf->agent, "autopilot");
  }
  ASSERT_TRUE(tf);
  EXPECT_EQ(tf->agent, "autopilot");
  EXPECT_EQ(tf->last_qty, 2);
  EXPECT_EQ(tf->host, 1u);

  bid(*ap, 8, book(w), 1000, 2);  // 4 of 5
  ASSERT_EQ(ap->report()->kind, ExecKind::Accepted);
  bid(*ap, 9, book(w), 1000, 2);  // 6 of 5
  EXPECT_EQ(ap->rejection(), RejectReason::OverBudget);
}

TEST_F(AutopilotE2eTest, OptingOutIsImmediateAndCancelsTheAgentsRestingBids) {
  auto ap = agent();
  auto a = tenant("tenant-a");
  const std::int64_t w = window_after(4 * kSecond);
  grant(*a, 1, 1000, 1000);
  ASSERT_TRUE(ack(*a)->ok());
  bid(*ap, 1, book(w), 500, 3);
  ASSERT_EQ(ap->report()->kind, ExecKind::Accepted);
  a->order(50, book(w), Side::Buy, 500, 1);  // the tenant's own bid stays
  a->client().autopilot_off(2, "cpu", "pool-a");
  const auto* off = ack(*a);
  ASSERT_NE(off, nullptr);
  EXPECT_TRUE(off->ok());
  auto cancelled = ap->report();
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->kind, ExecKind::Cancelled);
  EXPECT_EQ(cancelled->client_order_id, 1u);
  EXPECT_EQ(cancelled->leaves_qty, 0);
  bid(*ap, 2, book(w), 500, 1);
  EXPECT_EQ(ap->rejection(), RejectReason::NotOptedIn);
  EXPECT_TRUE(grants(*ap, 3).empty());
}

TEST_F(AutopilotE2eTest, GrantsSurviveACrashAndASnapshot) {
  {
    auto a = tenant("tenant-a");
    auto b = tenant("tenant-b");
    grant(*a, 1, 1000, 100);
    ASSERT_TRUE(ack(*a)->ok());
    auto ap = agent();
    EXPECT_EQ(grants(*ap, 1), std::vector<std::string>{"tenant-a/cpu/pool-a/2/1000/100"});
    EXPECT_TRUE(grants(*b, 2).empty()) << "a tenant sees only its own grants";
    server_->kill();
  }
  server_->start();
  {
    auto ap = agent();
    EXPECT_EQ(grants(*ap, 1), std::vector<std::string>{"tenant-a/cpu/pool-a/2/1000/100"})
        << "replayed from the journal";
    auto op = connect();
    ASSERT_TRUE(op->logon("operator", wire::Role::Operator).ok());
    op->client().admin_take_snapshot(1);
    const wire::Message* m = op->next(wire::Body::AdminAck);
    ASSERT_NE(m, nullptr);
    ASSERT_TRUE(m->body_as_AdminAck()->ok());
    server_->kill();
  }
  server_->start();
  auto ap = agent();
  EXPECT_EQ(grants(*ap, 1), std::vector<std::string>{"tenant-a/cpu/pool-a/2/1000/100"})
      << "restored from the snapshot";
  bid(*ap, 1, book(window_after(4 * kSecond)), 1000, 1);
  auto acc = ap->report();
  ASSERT_TRUE(acc);
  EXPECT_EQ(acc->kind, ExecKind::Accepted);
}

// A downgrade: the agent offers back part of what it bought for tenant-a; tenant-b buys it and
// the host is told to move that share from tenant-a to tenant-b.
TEST_F(AutopilotE2eTest, TheAgentResellsASurplusAndTheHostMovesIt) {
  auto ap = agent();
  auto a = tenant("tenant-a");
  auto b = tenant("tenant-b");
  auto h = host("host-a1");
  h->client().subscribe_fills(1, 0);
  const std::int64_t w = window_after(4 * kSecond);
  h->order(1, book(w), Side::Sell, 1000, 3);
  grant(*a, 1, 1000, 1000);
  ASSERT_TRUE(ack(*a)->ok());
  bid(*ap, 1, book(w), 1000, 3);
  ASSERT_EQ(ap->report()->kind, ExecKind::Accepted);
  ASSERT_EQ(ap->report()->kind, ExecKind::Filled);

  client::OrderSpec o;
  o.client_order_id = 2;
  o.instrument = book(w);
  o.side = Side::Sell;
  o.price = 1100;
  o.qty = 2;
  o.resale_host = 1;
  o.on_behalf_of = "tenant-a";
  ap->client().new_order(o);
  auto offered = ap->report();
  ASSERT_TRUE(offered);
  ASSERT_EQ(offered->kind, ExecKind::Accepted) << static_cast<int>(offered->reject_reason);
  EXPECT_EQ(offered->on_behalf_of, "tenant-a");
  o.client_order_id = 3;
  o.qty = 2;  // tenant-a holds 1 more, not 2
  ap->client().new_order(o);
  EXPECT_EQ(ap->rejection(), RejectReason::InsufficientHolding);

  b->order(1, book(w), Side::Buy, 1100, 2, wire::TimeInForce::Ioc);
  auto sold = ap->report();
  ASSERT_TRUE(sold);
  EXPECT_EQ(sold->kind, ExecKind::Filled);
  EXPECT_EQ(sold->client_order_id, 2u);
  EXPECT_EQ(sold->last_qty, 2);
  // The host's fills: the agent's purchase for tenant-a, then the resale to tenant-b.
  const wire::Message* m = nullptr;
  std::string seller, buyer;
  while ((m = h->next(wire::Body::Fill)) != nullptr) {
    const auto* f = m->body_as_Fill();
    if (f->seller_name() == nullptr) continue;
    seller = f->seller_name()->str();
    buyer = f->tenant_name()->str();
    EXPECT_EQ(f->qty(), 2);
    break;
  }
  EXPECT_EQ(seller, "tenant-a");
  EXPECT_EQ(buyer, "tenant-b");
}

TEST_F(AutopilotE2eTest, TheCliGrantsShowsAndWithdraws) {
  const auto cli = [&](const std::string& who, const std::string& role, const std::string& args) {
    return run_command(std::string(SWARMEX_CLI) + " autopilot " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " +
                       who + " --token " + who + "-token --role " + role);
  };
  const CliRun on = cli("tenant-a", "tenant",
                        "on --resource cpu --pool pool-a --length-s 2 --max-price 1500 "
                        "--budget-per-hour 40 --target 0.9");
  EXPECT_EQ(on.exit_code, 0) << on.out;
  EXPECT_NE(on.out.find("granted"), std::string::npos) << on.out;
  const CliRun bad = cli("tenant-a", "tenant",
                         "on --resource cpu --pool pool-z --max-price 1 --budget-per-hour 1");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("unknown_product"), std::string::npos) << bad.out;
  const CliRun status = cli("autopilot", "agent", "status --json");
  EXPECT_EQ(status.exit_code, 0) << status.out;
  EXPECT_NE(status.out.find("\"tenant\":\"tenant-a\""), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"budget_per_hour\":40"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"target\":0.9"), std::string::npos) << status.out;
  const CliRun off = cli("tenant-a", "tenant", "off --resource cpu --pool pool-a");
  EXPECT_EQ(off.exit_code, 0) << off.out;
  EXPECT_NE(off.out.find("withdrawn"), std::string::npos) << off.out;
  EXPECT_NE(cli("tenant-a", "tenant", "status").out.find("no autopilot grants"), std::string::npos);
}

}  // namespace
}  // namespace swarmex::e2e
