// `swarmex report` against what the clients were told: a real swarmexd, a scripted session over
// the protocol (a host's asks, two tenants buying at different prices, fees on one instrument, a
// host selling into a resting bid), every Filled execution report recorded; then the report of
// the journal, of the live journal and of the stopped one, must add up to exactly those fills.
#include <fstream>
#include <thread>

#include "e2e_fixture.hpp"
#include "json_output.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

struct ClientFill {
  std::uint32_t instrument;
  std::int64_t qty, price, fee, time_ns;
};

class ReportE2eTest : public E2eTest {
 protected:
  CliRun cli(const std::string& args, const std::string& who = "operator") {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) + " --principal " +
                       who + " --token " + who + "-token");
  }
  CliRun report(const std::string& args, const std::string& config = "") {
    return run_command(std::string(SWARMEX_CLI) + " report --journal " + server_->journal_dir() +
                       " --config " + (config.empty() ? dir_.str() + "/swarmex.toml" : config) +
                       " " + args);
  }
  nlohmann::json report_json(const std::string& args = "") {
    const CliRun r = report("--json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
  }
  // Every Filled report `c` receives until it has been quiet for a while.
  static void collect(Conn& c, std::vector<ClientFill>& into) {
    for (const wire::Message* m = c.next(wire::Body::ExecutionReport, 400ms); m != nullptr;
         m = c.next(wire::Body::ExecutionReport, 400ms)) {
      const auto* r = m->body_as_ExecutionReport();
      if (r->kind() == ExecKind::Filled)
        into.push_back({r->instrument(), r->last_qty(), r->last_price(), r->fee(), r->time_ns()});
    }
  }
  static std::int64_t value(const std::vector<ClientFill>& fills) {  // spot leases: one hour
    std::int64_t v = 0;
    for (const auto& f : fills)
      v += f.price * f.qty;
    return v;
  }
  static std::int64_t fees(const std::vector<ClientFill>& fills) {
    std::int64_t v = 0;
    for (const auto& f : fills)
      v += f.fee;
    return v;
  }
  static const nlohmann::json& row(const nlohmann::json& rows, const std::string& key,
                                   const std::string& value) {
    for (const auto& r : rows)
      if (r.at(key) == value) return r;
    static const nlohmann::json kNone = nlohmann::json::object();
    ADD_FAILURE() << "no row " << key << "=" << value << " in " << rows;
    return kNone;
  }
};

