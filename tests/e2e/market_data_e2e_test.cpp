// Market data that cannot slow trading: repeated subscribes are answered once, a subscriber that
// stops reading is conflated (and cut off only when it stays stuck), and a conflated subscriber
// that reads again ends with the same book as a fresh one.
#include <sys/socket.h>

#include <map>
#include <set>
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

// A book as a client keeps it: a snapshot replaces it, an update sets or removes one level.
struct ClientBook {
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;
  std::uint64_t seq = 0;
  int snapshots = 0;
  std::uint64_t updates = 0;

  void apply(const wire::Message& m) {
    if (const auto* s = m.body_as_BookSnapshot()) {
      bids.clear();
      asks.clear();
      if (s->bids() != nullptr)
        for (const wire::Level* l : *s->bids())
          bids[l->price()] = l->qty();
      if (s->asks() != nullptr)
        for (const wire::Level* l : *s->asks())
          asks[l->price()] = l->qty();
      seq = s->seq();
      ++snapshots;
    } else if (const auto* u = m.body_as_BookUpdate()) {
      EXPECT_GE(u->seq(), seq) << "an update older than the book";
      seq = u->seq();
      ++updates;
      const std::int64_t px = u->level()->price(), qty = u->level()->qty();
      if (u->side() == wire::Side::Buy) {
        if (qty == 0)
          bids.erase(px);
        else
          bids[px] = qty;
      } else {
        if (qty == 0)
          asks.erase(px);
        else
          asks[px] = qty;
      }
    }
  }
  // The best `depth` levels of each side.
  [[nodiscard]] std::vector<std::pair<std::int64_t, std::int64_t>> top(bool bid,
                                                                       std::size_t depth) const {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    auto take = [&](const auto& side) {
      for (const auto& [px, qty] : side) {
        if (out.size() >= depth) break;
        out.emplace_back(px, qty);
      }
    };
    if (bid)
      take(bids);
    else
      take(asks);
    return out;
  }
};

class MarketDataTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server(
        "rate_burst = 1000000\nrate_limit_per_s = 1000000\nidle_timeout_ms = 120000\n"
        "outbound_queue_bytes = 67108864",
        "async", 2,
        "[limits.tenant]\nresting_orders_per_partition = 65535\n"  // the pump rests 60,000
        "[market_data]\nconflate_backlog_bytes = 65536\nstuck_timeout_ms = 600000\n"
        "resnapshot_interval_ms = 60000\n");
  }
  // Resting buys at `n` new price levels on instrument 1 (one BookUpdate each), the pump reading
  // its acks every 100 orders so that it never falls behind itself.
  static void pump_levels(Conn& pump, std::uint64_t first, std::uint64_t n) {
    pump.client().set_batching(true);
    std::uint64_t acks = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t id = first + i;
      pump.order(id, 1, wire::Side::Buy, 100 + 100 * static_cast<std::int64_t>(id % 90'000), 1);
      if ((i + 1) % 100 != 0 && i + 1 != n) continue;
      pump.client().flush();
      while (acks < i + 1) {
        auto r = pump.report(10s);
        ASSERT_TRUE(r) << "after " << acks << " acks";
        acks += r->kind == wire::ExecKind::Accepted;
      }
    }
  }
};

