// Who receives an engine event: the one rule the publisher routes by and the stream ledger
// counts by. A ledger that counted differently from the routing would restore stream numbers the
// streams never had, so both read it from here.
#pragma once

#include "swarmex/engine/event.hpp"

namespace swarmex::gateway {

struct EventRecipients {
  // The Accepted / Rejected of an admin command: answered to the operator who asked, on no
  // stream.
  bool admin_outcome = false;
  // An execution report on this owner's stream (0: none). The taker's, for a fill.
  engine::OwnerId report = 0;
  // A fill's maker report on the maker's stream (0: none).
  engine::OwnerId maker_report = 0;
  // A fill: a host fill goes to the principal of `host_of_fill` (the seller's host), if any.
  bool host_fill = false;
  engine::HostId host_of_fill = 0;
  // Book changes and trades: to the instrument's market-data subscribers; incentives: to those
  // of every instrument of the pool and resource.
  bool market_data = false;
  // The agent's copy, on the agent's stream, of the report about an order it placed for its
  // owner (agent_report: the order concerned / the taker; agent_maker_report: a fill's maker).
  bool agent_report = false;
  bool agent_maker_report = false;
};

// Owner ids are as the event has them; the caller drops those that are 0 or not a configured
// principal (nothing is sent to, or counted for, an unknown owner).
[[nodiscard]] constexpr EventRecipients recipients_of(const engine::Event& e) noexcept {
  EventRecipients r;
  switch (e.kind) {
    case engine::EventKind::Accepted:
    case engine::EventKind::Rejected:
      if (e.command == engine::CommandKind::SetParams ||
          e.command == engine::CommandKind::CreateInstrument ||
          e.command == engine::CommandKind::Autopilot ||
          e.command == engine::CommandKind::SetPricing ||
          e.command == engine::CommandKind::SetFees || e.command == engine::CommandKind::EndDay ||
          e.command == engine::CommandKind::SetTradingMode ||
          e.command == engine::CommandKind::SetBreaker) {
        r.admin_outcome = true;
        return r;
      }
      r.report = e.owner;
      r.agent_report = (e.agent & engine::kByAgent) != 0;
      return r;
    case engine::EventKind::Cancelled:
    case engine::EventKind::Modified:
      r.report = e.owner;
      r.agent_report = (e.agent & engine::kByAgent) != 0;
      return r;
    case engine::EventKind::Fill:
      r.report = e.owner;
      r.maker_report = e.maker_owner;
      r.agent_report = (e.agent & engine::kByAgent) != 0;
      r.agent_maker_report = (e.agent & engine::kMakerByAgent) != 0;
      r.host_fill = true;
      r.host_of_fill = e.host;
      r.market_data = true;
      return r;
    case engine::EventKind::BookLevel:
    case engine::EventKind::Incentive:
    // An auction's result and a breaker's halt are market data; the order that tripped a breaker
    // hears of it as a notice, outside its report stream (Publisher::route).
    case engine::EventKind::AuctionResult:
    case engine::EventKind::InstrumentState:
      r.market_data = true;
      return r;
  }
  return r;
}

}  // namespace swarmex::gateway
