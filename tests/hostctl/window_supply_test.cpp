// Product supply lines: their configuration, which listed books are a product's windows, and the
// window asks planned from the allocation book (free over the whole window, one capacity shared
// with spot, created and forgotten as windows list and close).
#include <gtest/gtest.h>

#include <limits>

#include "host_config_support.hpp"
#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/fill_intake.hpp"
#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/hostctl/supply.hpp"
#include "swarmex/hostctl/window_listing.hpp"

namespace swarmex::hostctl {
namespace {

using test::error_of;
using test::kHead;

TEST(ProductLineConfigTest, ParsesAProductLineAndTheRefreshInterval) {
  const HostConfig c = parse_host_config(
      kHead +
          "window_refresh_ms = 250\n[[supply]]\nproduct = 100\nresource = \"cpu\"\n"
          "reserve_price = 500\nmax_qty = 8\n[[supply]]\ninstrument = 1\nresource = \"cpu\"\n"
          "reserve_price = 900\n",
      "f");
  EXPECT_EQ(c.window_refresh_ms, 250);
  ASSERT_EQ(c.supply.size(), 2u);
  EXPECT_EQ(c.supply[0].product, 100u);
  EXPECT_EQ(c.supply[0].instrument, 0u);
  EXPECT_EQ(c.supply[0].max_qty, 8);
  EXPECT_EQ(c.supply[1].instrument, 1u);
  EXPECT_EQ(c.supply[1].product, 0u);
  EXPECT_EQ(parse_host_config(kHead, "f").window_refresh_ms, 1000) << "the default";
}

TEST(ProductLineConfigTest, RefusesBadLinesNamingTheKey) {
  const std::string both =
      "[[supply]]\ninstrument = 1\nproduct = 100\nresource = \"cpu\"\nreserve_price = 1\n";
  EXPECT_NE(error_of(kHead + both).find("supply[0].product"), std::string::npos)
      << error_of(kHead + both);
  const std::string neither = "[[supply]]\nresource = \"cpu\"\nreserve_price = 1\n";
  EXPECT_NE(error_of(kHead + neither).find("supply[0].instrument"), std::string::npos)
      << error_of(kHead + neither);
  EXPECT_NE(
      error_of(kHead + "[[supply]]\nproduct = 100\nresource = \"mig.1g.10gb\"\nreserve_price = 1\n")
          .find("supply[0].product"),
      std::string::npos);
  EXPECT_NE(error_of(kHead + "[[supply]]\nproduct = 100\nresource = \"mem\"\nreserve_price = 1\n"
                             "[[supply]]\nproduct = 100\nresource = \"mem\"\nreserve_price = 1\n")
                .find("supply[1].product: listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "[[supply]]\nproduct = 0\nresource = \"cpu\"\nreserve_price = 1\n")
                .find("supply[0].product"),
            std::string::npos);
  EXPECT_NE(error_of(kHead + "window_refresh_ms = 0\n").find("host.window_refresh_ms"),
            std::string::npos);
  // A product line may sell io on a device like a spot line.
  EXPECT_EQ(error_of(kHead + "[[supply]]\nproduct = 100\nresource = \"io\"\ndevice = \"8:0\"\n"
                             "reserve_price = 1\n"),
            "accepted");
}

// pricing = "pegged": the line's reserve_price is the base its pool's curve multiplies, and its
// asks say so; anything but "fixed" or "pegged" is refused naming the key.
TEST(ProductLineConfigTest, APeggedLineSendsPeggedAsks) {
  const HostConfig c =
      parse_host_config(kHead +
                            "[[supply]]\ninstrument = 1\nresource = \"cpu\"\nreserve_price = 800\n"
                            "pricing = \"pegged\"\n[[supply]]\ninstrument = 2\nresource = \"mem\"\n"
                            "reserve_price = 10\n",
                        "f");
  ASSERT_EQ(c.supply.size(), 2u);
  EXPECT_TRUE(c.supply[0].pegged);
  EXPECT_FALSE(c.supply[1].pegged) << "fixed by default";
  EXPECT_NE(error_of(kHead + "[[supply]]\ninstrument = 1\nresource = \"cpu\"\n"
                             "reserve_price = 1\npricing = \"floating\"\n")
                .find("supply[0].pricing"),
            std::string::npos);
  SupplyBook book(c.supply);
  std::uint64_t next_id = 1;
  const auto acts = book.plan([](const AskSlot&) { return std::int64_t{4}; }, next_id);
  ASSERT_EQ(acts.size(), 2u);
  for (const SupplyAction& a : acts)
    EXPECT_EQ(a.pegged, a.instrument == 1) << a.instrument;
}

constexpr std::int64_t kS = 1'000'000'000;

ListedInstrument window_book(std::uint32_t id, const char* resource, std::int64_t start,
                             std::int64_t length = 2 * kS) {
  return ListedInstrument{id, true, resource, "pool-a", start, length, start - kS};
}

TEST(WindowListingTest, AProductsWindowsAreItsRunOfBooks) {
  // Spot 1 and 2; product 100 (cpu, 2 s) trades three windows on books 103, 104 and 100 (it
  // wrapped); product 105 (mem) two; product 200 (cpu, 4 s) one.
  const std::vector<ListedInstrument> listing = {
      {1, false, "cpu", "pool-a", 0, 0, 0}, {2, false, "mem", "pool-a", 0, 0, 0},
      window_book(103, "cpu", 40 * kS),     window_book(104, "cpu", 42 * kS),
      window_book(100, "cpu", 44 * kS),     window_book(105, "mem", 40 * kS),
      window_book(106, "mem", 42 * kS),     window_book(200, "cpu", 40 * kS, 4 * kS),
  };
  WindowSeries cpu;
  const auto w = product_windows(listing, 100, cpu);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].instrument, 103u);
  EXPECT_EQ(w[2].instrument, 100u) << "by start, not by book";
  EXPECT_EQ(w[0].start_ns, 40 * kS);
  EXPECT_EQ(w[0].end_ns, 42 * kS);
  EXPECT_EQ(w[0].gate_ns, 39 * kS);
  EXPECT_EQ(cpu.resource, "cpu");
  EXPECT_EQ(cpu.length_ns, 2 * kS);
  WindowSeries mem;
  EXPECT_EQ(product_windows(listing, 105, mem).size(), 2u);
  EXPECT_EQ(mem.resource, "mem");
  // Once learned, a listing where the product trades nothing does not adopt the next product.
  const std::vector<ListedInstrument> later = {window_book(105, "mem", 50 * kS),
                                               window_book(200, "cpu", 52 * kS, 4 * kS)};
  EXPECT_TRUE(product_windows(later, 100, cpu).empty());
  WindowSeries none;
  EXPECT_TRUE(product_windows({{1, false, "cpu", "pool-a", 0, 0, 0}}, 1, none).empty());
  EXPECT_EQ(none.length_ns, 0) << "a spot instrument is no product";
}