TEST_F(MarketDataTest, RepeatedSubscribesDoNotSendTheBookAgain) {
  auto maker = tenant("tenant-a");
  for (std::uint64_t i = 1; i <= 40; ++i)  // a book worth sending: 40 levels on instrument 1
    maker->order(i, 1, wire::Side::Buy, 10'000 + 100 * static_cast<std::int64_t>(i), 1);
  for (std::uint64_t i = 1; i <= 40; ++i)
    ASSERT_TRUE(maker->report());
  auto md = tenant("tenant-b");
  const std::uint32_t ids[] = {1};
  md->client().subscribe_market_data(ids, 50);
  const wire::Message* first = md->next(wire::Body::BookSnapshot);
  ASSERT_NE(first, nullptr);
  ASSERT_EQ(first->body_as_BookSnapshot()->bids()->size(), 40u);
  const std::uint64_t after_first = md->client().bytes_received();
  // 200 more subscribes (to this book and to every book), then an order as a marker: everything
  // the subscribes caused has arrived before its BookUpdate.
  for (int i = 0; i < 100; ++i) {
    md->client().subscribe_market_data(ids, 50);
    md->client().subscribe_market_data({}, 50);
  }
  maker->order(100, 1, wire::Side::Buy, 200, 1);
  int snapshots = 0;
  std::set<std::uint32_t> books;
  for (;;) {
    const wire::Message* m = md->client().receive(5s);
    ASSERT_NE(m, nullptr) << "no BookUpdate for the marker";
    if (const auto* s = m->body_as_BookSnapshot()) {
      ++snapshots;
      books.insert(s->instrument());
    }
    if (const auto* u = m->body_as_BookUpdate(); u != nullptr && u->level()->price() == 200) break;
  }
  // The books it did not have yet (2, 3, 9), each once; instrument 1 never again.
  EXPECT_EQ(books.count(1), 0u);
  EXPECT_EQ(snapshots, static_cast<int>(books.size()));
  EXPECT_LE(snapshots, 3);
  const std::uint64_t repeated = md->client().bytes_received() - after_first;
  std::printf("first snapshot: %llu bytes; 200 repeated subscribes: %llu bytes\n",
              static_cast<unsigned long long>(after_first),
              static_cast<unsigned long long>(repeated));
  EXPECT_LT(repeated, after_first);  // before: 200 times the 40-level book
}

TEST_F(MarketDataTest, ASubscriberThatStopsReadingIsConflatedAndCatchesUpToTheLatestBook) {
  auto slow = tenant("tenant-b");
  {  // a small receive buffer: the kernel holds little for it
    const int bytes = 16 * 1024;
    ::setsockopt(slow->client().native_handle(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  const std::uint32_t ids[] = {1};
  constexpr std::uint32_t kDepth = 1000;
  slow->client().subscribe_market_data(ids, kDepth);
  ClientBook book;
  const wire::Message* snap = slow->next(wire::Body::BookSnapshot);
  ASSERT_NE(snap, nullptr);
  book.apply(*snap);
  // ... and reads nothing more while another session adds 60,000 levels and gets each ack.
  auto pump = tenant("tenant-a");
  constexpr std::uint64_t kOrders = 60'000;
  const auto start = std::chrono::steady_clock::now();
  pump_levels(*pump, 1, kOrders);
  ASSERT_FALSE(HasFatalFailure());
  const auto took = std::chrono::steady_clock::now() - start;
  std::printf(
      "60,000 orders acked in %lld ms beside the stalled subscriber\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  // It reads again: a snapshot of the latest book follows what was queued before it fell behind.
  const int large = 4 << 20;
  ::setsockopt(slow->client().native_handle(), SOL_SOCKET, SO_RCVBUF, &large, sizeof large);
  const std::int64_t last_price = 100 + 100 * static_cast<std::int64_t>(kOrders);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline &&
         (book.bids.empty() || book.bids.begin()->first != last_price)) {
    const wire::Message* m = slow->client().receive(1s);
    if (m != nullptr) book.apply(*m);
  }
  ASSERT_FALSE(book.bids.empty());
  EXPECT_EQ(book.bids.begin()->first, last_price) << "never caught up";
  EXPECT_GE(book.snapshots, 2) << "never conflated";
  EXPECT_LT(book.updates, kOrders) << "every update was queued for it";
  std::printf("the stalled subscriber got %llu of %llu updates and %d snapshots\n",
              static_cast<unsigned long long>(book.updates),
              static_cast<unsigned long long>(kOrders), book.snapshots);
  // A further change reaches it as an update, and its book equals a fresh subscriber's.
  pump->order(kOrders + 1, 1, wire::Side::Buy, last_price + 100, 7);
  pump->client().flush();
  ASSERT_TRUE(pump->report());
  while (book.bids.count(last_price + 100) == 0) {
    const wire::Message* m = slow->client().receive(5s);
    ASSERT_NE(m, nullptr) << "no update after catching up";
    book.apply(*m);
  }
  auto fresh = tenant("tenant-c");
  fresh->client().subscribe_market_data(ids, kDepth);
  const wire::Message* f = fresh->next(wire::Body::BookSnapshot);
  ASSERT_NE(f, nullptr);
  ClientBook want;
  want.apply(*f);
  EXPECT_EQ(book.top(true, kDepth), want.top(true, kDepth));
  EXPECT_EQ(book.top(false, kDepth), want.top(false, kDepth));
  EXPECT_EQ(book.seq, want.seq);
}

class StuckReaderTest : public MarketDataTest {
 protected:
  void SetUp() override {
    start_server("rate_burst = 1000000\nrate_limit_per_s = 1000000\nidle_timeout_ms = 120000",
                 "async", 2,
                 "[limits.tenant]\nresting_orders_per_partition = 65535\n"  // the pump rests 60,000
                 "[market_data]\nconflate_backlog_bytes = 4096\nstuck_timeout_ms = 300\n");
  }
};

TEST_F(StuckReaderTest, AReaderStuckPastTheTimeoutIsCutOffWhileOthersTrade) {
  auto slow = tenant("tenant-b");
  const int bytes = 16 * 1024;
  ::setsockopt(slow->client().native_handle(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  const std::uint32_t ids[] = {1};
  slow->client().subscribe_market_data(ids, 1);
  ASSERT_NE(slow->next(wire::Body::BookSnapshot), nullptr);
  auto pump = tenant("tenant-a");
  // Updates keep coming and it still does not read: past stuck_timeout_ms it is cut off (with
  // nothing to send, a reader that does not read costs nothing and stays). Rounds of 20,000 new
  // levels and a mass cancel (20,000 removals) for 2 s, and at least 4 rounds: on a slow build
  // (tsan) fewer would fit in the kernel's socket buffers and never back up.
  std::uint64_t next = 1;
  int rounds = 0;
  for (const auto until = std::chrono::steady_clock::now() + 2s;
       rounds < 4 || std::chrono::steady_clock::now() < until; next += 20'000, ++rounds) {
    pump_levels(*pump, next, 20'000);
    ASSERT_FALSE(HasFatalFailure());
    pump->client().mass_cancel(1);
    pump->client().flush();
  }
  const int large = 4 << 20;  // reads what it was sent before the cut-off quickly
  ::setsockopt(slow->client().native_handle(), SOL_SOCKET, SO_RCVBUF, &large, sizeof large);
  EXPECT_TRUE(slow->closed_by_server(20s));
  pump->order(next, 1, wire::Side::Buy, 100, 1);
  pump->client().flush();
  std::optional<Report> r;
  do {  // past the mass cancels' reports
    r = pump->report();
    ASSERT_TRUE(r);
  } while (r->client_order_id != next);
  EXPECT_EQ(r->kind, wire::ExecKind::Accepted);
}

}  // namespace
}  // namespace swarmex::e2e
