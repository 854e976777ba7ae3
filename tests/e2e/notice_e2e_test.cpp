// Interruption notices over a real socket: with 3-second spot leases and a 2-second notice, the
// tenant and the host of an allocation are both told about a second after the fill, naming the
// lease that ends; with notices off, nobody is.
#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

const char* kShortLease = R"(
[[instruments]]
id = 30
symbol = "cpu.pool-a.spot3s"
resource = "cpu"
pool = "pool-a"
tick = 100
band_min = 100
band_max = 10000000
lease_s = 3
)";

class NoticeE2eTest : public E2eTest {
 protected:
  void SetUp() override {}
  // host-a1 sells 2 VRU, tenant-a buys them: one 3-second lease.
  void trade(Conn& h, Conn& t) {
    h.order(1, 30, Side::Sell, 1000, 2);
    ASSERT_EQ(h.report()->kind, ExecKind::Accepted);
    t.order(1, 30, Side::Buy, 1000, 2, wire::TimeInForce::Ioc);
    ASSERT_EQ(t.report()->kind, ExecKind::Accepted);
    ASSERT_EQ(t.report()->kind, ExecKind::Filled);
  }
};

TEST_F(NoticeE2eTest, TenantAndHostAreWarnedBeforeTheLeaseEnds) {
  start_server("interruption_notice_s = 2", "sync", 2, kShortLease);
  auto h = host("host-a1");
  auto t = tenant();
  const auto traded = std::chrono::steady_clock::now();
  trade(*h, *t);
  for (Conn* c : {t.get(), h.get()}) {
    const wire::Message* m = c->next(wire::Body::InterruptionNotice, 4s);
    ASSERT_NE(m, nullptr) << "no notice";
    const auto* n = m->body_as_InterruptionNotice();
    EXPECT_EQ(n->instrument(), 30u);
    EXPECT_EQ(n->host(), 1u);
    EXPECT_EQ(n->tenant(), 1u);
    EXPECT_EQ(n->qty(), 2);
    EXPECT_EQ(n->lease_end_ns() - n->lease_start_ns(), 3'000'000'000);
    EXPECT_GT(n->engine_seq(), 0u);
  }
  // Due 1 s after the fill: not at once.
  EXPECT_GE(std::chrono::steady_clock::now() - traded, 800ms);
}

TEST_F(NoticeE2eTest, NoNoticesWhenTurnedOff) {
  start_server("interruption_notice_s = 0", "sync", 2, kShortLease);
  auto h = host("host-a1");
  auto t = tenant();
  trade(*h, *t);
  EXPECT_EQ(t->next(wire::Body::InterruptionNotice, 3500ms), nullptr);
}

}  // namespace
}  // namespace swarmex::e2e