TEST(WindowListingTest, AWindowFillFindsItsProductLine) {
  const std::vector<SupplyLine> lines = {
      SupplyLine{1, "cpu", 900, 0, "", false, 0}, SupplyLine{0, "io", 500, 0, "8:0", false, 100},
      SupplyLine{0, "cpu", 500, 0, "", true, 100}, SupplyLine{0, "cpu", 500, 0, "", false, 200}};
  EXPECT_EQ(supply_line_of(lines, 1, "cpu"), &lines[0]);
  EXPECT_EQ(supply_line_of(lines, 103, "io"), &lines[1]);
  EXPECT_EQ(supply_line_of(lines, 103, "cpu"), &lines[2]);
  EXPECT_EQ(supply_line_of(lines, 204, "cpu"), &lines[3]) << "the nearest product below";
  EXPECT_EQ(supply_line_of(lines, 50, "cpu"), nullptr);
}

// Feeds the book one execution report of order `order` (client id `client`), as the wire does.
void feed(SupplyBook& book, wire::ExecKind kind, std::uint64_t client, std::uint64_t order,
          std::int64_t last_qty, std::int64_t leaves) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(wire::CreateExecutionReport(fbb, kind, wire::RejectReason::None,
                                         wire::CancelReason::Requested, client, order, 100,
                                         wire::Side::Sell, 500, 0, last_qty, 500, leaves, 1));
  book.on_report(*flatbuffers::GetRoot<wire::ExecutionReport>(fbb.GetBufferPointer()));
}

