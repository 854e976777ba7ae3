// Batch auctions and circuit breakers over the wire, set with the swarmex CLI: an operator puts
// an instrument in batches, crossing orders of two tenants and a host wait for the batch end and
// then all fill at one price, a market-data subscriber sees the auction's result and curves; a
// tenant may not set either; a breaker's halt reaches the subscriber and the order's owner, and
// the instrument resumes through an auction after the cool-off.
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class AuctionsTest : public E2eTest {
 protected:
  CliRun cli(const std::string& args, const std::string& who = "operator") {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " +
                       who + " --token " + who + "-token");
  }
  // A market-data subscriber of `instrument`, past its snapshot.
  std::unique_ptr<Conn> watcher(std::uint32_t instrument) {
    auto w = tenant("tenant-c");
    const std::uint32_t ids[] = {instrument};
    w->client().subscribe_market_data(ids);
    EXPECT_NE(w->next(wire::Body::BookSnapshot), nullptr);
    return w;
  }
  // The next fill report (others skipped), or nullopt.
  static std::optional<Report> fill(Conn& c, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = c.report(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (r && r->kind == ExecKind::Filled) return r;
    }
    return std::nullopt;
  }
};

TEST_F(AuctionsTest, CrossingOrdersTradeAtOnePriceWhenTheBatchClears) {
  constexpr std::int64_t kInterval = 2 * kSecond;
  const CliRun set = cli("admin trading-mode 1 batch --interval-ms 2000");
  ASSERT_EQ(set.exit_code, 0) << set.out;
  EXPECT_NE(set.out.find("batch auctions every 2000 ms"), std::string::npos) << set.out;
  auto md = watcher(1);
  auto h = host();
  auto a = tenant("tenant-a");
  auto b = tenant("tenant-b");
  // Start just after a batch boundary, so every order joins the same batch.
  const std::int64_t now = realtime_ns();
  std::this_thread::sleep_for(std::chrono::nanoseconds(kInterval - now % kInterval + 50'000'000));
  h->order(1, 1, Side::Sell, 1000, 10);
  const auto ask = h->report();
  ASSERT_TRUE(ask && ask->kind == ExecKind::Accepted);
  a->order(1, 1, Side::Buy, 1200, 6);
  ASSERT_EQ(a->report()->kind, ExecKind::Accepted);
  b->order(1, 1, Side::Buy, 1100, 6);
  const auto b_acc = b->report();
  ASSERT_TRUE(b_acc && b_acc->kind == ExecKind::Accepted);
  // Continuous trading would have filled both at once; a batch waits for its end.
  EXPECT_FALSE(fill(*a, 300ms)) << "no trade before the batch ends";
  const auto fa = fill(*a);
  const auto fb = fill(*b);
  ASSERT_TRUE(fa && fb);
  // Volume 10 at 1000 or 1100 (imbalance 2 either way): 1100 is nearer the band's midpoint.
  EXPECT_EQ(fa->last_price, 1100);
  EXPECT_EQ(fb->last_price, 1100);
  EXPECT_EQ(fa->last_qty, 6) << "the better bid fills in full";
  EXPECT_EQ(fb->last_qty, 4) << "the margin gets the rest";
  std::int64_t sold = 0;
  for (int i = 0; i < 2; ++i)
    if (const auto f = fill(*h)) {
      EXPECT_EQ(f->last_price, 1100);
      sold += f->last_qty;
    }
  EXPECT_EQ(sold, 10);
  const wire::Message* m = md->next(wire::Body::AuctionResult);
  ASSERT_NE(m, nullptr);
  const auto* r = m->body_as_AuctionResult();
  EXPECT_EQ(r->instrument(), 1u);
  EXPECT_EQ(r->price(), 1100);
  EXPECT_EQ(r->volume(), 10);
  EXPECT_EQ(r->imbalance(), 2);
  EXPECT_GT(r->next_auction_ns(), 0);
  ASSERT_NE(r->points(), nullptr);
  ASSERT_EQ(r->points()->size(), 3u);  // 1000, 1100 and 1200
  EXPECT_EQ(r->points()->Get(1)->price(), 1100);
  EXPECT_EQ(r->points()->Get(1)->demand(), 12);
  EXPECT_EQ(r->points()->Get(1)->supply(), 10);

  // Back to continuous: a crossing order trades at once again.
  ASSERT_EQ(cli("admin trading-mode 1 continuous").exit_code, 0);
  h->order(2, 1, Side::Sell, 1100, 2);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  b->order(2, 1, Side::Buy, 1100, 2);
  const auto now_fill = fill(*b, 2s);
  ASSERT_TRUE(now_fill);
  EXPECT_EQ(now_fill->last_qty, 2);
}

