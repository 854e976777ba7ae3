// The host controller's bookkeeping: configuration, allocations over their windows, the durable
// state file, and the asks kept in step with free capacity.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "swarmex/common/temp_dir.hpp"
#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/hostctl/host_state.hpp"
#include "swarmex/hostctl/supply.hpp"

namespace swarmex::hostctl {
namespace {

const char* kConfig = R"(
[exchange]
principal = "host-a1"
token = "t"
[host]
pool = "pool-a"
[capacity]
vrus = 20
[[capacity.io]]
device = "8:0"
units = 50
[[supply]]
instrument = 1
resource = "cpu"
reserve_price = 1000
[[supply]]
instrument = 6
resource = "io"
device = "8:0"
reserve_price = 10
)";

Allocation alloc(std::uint64_t seq, const std::string& tenant, const std::string& resource,
                 std::int64_t qty, std::int64_t start, std::int64_t end) {
  Allocation a;
  a.stream_seq = seq;
  a.key = FillKey{1, seq * 10, seq, 1000 + seq};
  a.tenant = tenant;
  a.resource = resource;
  a.qty = qty;
  a.start_ns = start;
  a.end_ns = end;
  if (resource == "io") a.device = "8:0";
  return a;
}

TEST(HostConfigTest, ParsesAndChecks) {
  const HostConfig c = parse_host_config(kConfig, "test");
  EXPECT_EQ(c.principal, "host-a1");
  EXPECT_EQ(c.vrus.value(), 20);
  ASSERT_EQ(c.supply.size(), 2u);
  EXPECT_EQ(c.supply[1].device, "8:0");
  EXPECT_EQ(c.io.at(0).units, 50);
  EXPECT_EQ(c.address, "127.0.0.1:7400");
}

TEST(HostConfigTest, RefusesBadInputWithTheKey) {
  auto error_of = [](const std::string& text) {
    try {
      (void)parse_host_config(text, "f");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string head = "[exchange]\nprincipal=\"h\"\ntoken=\"t\"\n[host]\npool=\"p\"\n";
  EXPECT_NE(error_of(head + "[[supply]]\ninstrument=1\nresource=\"gpu\"\nreserve_price=1\n")
                .find("supply[0].resource"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[[supply]]\ninstrument=1\nresource=\"io\"\nreserve_price=1\n")
                .find("device"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[host.x]\n").find("unknown key"), std::string::npos);
  EXPECT_NE(error_of(head + "[capacity]\nvrus=-1\n").find("capacity.vrus"), std::string::npos);
  EXPECT_NE(error_of("[host]\npool=\"p\"\n").find("principal"), std::string::npos);
  EXPECT_NE(error_of(head + "[[supply]]\ninstrument=1\nresource=\"mem\"\nreserve_price=1\n"
                            "[[supply]]\ninstrument=1\nresource=\"mem\"\nreserve_price=1\n")
                .find("listed twice"),
            std::string::npos);
  EXPECT_NE(error_of("[exchange\n").find("f"), std::string::npos);
}

TEST(CpuListTest, RoundTrips) {
  EXPECT_EQ(parse_cpu_list("0-3,6"), (std::vector<int>{0, 1, 2, 3, 6}));
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3, 6, 8, 9}), "0-3,6,8-9");
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_THROW(parse_cpu_list("3-1"), std::invalid_argument);
  EXPECT_THROW(parse_cpu_list("a"), std::invalid_argument);
  EXPECT_THROW(parse_cpu_list("1,,2"), std::invalid_argument);
}

TEST(AllocationBookTest, WindowsStartAndEnd) {
  AllocationBook book;
  EXPECT_TRUE(book.add(alloc(1, "a", "cpu", 5, 100, 200)));
  EXPECT_TRUE(book.add(alloc(2, "a", "mem", 4, 150, 300)));
  EXPECT_TRUE(book.add(alloc(3, "b", "io", 2, 100, 120)));
  EXPECT_FALSE(book.add(alloc(1, "a", "cpu", 5, 100, 200))) << "same sequence";
  Allocation same_key = alloc(9, "a", "cpu", 5, 100, 200);
  same_key.key = alloc(2, "", "", 0, 0, 0).key;
  EXPECT_FALSE(book.add(same_key)) << "same fill under another sequence";
  EXPECT_EQ(book.next_deadline_ns(), 100);
  EXPECT_EQ(book.committed("cpu", ""), 5);

  std::vector<std::uint64_t> started, ended;
  auto changed = book.advance(100, &started, &ended);
  EXPECT_EQ(changed, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(started, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(book.limits_of("a").vrus, 5);
  EXPECT_EQ(book.limits_of("a").mem_shards, 0) << "mem starts at 150";
  ASSERT_EQ(book.limits_of("b").io.size(), 1u);
  EXPECT_EQ(book.limits_of("b").io[0].units, 2);
  EXPECT_EQ(book.next_deadline_ns(), 120);

  started.clear();
  changed = book.advance(150, &started, &ended);
  EXPECT_EQ(changed, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(ended, (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(book.active_tenants(), (std::set<std::string>{"a"}));
  EXPECT_EQ(book.limits_of("a").mem_shards, 4);
  EXPECT_EQ(book.committed("io", "8:0"), 0) << "ended allocations give capacity back";

  book.advance(300, nullptr);
  EXPECT_TRUE(book.active_tenants().empty());
  EXPECT_EQ(book.next_deadline_ns(), INT64_MAX);
}

// Capacity over time: allocations are accepted exactly when every instant of their window stays
// within capacity (brute force over integer instants), so none over-sells and none is refused
// for a window it does not overlap. Random windows, replayable with the printed seed.
TEST(AllocationBookTest, PeakAdmitsExactlyWhatFitsAtEveryInstant) {
  int refused_total = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    constexpr std::int64_t kCapacity = 10, kHorizon = 48;
    AllocationBook book;
    std::vector<std::int64_t> held(kHorizon, 0);
    int accepted = 0;
    for (std::uint64_t i = 1; i <= 40; ++i) {
      const auto start = static_cast<std::int64_t>(rng() % (kHorizon - 1));
      const auto end = start + 1 + static_cast<std::int64_t>(rng() % (kHorizon - start - 1) / 4);
      const auto qty = 1 + static_cast<std::int64_t>(rng() % 4);
      std::int64_t brute = 0;
      for (std::int64_t t = start; t < end; ++t)
        brute = std::max(brute, held[static_cast<std::size_t>(t)]);
      ASSERT_EQ(book.peak("cpu", "", start, end), brute) << "seed " << seed << " step " << i;
      if (brute + qty > kCapacity) {
        ++refused_total;
        continue;
      }
      ++accepted;
      Allocation a;
      a.stream_seq = i;
      a.key.engine_seq = i;
      a.resource = "cpu";
      a.qty = qty;
      a.start_ns = start;
      a.end_ns = end;
      ASSERT_TRUE(book.add(a));
      for (std::int64_t t = start; t < end; ++t)
        ASSERT_LE(held[static_cast<std::size_t>(t)] += qty, kCapacity) << "seed " << seed;
    }
    EXPECT_GT(accepted, 0);
    EXPECT_EQ(book.peak("mem", "", 0, kHorizon), 0) << "other resources are apart";
  }
  EXPECT_GT(refused_total, 0) << "the capacity must bind in some cases";
}

// The controller forgets ended and refused allocations far behind its saved sequence, so its
// state does not grow without end; what is still held stays, with its limits and capacity.
TEST(AllocationBookTest, ForgetBeforeDropsOnlyWhatIsOver) {
  AllocationBook book;
  auto alloc = [](std::uint64_t seq, std::int64_t start, std::int64_t end) {
    Allocation a;
    a.stream_seq = seq;
    a.key.engine_seq = seq;
    a.tenant = "t";
    a.resource = "cpu";
    a.qty = 2;
    a.start_ns = start;
    a.end_ns = end;
    return a;
  };
  ASSERT_TRUE(book.add(alloc(1, 0, 10)));    // ends at 10
  ASSERT_TRUE(book.add(alloc(2, 0, 1000)));  // still held
  ASSERT_TRUE(book.add(alloc(3, 20, 30)));   // missed entirely: refused at 50
  ASSERT_TRUE(book.add(alloc(4, 0, 1000)));  // newer than the cut
  book.advance(5, nullptr);                  // 1, 2 and 4 start
  book.advance(50, nullptr);
  EXPECT_EQ(book.find(1)->state, AllocationState::Ended);
  EXPECT_EQ(book.find(3)->state, AllocationState::Refused);
  book.forget_before(4);
  EXPECT_EQ(book.find(1), nullptr);
  EXPECT_EQ(book.find(3), nullptr);
  ASSERT_NE(book.find(2), nullptr) << "active allocations are never forgotten";
  EXPECT_FALSE(book.contains(1, alloc(1, 0, 10).key)) << "its key goes with it";
  EXPECT_EQ(book.limits_of("t").vrus, 4);
  EXPECT_EQ(book.peak("cpu", "", 0, 1000), 4);
  EXPECT_EQ(book.next_deadline_ns(), 1000);
}

TEST(AllocationBookTest, AWindowMissedEntirelyIsRefusedNotEnacted) {
  AllocationBook book;
  book.add(alloc(1, "a", "cpu", 5, 100, 200));
  std::vector<std::uint64_t> started;
  EXPECT_TRUE(book.advance(500, &started).empty());
  EXPECT_TRUE(started.empty());
  EXPECT_EQ(book.find(1)->state, AllocationState::Refused);
}

TEST(HostStateTest, SavesAndLoadsExactly) {
  common::TempDir dir;
  HostState s;
  s.last_seq = 42;
  s.next_client_order_id = 777;
  Allocation a = alloc(41, "tenant-a", "cpu", 12, 1, 2);
  a.pinned = true;
  a.cpus = {2, 3};
  a.state = AllocationState::Active;
  s.book.add(a);
  Allocation m = alloc(42, "tenant-b", "mig.1g.10gb", 2, 1, 2);
  m.mig = {MigInstanceRecord{0, 3, 1}, MigInstanceRecord{0, 4, 2}};
  m.state = AllocationState::Refused;
  m.why = "no free placement for 1g.10gb";
  s.book.add(m);
  save_host_state(dir.path(), s);
  const HostState back = load_host_state(dir.path());
  EXPECT_EQ(format_host_state(back), format_host_state(s));
  EXPECT_EQ(back.book.all().at(42).why, "no free placement for 1g.10gb");
  EXPECT_EQ(back.book.all().at(42).mig, m.mig);
  EXPECT_EQ(back.book.all().at(41).cpus, (std::vector<int>{2, 3}));
  EXPECT_EQ(load_host_state(dir.str() + "/none").last_seq, 0u) << "no file: a fresh host";
}

TEST(HostStateTest, CorruptFilesAreRefused) {
  EXPECT_THROW(parse_host_state("garbage\n"), std::runtime_error);
  EXPECT_THROW(parse_host_state("swarmex-hostctl-state v1\nlast_seq x\n"), std::runtime_error);
  EXPECT_THROW(parse_host_state("swarmex-hostctl-state v1\nalloc 1 2 3\n"), std::runtime_error);
  EXPECT_THROW(parse_host_state("swarmex-hostctl-state v1\nwhat 1\n"), std::runtime_error);
}

// Found by the host_state fuzzer: a malformed cpu list escaped as std::invalid_argument, not as
// the std::runtime_error every other corrupt line is.
TEST(HostStateTest, AMalformedCpuListIsACorruptFile) {
  for (const char* cpus : {"-00:3:1", "1,,2", "3-1", "x"}) {
    const std::string text =
        std::string("swarmex-hostctl-state v2\nalloc 42 1 420 42 1042 9 t 1 cpu - 2 ") +
        "82 1 2 1 active " + cpus + " - -\n";
    EXPECT_THROW(parse_host_state(text), std::runtime_error) << cpus;
  }
}

// Feeds the book one execution report, built as the wire carries it.
void feed(SupplyBook& book, wire::ExecKind kind, std::uint64_t client, std::uint64_t order,
          std::int64_t last_qty, std::int64_t leaves) {
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(wire::CreateExecutionReport(fbb, kind, wire::RejectReason::None,
                                         wire::CancelReason::Requested, client, order, 1,
                                         wire::Side::Sell, 1000, 0, last_qty, 1000, leaves, 1));
  book.on_report(*flatbuffers::GetRoot<wire::ExecutionReport>(fbb.GetBufferPointer()));
}

// Every ask may offer `qty`.
std::function<std::int64_t(const AskSlot&)> offer(std::int64_t qty) {
  return [qty](const AskSlot&) { return qty; };
}

TEST(SupplyBookTest, KeepsTheAskAtFreeCapacityWithOneRequestInFlight) {
  SupplyBook book({SupplyLine{1, "cpu", 1000, 0, "", false}});
  std::uint64_t next = 100;
  auto acts = book.plan(offer(20), next);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].kind, SupplyAction::Kind::New);
  EXPECT_EQ(acts[0].qty, 20);
  EXPECT_EQ(acts[0].client_order_id, 100u);
  EXPECT_TRUE(book.plan(offer(15), next).empty()) << "one request in flight per ask";
  feed(book, wire::ExecKind::Accepted, 100, 7, 0, 20);
  EXPECT_EQ(book.offered(0), 20);
  // A fill reported before the fill stream shows it: capacity the book does not count yet.
  feed(book, wire::ExecKind::Filled, 100, 7, 5, 15);
  EXPECT_EQ(book.unseen("cpu", ""), 5);
  book.on_fill(7, 5);
  EXPECT_EQ(book.unseen("cpu", ""), 0);
  EXPECT_TRUE(book.plan(offer(15), next).empty()) << "already offered";
  acts = book.plan(offer(18), next);  // an allocation ended: offer more
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].kind, SupplyAction::Kind::Modify);
  EXPECT_EQ(acts[0].qty, 18);
  // The exchange acknowledges the modify (no leaves on that report), then reports it.
  feed(book, wire::ExecKind::Accepted, 100, 7, 0, 0);
  EXPECT_TRUE(book.plan(offer(18), next).empty()) << "the ask still rests: no second ask";
  feed(book, wire::ExecKind::Modified, 100, 7, 0, 18);
  EXPECT_EQ(book.offered(0), 18);
  acts = book.plan(offer(0), next);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].kind, SupplyAction::Kind::Cancel);
  feed(book, wire::ExecKind::Accepted, 100, 7, 0, 0);
  feed(book, wire::ExecKind::Cancelled, 100, 7, 0, 0);
  EXPECT_EQ(book.offered(0), 0);
  acts = book.plan(offer(3), next);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].kind, SupplyAction::Kind::New) << "a cancelled ask is replaced by a new one";
  EXPECT_EQ(acts[0].client_order_id, 101u);
}

TEST(SupplyBookTest, MaxQtyCapsAndRejectsFreeTheLine) {
  SupplyBook book({SupplyLine{1, "cpu", 1000, 4, "", false}});
  std::uint64_t next = 1;
  auto acts = book.plan(offer(20), next);
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].qty, 4);
  feed(book, wire::ExecKind::Rejected, 1, 0, 0, 0);
  EXPECT_EQ(book.plan(offer(20), next).size(), 1u) << "a refused ask is tried again";
  book.reset();
  EXPECT_EQ(book.offered(0), 0);
}

}  // namespace
}  // namespace swarmex::hostctl
