// recipients_of (gateway/src/event_recipients.hpp): who receives each kind of engine event, the
// rule the publisher routes by and the stream ledger counts by.
#include "event_recipients.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "stream_ledger.hpp"

namespace swarmex::gateway {
namespace {

using engine::CommandKind;
using engine::Event;
using engine::EventKind;

Event event(EventKind kind, CommandKind command = CommandKind::NewOrder) {
  Event e;
  e.kind = kind;
  e.command = command;
  e.owner = 7;
  e.maker_owner = 8;
  e.host = 3;
  e.instrument = 1;
  return e;
}

TEST(EventRecipientsTest, OrderOutcomesGoToTheOwnerOnly) {
  for (const EventKind k :
       {EventKind::Accepted, EventKind::Rejected, EventKind::Cancelled, EventKind::Modified}) {
    const EventRecipients r = recipients_of(event(k));
    EXPECT_FALSE(r.admin_outcome);
    EXPECT_EQ(r.report, 7u);
    EXPECT_EQ(r.maker_report, 0u);
    EXPECT_FALSE(r.host_fill);
    EXPECT_FALSE(r.market_data);
  }
}

TEST(EventRecipientsTest, AdminOutcomesAreOnNoStream) {
  for (const CommandKind c : {CommandKind::SetParams, CommandKind::CreateInstrument})
    for (const EventKind k : {EventKind::Accepted, EventKind::Rejected}) {
      const EventRecipients r = recipients_of(event(k, c));
      EXPECT_TRUE(r.admin_outcome);
      EXPECT_EQ(r.report, 0u);
      EXPECT_FALSE(r.market_data);
    }
  // A halt's outcome goes the ordinary way (the operator's halt has owner 0: to nobody).
  EXPECT_FALSE(recipients_of(event(EventKind::Accepted, CommandKind::Halt)).admin_outcome);
}

TEST(EventRecipientsTest, FillGoesToBothSidesTheHostAndMarketData) {
  const EventRecipients r = recipients_of(event(EventKind::Fill));
  EXPECT_FALSE(r.admin_outcome);
  EXPECT_EQ(r.report, 7u);
  EXPECT_EQ(r.maker_report, 8u);
  EXPECT_TRUE(r.host_fill);
  EXPECT_EQ(r.host_of_fill, 3u);
  EXPECT_TRUE(r.market_data);
}

TEST(EventRecipientsTest, BookLevelIsMarketDataOnly) {
  const EventRecipients r = recipients_of(event(EventKind::BookLevel));
  EXPECT_EQ(r.report, 0u);
  EXPECT_EQ(r.maker_report, 0u);
  EXPECT_FALSE(r.host_fill);
  EXPECT_TRUE(r.market_data);
}

// The ledger counts what the rule sends: per configured principal, a report for each report or
// maker report and a fill for each host fill of its host; nothing for unknown owners.
TEST(EventRecipientsTest, LedgerCountsWhatTheRuleSends) {
  Principal tenant, maker, host;
  tenant.name = "tenant";
  tenant.id = 7;
  maker.name = "maker";
  maker.id = 8;
  host.name = "host";
  host.id = 9;
  host.role = Role::Host;
  host.host_id = 3;
  StreamLedger ledger({tenant, maker, host});
  std::vector<Event> events = {
      event(EventKind::Accepted),  event(EventKind::Accepted, CommandKind::SetParams),
      event(EventKind::Fill),      event(EventKind::BookLevel),
      event(EventKind::Cancelled), event(EventKind::Rejected, CommandKind::CreateInstrument)};
  Event stranger = event(EventKind::Modified);
  stranger.owner = 42;  // not configured: counted for nobody
  events.push_back(stranger);
  for (const Event& e : events)
    ledger.note(e);
  EXPECT_EQ(ledger.counts(7).reports, 3u);  // accepted, fill (taker), cancelled
  EXPECT_EQ(ledger.counts(8).reports, 1u);  // fill (maker)
  EXPECT_EQ(ledger.counts(9).fills, 1u);
  EXPECT_EQ(ledger.counts(9).reports, 0u);
  EXPECT_EQ(ledger.counts(7).fills, 0u);
  EXPECT_EQ(ledger.counts(42).reports, 0u);
}

}  // namespace
}  // namespace swarmex::gateway