TEST_F(AuctionsTest, OnlyOperatorsSetThemAndBadValuesAreRefused) {
  auto t = tenant();
  const auto refused = [&](std::uint64_t request) {
    const wire::Message* m = t->next(wire::Body::AdminAck);
    EXPECT_NE(m, nullptr);
    if (m == nullptr) return RejectReason::None;
    EXPECT_EQ(m->body_as_AdminAck()->request_id(), request);
    EXPECT_FALSE(m->body_as_AdminAck()->ok());
    return protocol::to_engine(m->body_as_AdminAck()->reason());
  };
  t->client().admin_set_trading_mode(5, 1, true, 100);
  EXPECT_EQ(refused(5), RejectReason::WrongRole);
  t->client().admin_set_breaker(6, 1, 500, 1000, 10, false);
  EXPECT_EQ(refused(6), RejectReason::WrongRole);
  const CliRun zero = cli("admin trading-mode 1 batch --interval-ms 0");
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.out.find("invalid_trading_mode"), std::string::npos) << zero.out;
  const CliRun band = cli("admin breaker 1 --max-move-bps 0 --window-ms 1000 --cooloff-ms 10");
  EXPECT_NE(band.exit_code, 0);
  EXPECT_NE(band.out.find("invalid_breaker"), std::string::npos) << band.out;
  const CliRun window = cli("admin breaker 1 --max-move-bps 500 --window-ms 0");
  EXPECT_NE(window.out.find("invalid_breaker"), std::string::npos) << window.out;
  const CliRun unknown = cli("admin trading-mode 77 batch --interval-ms 100");
  EXPECT_NE(unknown.out.find("unknown_instrument"), std::string::npos) << unknown.out;
  // Still continuous: a crossing order trades at once.
  auto h = host();
  h->order(1, 1, Side::Sell, 1000, 1);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  t->order(1, 1, Side::Buy, 1000, 1);
  EXPECT_TRUE(fill(*t, 2s));
}

TEST_F(AuctionsTest, ABreakerTripIsAnnouncedAndResumesByAuction) {
  const CliRun set = cli("admin breaker 2 --max-move-bps 500 --window-ms 60000 --cooloff-ms 500");
  ASSERT_EQ(set.exit_code, 0) << set.out;
  auto md = watcher(2);
  auto h = host();
  auto a = tenant("tenant-a");
  h->order(1, 2, Side::Sell, 1000, 5);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  h->order(2, 2, Side::Sell, 2000, 5);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  a->order(1, 2, Side::Buy, 1000, 5);  // trades at 1000: the reference
  ASSERT_TRUE(fill(*a));
  a->order(2, 2, Side::Buy, 2000, 5);  // 2000 is 100% away: halts instead
  const wire::Message* told = a->next(wire::Body::InstrumentState);
  ASSERT_NE(told, nullptr) << "the owner hears why";
  EXPECT_TRUE(told->body_as_InstrumentState()->halted());
  EXPECT_EQ(told->body_as_InstrumentState()->reference_price(), 1000);
  EXPECT_EQ(told->body_as_InstrumentState()->trigger_price(), 2000);
  const wire::Message* m = md->next(wire::Body::InstrumentState);
  ASSERT_NE(m, nullptr);
  const auto* s = m->body_as_InstrumentState();
  EXPECT_TRUE(s->halted());
  EXPECT_EQ(s->instrument(), 2u);
  EXPECT_EQ(s->reason(), wire::InstrumentStateReason::Breaker);
  EXPECT_GT(s->resume_ns(), 0);
  // After the cool-off the crossed book clears in one auction, then trading resumes.
  const auto f = fill(*a);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->last_price, 2000);
  m = md->next(wire::Body::AuctionResult);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->body_as_AuctionResult()->price(), 2000);
  m = md->next(wire::Body::InstrumentState);
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->body_as_InstrumentState()->halted());
}

}  // namespace
}  // namespace swarmex::e2e
