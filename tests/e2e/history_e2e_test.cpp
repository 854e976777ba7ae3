// Exchange histories end to end (real swarmexd): the id made with the journal is in LogonAck,
// fills and execution reports, the same across a restart on the same journal and another on a new
// journal; the client library notices the change and never resumes into it; a resume position
// past the end of a stream (UINT64_MAX included) is refused with resume_beyond_end.
#include <filesystem>
#include <fstream>
#include <limits>

#include "e2e_fixture.hpp"
#include "swarmex/common/history_id.hpp"

namespace swarmex::e2e {
namespace {

using wire::Side;

struct Seen {
  std::uint64_t logon = 0, report = 0, fill = 0;
};

class HistoryE2eTest : public E2eTest {
 protected:
  // A host sells, a tenant buys: the history of the host's LogonAck, the tenant's fill report and
  // the host's fill.
  Seen trade(std::uint64_t client_id) {
    Seen s;
    auto h = connect();
    const auto r = h->logon("host-a1", wire::Role::Host);
    EXPECT_TRUE(r.ok()) << r.text;
    s.logon = r.history;
    h->client().subscribe_fills(1, 0);
    h->order(client_id, 1, Side::Sell, 5000, 1);
    EXPECT_TRUE(h->report());
    auto t = tenant();
    t->order(client_id, 1, Side::Buy, 5000, 1, wire::TimeInForce::Ioc);
    for (int i = 0; i < 4 && s.report == 0; ++i) {
      const wire::Message* m = t->next(wire::Body::ExecutionReport);
      if (m == nullptr) break;
      if (m->body_as_ExecutionReport()->kind() == wire::ExecKind::Filled)
        s.report = m->body_as_ExecutionReport()->history();
    }
    for (;;) {  // the fill of this trade: the last the host is sent
      const wire::Message* m = h->next(wire::Body::Fill, s.fill == 0 ? 5s : 300ms);
      if (m == nullptr) break;
      s.fill = m->body_as_Fill()->history();
    }
    return s;
  }
  void new_journal() {
    server_->stop();
    std::filesystem::remove_all(server_->journal_dir());
    server_->start();
  }
};

TEST_F(HistoryE2eTest, OneIdPerJournalInLogonAckFillsAndReports) {
  const Seen first = trade(1);
  ASSERT_NE(first.logon, 0u);
  EXPECT_EQ(first.report, first.logon);
  EXPECT_EQ(first.fill, first.logon);
  std::ifstream file(server_->journal_dir() + "/history");
  std::string magic, id;
  ASSERT_TRUE(file >> magic >> magic >> id) << "no history file in the journal directory";
  EXPECT_EQ(common::parse_history_id(id), first.logon);

  server_->stop();
  server_->start();  // the same journal: the same history
  const Seen again = trade(2);
  EXPECT_EQ(again.logon, first.logon);
  EXPECT_EQ(again.report, first.logon);
  EXPECT_EQ(again.fill, first.logon);

  new_journal();  // a new journal: a new history
  const Seen fresh = trade(3);
  ASSERT_NE(fresh.logon, 0u);
  EXPECT_NE(fresh.logon, first.logon);
  EXPECT_EQ(fresh.report, fresh.logon);
  EXPECT_EQ(fresh.fill, fresh.logon);
}

TEST_F(HistoryE2eTest, ResumePastTheEndOfAStreamIsRefusedClearly) {
  {
    auto t = tenant();
    t->order(1, 1, Side::Buy, 1000, 1);
    t->order(2, 1, Side::Buy, 1000, 1);
    ASSERT_TRUE(t->report());
    ASSERT_TRUE(t->report());  // stream_seq 1 and 2 sent
  }
  for (const std::uint64_t after :
       {std::uint64_t{3}, std::uint64_t{1000}, std::numeric_limits<std::uint64_t>::max()}) {
    auto c = connect();
    const auto r = c->client().logon("tenant-a", "tenant-a-token", wire::Role::Tenant, after);
    EXPECT_EQ(r.reason, RejectReason::ResumeBeyondEnd)
        << "resume after " << after << ": " << r.text;
    EXPECT_NE(r.text.find("past the end"), std::string::npos) << r.text;
    EXPECT_TRUE(c->closed_by_server(2s));
  }
  auto c = connect();  // at the end exactly: nothing to replay, logged on
  const auto r = c->client().logon("tenant-a", "tenant-a-token", wire::Role::Tenant, 2);
  ASSERT_TRUE(r.ok()) << r.text;
  EXPECT_EQ(r.next_stream_seq, 3u);

  // A host's fill stream: none sent yet, so any position is past its end.
  auto h = host();
  h->client().subscribe_fills(1, std::numeric_limits<std::uint64_t>::max());
  const auto e = h->error();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reason, RejectReason::ResumeBeyondEnd) << e->text;
  h->client().subscribe_fills(1, 0);  // the session stays: from the start is fine
  EXPECT_FALSE(h->error(300ms));
}

TEST_F(HistoryE2eTest, TheClientNoticesANewHistoryAndNeverResumesIntoIt) {
  const Seen old = trade(1);
  ASSERT_NE(old.logon, 0u);
  new_journal();

  // The position is saved with its history; the new exchange refuses to resume it.
  auto resuming = connect();
  resuming->client().expect_history(old.logon);
  const auto refused =
      resuming->client().logon("tenant-a", "tenant-a-token", wire::Role::Tenant, 1);
  EXPECT_EQ(refused.reason, RejectReason::HistoryMismatch) << refused.text;
  EXPECT_NE(refused.history, 0u);
  EXPECT_NE(refused.history, old.logon);
  EXPECT_TRUE(refused.history_changed);

  // Logging on afresh is allowed, and flagged; the old fill position is refused by the library.
  auto fresh = connect();
  fresh->client().expect_history(old.logon);
  const auto r = fresh->client().logon("host-a1", "host-a1-token", wire::Role::Host);
  ASSERT_TRUE(r.ok()) << r.text;
  EXPECT_TRUE(r.history_changed);
  EXPECT_EQ(r.previous_history, old.logon);
  EXPECT_EQ(r.history, refused.history);
  EXPECT_EQ(fresh->client().history(), r.history);
  EXPECT_THROW(fresh->client().subscribe_fills(1, 1), client::ClientError);
  EXPECT_NO_THROW(fresh->client().subscribe_fills(1, 0));

  // The CLI names the history and refuses another one than --history.
  const std::string base = std::string(SWARMEX_CLI) +
                           " fills --server 127.0.0.1:" + std::to_string(server_->port()) +
                           " --principal host-a1 --token host-a1-token --settle-ms 100";
  const CliRun same = run_command(base + " --history " + common::format_history_id(r.history));
  EXPECT_EQ(same.exit_code, 0) << same.out;
  EXPECT_NE(same.out.find("exchange history " + common::format_history_id(r.history)),
            std::string::npos)
      << same.out;
  const CliRun other = run_command(base + " --history " + common::format_history_id(old.logon));
  EXPECT_EQ(other.exit_code, 2) << other.out;
  EXPECT_NE(other.out.find("exchange history changed"), std::string::npos) << other.out;
}

}  // namespace
}  // namespace swarmex::e2e