// The client order id of the action on `instrument`.
std::uint64_t id_on(const std::vector<SupplyAction>& acts, std::uint32_t instrument) {
  for (const SupplyAction& a : acts)
    if (a.instrument == instrument) return a.client_order_id;
  ADD_FAILURE() << "no action on " << instrument;
  return 0;
}

Allocation held(std::uint64_t seq, std::int64_t qty, std::int64_t start, std::int64_t end) {
  Allocation a;
  a.stream_seq = seq;
  a.key = FillKey{100, seq, seq, seq};
  a.tenant = "t";
  a.resource = "cpu";
  a.qty = qty;
  a.start_ns = start;
  a.end_ns = end;
  return a;
}

// A host of 10 VRU selling spot (line 0, instrument 1) and the windows of product 100 (line 1),
// the asks sized as the controller sizes them.
class WindowAskTest : public ::testing::Test {
 protected:
  WindowAskTest()
      : book_({SupplyLine{1, "cpu", 900, 0, "", false, 0},
               SupplyLine{0, "cpu", 500, 0, "", false, 100}}) {
    capacity_.vrus = 10;
  }
  std::vector<SupplyAction> plan() {
    return book_.plan(
        [&](const AskSlot& s) {
          const SupplyLine& line = book_.lines()[s.line];
          return free_for(s, line, capacity_, allocations_,
                          book_.unseen(line.resource, line.device), now_);
        },
        next_);
  }
  // Acknowledges every New in `acts` as resting order 1000 + client id.
  void accept(const std::vector<SupplyAction>& acts) {
    for (const SupplyAction& a : acts)
      feed(book_, wire::ExecKind::Accepted, a.client_order_id, 1000 + a.client_order_id, 0, a.qty);
  }
  const std::vector<TradingWindow> windows_ = {{103, 40 * kS, 42 * kS, 39 * kS},
                                               {104, 42 * kS, 44 * kS, 41 * kS},
                                               {100, 44 * kS, 46 * kS, 43 * kS}};
  SupplyBook book_;
  HostCapacity capacity_;
  AllocationBook allocations_;
  std::int64_t now_ = 35 * kS;
  std::uint64_t next_ = 1;
};

TEST_F(WindowAskTest, EveryListedWindowGetsAnAskOfWhatIsFreeOverIt) {
  EXPECT_EQ(book_.asks(), 1u) << "only the spot line before a listing";
  book_.list_windows(1, windows_, now_);
  EXPECT_EQ(book_.asks(), 4u);
  const auto acts = plan();
  ASSERT_EQ(acts.size(), 4u);
  for (const SupplyAction& a : acts) {
    EXPECT_EQ(a.kind, SupplyAction::Kind::New);
    EXPECT_EQ(a.qty, 10);
    EXPECT_EQ(a.price, a.instrument == 1 ? 900 : 500);
  }
  accept(acts);
  EXPECT_EQ(book_.offered(1, 104), 10);
  EXPECT_TRUE(plan().empty()) << "all at free capacity";
  book_.list_windows(1, windows_, now_);
  EXPECT_EQ(book_.asks(), 4u) << "listing a window again adds nothing";
}

