// The drop copy over the real protocol and CLI: an operator gets every execution report of every
// principal in one gap-free sequence, live and from any kept sequence, the same after swarmexd is
// killed and restarted on its journal, and nobody else gets it.
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

struct Copied {
  std::uint64_t seq;
  std::string principal;
  ExecKind kind;
  std::uint64_t order_id;
  std::uint64_t engine_seq;
  std::int64_t last_qty;
  bool operator==(const Copied&) const = default;
};

class DropCopyTest : public E2eTest {
 protected:
  std::unique_ptr<Conn> operator_session() {
    auto c = connect();
    auto r = c->logon("operator", wire::Role::Operator);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }
  // Subscribes from `from_seq` and reads up to DropCopyStatus{caught_up}.
  static std::vector<Copied> read_until_caught_up(Conn& c, std::uint64_t from_seq) {
    c.client().subscribe_drop_copy(from_seq);
    std::vector<Copied> out;
    for (;;) {
      const wire::Message* m = c.client().receive(5s);
      if (m == nullptr) {
        ADD_FAILURE() << "no DropCopyStatus after " << out.size() << " reports";
        return out;
      }
      if (m->body_type() == wire::Body::DropCopyStatus) return out;
      if (m->body_type() == wire::Body::DropCopyReport) out.push_back(copied(*m));
    }
  }
  static Copied copied(const wire::Message& m) {
    const auto* d = m.body_as_DropCopyReport();
    const auto* r = d->report();
    return Copied{d->seq(),        d->principal() ? d->principal()->str() : "",
                  r->kind(),       r->order_id(),
                  r->engine_seq(), r->last_qty()};
  }
  // host-a1 asks 10 at 1000; tenant-a buys 4 (a fill: two reports); tenant-b's IOC bid at 900
  // is cancelled. Returns how many reports each principal's own sessions received.
  std::map<std::string, int> trade() {
    std::map<std::string, int> own;
    auto h = host("host-a1");
    h->order(1, 1, Side::Sell, 1000, 10);
    EXPECT_EQ(h->report()->kind, ExecKind::Accepted);
    auto a = tenant("tenant-a");
    a->order(1, 1, Side::Buy, 1000, 4);
    EXPECT_EQ(a->report()->kind, ExecKind::Accepted);
    EXPECT_EQ(a->report()->kind, ExecKind::Filled);
    EXPECT_EQ(h->report()->kind, ExecKind::Filled);
    auto b = tenant("tenant-b");
    b->order(1, 1, Side::Buy, 900, 3, wire::TimeInForce::Ioc);
    EXPECT_EQ(b->report()->kind, ExecKind::Accepted);
    EXPECT_EQ(b->report()->kind, ExecKind::Cancelled);
    own["host-a1"] = 2;
    own["tenant-a"] = 2;
    own["tenant-b"] = 2;
    keep_ = std::move(h);  // the host's ask stays (its session cancels on disconnect)
    return own;
  }
  std::unique_ptr<Conn> keep_;
};