TEST_F(ReportE2eTest, TheReportOfTheJournalEqualsTheFillsTheClientsReceived) {
  ASSERT_EQ(cli("admin fees 1 --maker-bps -5 --taker-bps 25").exit_code, 0);
  auto h = host();
  h->client().declare_supply(1, 100);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  h->order(1, 1, Side::Sell, 1000, 10);
  h->order(2, 1, Side::Sell, 1500, 10);
  h->order(3, 2, Side::Sell, 2000, 5);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  auto a = tenant("tenant-a");
  auto b = tenant("tenant-b");
  std::vector<ClientFill> fa, fb, fh;

  // Before the cut: tenant-a buys 4 cpu at 1000.
  a->order(1, 1, Side::Buy, 1000, 4, wire::TimeInForce::Ioc);
  collect(*a, fa);
  ASSERT_EQ(fa.size(), 1u);
  std::this_thread::sleep_for(20ms);
  const std::int64_t cut_ns = realtime_ns();
  std::this_thread::sleep_for(20ms);
  const std::size_t a_before = fa.size();
  // After it: tenant-b sweeps 6 at 1000 and 6 at 1500; tenant-a buys 3 mem at 2000 (no fees
  // there); tenant-b's bid at 1400 rests and the host sells 2 into it with an ask limit of 1200.
  b->order(1, 1, Side::Buy, 1500, 12, wire::TimeInForce::Ioc);
  a->order(2, 2, Side::Buy, 2000, 3, wire::TimeInForce::Ioc);
  b->order(2, 1, Side::Buy, 1400, 2);
  collect(*b, fb);
  h->order(4, 1, Side::Sell, 1200, 2, wire::TimeInForce::Ioc);
  collect(*a, fa);
  collect(*b, fb);
  collect(*h, fh);
  ASSERT_EQ(fa.size(), 2u);
  ASSERT_EQ(fb.size(), 3u);
  ASSERT_EQ(fh.size(), 5u);
  EXPECT_GT(fees(fa), 0) << "a fee was charged";

  // The live server's journal (append-only, read while it runs) ...
  const nlohmann::json live = report_json();
  std::vector<ClientFill> all = fa;
  all.insert(all.end(), fb.begin(), fb.end());

  // ... and the stopped one's.
  h.reset();
  a.reset();
  b.reset();
  server_->stop();
  const nlohmann::json rep = report_json();
  for (const char* section : {"totals", "tenants", "hosts", "fees", "markets"})
    EXPECT_EQ(live.at(section), rep.at(section)) << section;

  EXPECT_EQ(rep.at("totals").at("fills"), all.size());
  EXPECT_EQ(rep.at("totals").at("value"), value(all));
  EXPECT_EQ(rep.at("totals").at("fees"), fees(all) + fees(fh));
  const auto& ta = row(rep.at("tenants"), "name", "tenant-a");
  EXPECT_EQ(ta.at("spend"), value(fa));
  EXPECT_EQ(ta.at("fees"), fees(fa));
  EXPECT_EQ(ta.at("unit_hours").at("cpu"), 4.0);
  EXPECT_EQ(ta.at("unit_hours").at("mem"), 3.0);
  const auto& tb = row(rep.at("tenants"), "name", "tenant-b");
  EXPECT_EQ(tb.at("spend"), value(fb));
  EXPECT_EQ(tb.at("fees"), fees(fb));
  const auto& hr = row(rep.at("hosts"), "name", "host-a1");
  EXPECT_EQ(hr.at("host"), 1);
  EXPECT_EQ(hr.at("revenue"), value(fh));
  EXPECT_EQ(hr.at("revenue"), value(all)) << "one host sold everything";
  EXPECT_EQ(hr.at("fees"), fees(fh));
  // Reserve: each ask's own limit; only the sale into the 1400 bid beat it (by 200 on 2 units).
  EXPECT_EQ(hr.at("reserve_value"), 4 * 1000 + 6 * 1000 + 6 * 1500 + 3 * 2000 + 2 * 1200);
  EXPECT_EQ(hr.at("margin"), 2 * (1400 - 1200));
  EXPECT_EQ(row(rep.at("fees"), "name", "host-a1").at("fees"), fees(fh));

  std::int64_t cpu_qty = 0, cpu_pq = 0;
  for (const auto& f : all)
    if (f.instrument == 1) cpu_qty += f.qty, cpu_pq += f.qty * f.price;
  const auto& cpu = row(rep.at("markets"), "resource", "cpu");
  EXPECT_EQ(cpu.at("qty"), cpu_qty);
  EXPECT_EQ(cpu.at("value"), cpu_pq);
  EXPECT_EQ(cpu.at("vwap"), cpu_pq / cpu_qty);
  EXPECT_EQ(row(rep.at("markets"), "resource", "mem").at("vwap"), 2000);

  // Deterministic: the same journal, the same bytes.
  EXPECT_EQ(report("--json").out, report("--json").out);
  EXPECT_EQ(report("").out, report("").out);

  // --to before the cut: only tenant-a's first fill; --from after it: the rest.
  const nlohmann::json before = report_json("--to " + std::to_string(cut_ns));
  EXPECT_EQ(before.at("totals").at("fills"), a_before);
  ASSERT_EQ(before.at("tenants").size(), 1u);
  EXPECT_EQ(before.at("tenants")[0].at("spend"), 4 * 1000);
  const nlohmann::json after = report_json("--from " + std::to_string(cut_ns));
  EXPECT_EQ(after.at("totals").at("fills"), all.size() - a_before);
  EXPECT_EQ(after.at("totals").at("value").get<std::int64_t>() + 4 * 1000, value(all));
  EXPECT_EQ(report_json("--from 2000-01-01T00:00:00Z").at("totals"), rep.at("totals"));

  // CSV: a table per section, each with its header.
  const CliRun csv = report("--csv --section tenants");
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_TRUE(csv.out.starts_with("name,id,fills,qty,spend,fees,unit_hours\n")) << csv.out;
  EXPECT_EQ(count_of(csv.out, "\n"), 3) << csv.out;
}

TEST_F(ReportE2eTest, BadInputIsAClearErrorAndANonZeroExit) {
  auto h = host();
  h->client().declare_supply(1, 100);
  ASSERT_EQ(h->report()->kind, ExecKind::Accepted);
  h.reset();
  server_->stop();

  const CliRun missing = run_command(std::string(SWARMEX_CLI) + " report --journal " + dir_.str() +
                                     "/nowhere --config " + dir_.str() + "/swarmex.toml");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("no such journal directory"), std::string::npos) << missing.out;

  // The configuration decides partitions and instruments: another one cannot replay this journal.
  const std::string one_partition = dir_.str() + "/one.toml";
  std::ofstream(one_partition) << testing::test_config("", "sync", 1);
  const CliRun partitions = report("", one_partition);
  EXPECT_NE(partitions.exit_code, 0);
  EXPECT_NE(partitions.out.find("partitions"), std::string::npos) << partitions.out;

  std::string config = testing::test_config();
  config.replace(config.find("id = 1\n"), 7, "id = 11\n");
  const std::string other = dir_.str() + "/other.toml";
  std::ofstream(other) << config;
  const CliRun instruments = report("", other);
  EXPECT_NE(instruments.exit_code, 0);
  EXPECT_NE(instruments.out.find("instrument 1,"), std::string::npos) << instruments.out;
}

}  // namespace
}  // namespace swarmex::e2e