TEST_F(WindowAskTest, ASaleShrinksItsWindowAndTheSpotAskNotTheOthers) {
  book_.list_windows(1, windows_, now_);
  const auto first = plan();
  accept(first);
  const std::uint64_t on_104 = id_on(first, 104);
  // 3 sold on window 104: reported first, then seen as a fill and booked.
  feed(book_, wire::ExecKind::Filled, on_104, 1000 + on_104, 3, 7);
  EXPECT_EQ(book_.unseen("cpu", ""), 3);
  auto acts = plan();
  // Until the fill is seen, the unseen 3 count against every ask of cpu (never sold twice).
  ASSERT_EQ(acts.size(), 3u);
  for (const SupplyAction& a : acts)
    EXPECT_EQ(a.qty, 7) << a.instrument;
  for (const SupplyAction& a : acts)
    feed(book_, wire::ExecKind::Modified, a.client_order_id, 1000 + a.client_order_id, 0, 7);
  book_.on_fill(1000 + on_104, 3);
  allocations_.add(held(1, 3, 42 * kS, 44 * kS));
  acts = plan();
  // Seen and booked: windows 103 and 100 are free again; 104 keeps 7; spot sees the peak from
  // now on, window 104 included, so it keeps 7 too.
  ASSERT_EQ(acts.size(), 2u);
  for (const SupplyAction& a : acts) {
    EXPECT_EQ(a.kind, SupplyAction::Kind::Modify);
    EXPECT_EQ(a.qty, 10);
    EXPECT_TRUE(a.instrument == 103 || a.instrument == 100) << a.instrument;
  }
  for (const SupplyAction& a : acts)
    feed(book_, wire::ExecKind::Modified, a.client_order_id, 1000 + a.client_order_id, 0, 10);
  EXPECT_EQ(book_.offered(1, 104), 7);
  EXPECT_EQ(book_.offered(0), 7);
  // A spot lease of 4 from now to 43 s overlaps windows 103 and 104 (not 100).
  allocations_.add(held(2, 4, now_, 43 * kS));
  acts = plan();
  std::map<std::uint32_t, std::int64_t> want;
  for (const SupplyAction& a : acts)
    want[a.instrument] = a.qty;
  EXPECT_EQ(want, (std::map<std::uint32_t, std::int64_t>{{1, 3}, {103, 6}, {104, 3}}));
}

TEST_F(WindowAskTest, WindowsPastTheirGateAreForgotten) {
  book_.list_windows(1, windows_, now_);
  auto acts = plan();
  accept(acts);
  const std::uint64_t on_103 = id_on(acts, 103);
  // A sale on 103 reported but not yet seen when its gate closes: kept until the fill shows.
  feed(book_, wire::ExecKind::Filled, on_103, 1000 + on_103, 2, 8);
  book_.close_gates(39 * kS);
  EXPECT_EQ(book_.asks(), 4u);
  acts = plan();
  EXPECT_EQ(acts.size(), 3u) << "the unseen 2 shrink the other asks";
  for (const SupplyAction& a : acts) {
    EXPECT_NE(a.instrument, 103u) << "past its gate nothing is sent for it";
    feed(book_, wire::ExecKind::Modified, a.client_order_id, 1000 + a.client_order_id, 0, a.qty);
  }
  book_.on_fill(1000 + on_103, 2);
  book_.close_gates(39 * kS);
  EXPECT_EQ(book_.asks(), 3u) << "settled: forgotten";
  feed(book_, wire::ExecKind::Expired, on_103, 1000 + on_103, 0, 0);  // ignored
  // A listing that still shows a closed window (built just before) adds nothing.
  book_.list_windows(1, windows_, 41 * kS);
  EXPECT_EQ(book_.asks(), 3u);
  book_.close_gates(43 * kS);
  EXPECT_EQ(book_.asks(), 1u) << "bounded: only the spot ask is left";
  // Book 103 trades a later window: a new ask.
  book_.list_windows(1, {{103, 50 * kS, 52 * kS, 49 * kS}}, 43 * kS);
  EXPECT_EQ(book_.asks(), 2u);
  book_.reset();
  EXPECT_EQ(book_.asks(), 1u) << "window asks come back with the next listing";
}

TEST_F(WindowAskTest, MaxQtyCapsEveryWindow) {
  SupplyBook capped({SupplyLine{0, "cpu", 500, 4, "", false, 100}});
  capped.list_windows(0, windows_, now_);
  std::uint64_t next = 1;
  const auto acts = capped.plan([](const AskSlot&) { return 10; }, next);
  ASSERT_EQ(acts.size(), 3u);
  for (const SupplyAction& a : acts)
    EXPECT_EQ(a.qty, 4);
}

}  // namespace
}  // namespace swarmex::hostctl
