#include "own_view.hpp"

#include <algorithm>

namespace swarmex::gateway {

void OwnView::expect_resale(const engine::Resell& r) {
  if (pending_legs_.size() + r.leg_count > kMaxPendingLegs) pending_legs_.clear();  // outcomes lost
  for (std::uint8_t i = 0; i < r.leg_count && i < engine::kMaxSwarmLegs; ++i)
    pending_legs_[r.order_id + i] = OpenOrder{.instrument = r.legs[i].instrument,
                                              .side = engine::Side::Sell,
                                              .price = r.price,
                                              .remaining = r.legs[i].qty,
                                              .host = r.host,
                                              .by_agent = r.agent != 0};
}

void OwnView::note(const ExecReport& r, const engine::Event& e, bool spot) {
  switch (e.kind) {
    case engine::EventKind::Accepted:
      if (e.command == engine::CommandKind::NewOrder) {
        open_[r.order_id] = OpenOrder{.instrument = r.instrument,
                                      .side = r.side,
                                      .price = r.price,
                                      .remaining = r.qty,
                                      .host = r.host,
                                      .by_agent = (e.agent & engine::kByAgent) != 0};
      } else if (e.command == engine::CommandKind::SwarmOrder) {
        open_[r.order_id] = OpenOrder{
            .instrument = r.instrument, .price = r.price, .remaining = r.qty, .swarm = true};
      } else if (e.command == engine::CommandKind::Resell) {
        // Every leg rests as its own ask until it trades or ends (the fills and cancels after).
        for (engine::OrderId id = r.order_id; id < r.order_id + engine::kMaxSwarmLegs; ++id)
          if (auto leg = pending_legs_.find(id); leg != pending_legs_.end()) {
            open_[id] = leg->second;
            pending_legs_.erase(leg);
          }
      }
      return;
    case engine::EventKind::Rejected:
      if (e.command == engine::CommandKind::Resell)
        for (engine::OrderId id = r.order_id; id < r.order_id + engine::kMaxSwarmLegs; ++id)
          pending_legs_.erase(id);
      return;
    case engine::EventKind::Cancelled:
      open_.erase(r.order_id);
      return;
    case engine::EventKind::Modified:
      if (auto it = open_.find(r.order_id); it != open_.end()) {
        it->second.price = e.price;
        it->second.remaining = e.leaves_qty;
      }
      return;
    case engine::EventKind::Fill:
      if (auto it = open_.find(r.order_id); it != open_.end()) {
        if (it->second.swarm || r.leaves_qty <= 0)  // a swarm order fills all or nothing
          open_.erase(it);
        else
          it->second.remaining = r.leaves_qty;
      }
      if (spot && r.side == engine::Side::Buy) {
        std::erase_if(leases_, [&](const SpotLease& l) { return l.end_ns <= e.lease_start_ns; });
        if (leases_.size() >= kMaxSpotLeases) leases_.pop_front();
        leases_.push_back(
            SpotLease{r.instrument, r.host, r.last_qty, e.lease_start_ns, e.lease_end_ns});
      }
      return;
    case engine::EventKind::BookLevel:
    case engine::EventKind::Incentive:
    case engine::EventKind::AuctionResult:
    case engine::EventKind::InstrumentState:
      return;
  }
}

}  // namespace swarmex::gateway