TEST_F(DropCopyTest, EveryReportOfEveryPrincipalInOneGapFreeSequence) {
  const auto own = trade();
  auto op = operator_session();
  const auto held = read_until_caught_up(*op, 1);
  ASSERT_EQ(held.size(), 6u);
  std::map<std::string, int> per_principal;
  for (std::size_t i = 0; i < held.size(); ++i) {
    EXPECT_EQ(held[i].seq, i + 1) << "gap-free from 1";
    ++per_principal[held[i].principal];
  }
  EXPECT_EQ(per_principal, own);
  // The fill: the taker's and the maker's reports, of one engine command, side by side.
  std::vector<Copied> fills;
  for (const Copied& c : held)
    if (c.kind == ExecKind::Filled) fills.push_back(c);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].principal, "tenant-a");
  EXPECT_EQ(fills[1].principal, "host-a1");
  EXPECT_EQ(fills[0].engine_seq, fills[1].engine_seq);
  EXPECT_EQ(fills[0].last_qty, 4);
  EXPECT_EQ(fills[1].last_qty, 4);

  // Live: the subscriber hears a new trade with the next sequence numbers.
  auto c = tenant("tenant-c");
  c->order(1, 1, Side::Buy, 1000, 1);
  ASSERT_EQ(c->report()->kind, ExecKind::Accepted);
  std::vector<Copied> live;
  while (live.size() < 3)
    if (const wire::Message* m = op->next(wire::Body::DropCopyReport))
      live.push_back(copied(*m));
    else
      break;
  ASSERT_EQ(live.size(), 3u);  // tenant-c's accepted and fill, host-a1's fill
  for (std::size_t i = 0; i < live.size(); ++i)
    EXPECT_EQ(live[i].seq, 7 + i);
  EXPECT_EQ(live[0].principal, "tenant-c");

  // The CLI prints the same sequence, one JSON object per report, then the status.
  const CliRun run = run_command(std::string(SWARMEX_CLI) + " dropcopy --json --server 127.0.0.1:" +
                                 std::to_string(server_->port()) +
                                 " --principal operator --token operator-token --from-seq 5");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::istringstream lines(run.out);
  std::vector<std::uint64_t> seqs;
  for (std::string line; std::getline(lines, line);)
    if (line.find("\"type\":\"drop_copy\"") != std::string::npos)
      seqs.push_back(nlohmann::json::parse(line).at("seq").get<std::uint64_t>());
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{5, 6, 7, 8, 9}));
  EXPECT_NE(run.out.find("\"caught_up\":true"), std::string::npos) << run.out;
}

TEST_F(DropCopyTest, ResumesFromAnySequenceAndAcrossACrash) {
  trade();
  auto op = operator_session();
  const auto before = read_until_caught_up(*op, 1);
  ASSERT_EQ(before.size(), 6u);
  auto resumed = operator_session();
  const auto from4 = read_until_caught_up(*resumed, 4);
  ASSERT_EQ(from4.size(), 3u);
  EXPECT_EQ(from4.front(), before[3]);

  // SIGKILL and a restart on the same journal (the host's session still open, so no
  // cancel-on-disconnect runs): the replay adds nothing twice and loses nothing.
  op.reset();
  resumed.reset();
  server_->kill();
  keep_.reset();
  server_->start();
  auto after_op = operator_session();
  const auto after = read_until_caught_up(*after_op, 1);
  EXPECT_EQ(after, before);

  // New reports continue the sequence.
  auto c = tenant("tenant-c");
  c->order(1, 1, Side::Buy, 100, 1);
  ASSERT_EQ(c->report()->kind, ExecKind::Accepted);
  const wire::Message* m = after_op->next(wire::Body::DropCopyReport);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(copied(*m).seq, after.size() + 1);
  EXPECT_EQ(copied(*m).principal, "tenant-c");
}

TEST_F(DropCopyTest, OnlyOperatorsAndOnlyKeptSequences) {
  trade();
  auto a = tenant("tenant-a");
  a->client().subscribe_drop_copy(1);
  const wire::Message* e = a->next(wire::Body::Error);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(protocol::to_engine(e->body_as_Error()->reason()), engine::RejectReason::WrongRole);
  EXPECT_EQ(a->next(wire::Body::DropCopyReport, 300ms), nullptr) << "a tenant got the drop copy";

  auto op = operator_session();
  op->client().subscribe_drop_copy(1000);  // past the next entry
  e = op->next(wire::Body::Error);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(protocol::to_engine(e->body_as_Error()->reason()),
            engine::RejectReason::InvalidParameter);
  // The session goes on: a valid request afterwards is served.
  EXPECT_EQ(read_until_caught_up(*op, 0).size(), 0u) << "from 0: only new reports";
}

}  // namespace
}  // namespace swarmex::e2e
