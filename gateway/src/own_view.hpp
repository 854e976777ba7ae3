// What a principal has resting and holds, as its own execution reports say (live, and rebuilt by
// the journal replay at start-up) and the snapshot recovery starts from: the answers to
// OrdersRequest and HoldingsRequest. Lives in the principal's PrincipalState, on its home thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "reports.hpp"
#include "swarmex/engine/command.hpp"

namespace swarmex::gateway {

// Most orders / holdings in one answer (past them: truncated), and spot leases kept per
// principal (the latest; older ones are dropped first).
inline constexpr std::size_t kMaxListedOrders = 1000;
inline constexpr std::size_t kMaxListedHoldings = 1000;
inline constexpr std::size_t kMaxSpotLeases = 1024;
// Resale legs waiting for their request's outcome, per principal.
inline constexpr std::size_t kMaxPendingLegs = 64;

struct OpenOrder {
  std::uint64_t client_order_id = 0;
  engine::InstrumentId instrument = 0;
  engine::Side side = engine::Side::Buy;
  engine::Price price = 0;  // swarm orders: the limit on the total
  engine::Qty remaining = 0;
  engine::HostId host = 0;
  bool by_agent = false;
  bool swarm = false;
};

struct SpotLease {
  engine::InstrumentId instrument = 0;
  engine::HostId host = 0;
  engine::Qty qty = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

class OwnView {
 public:
  // One report on the principal's own stream; `e` is the engine event it came from, `spot` says
  // the instrument is not a window book.
  void note(const ExecReport& r, const engine::Event& e, bool spot);
  // A resale request submitted (or replayed): its legs rest under their own ids once accepted.
  void expect_resale(const engine::Resell& r);
  // Start-up: an order resting in the snapshot recovery starts from. In ascending ids each is
  // placed at the end in constant time.
  void restore(engine::OrderId id, const OpenOrder& o) {
    open_.insert_or_assign(open_.end(), id, o);
  }

  [[nodiscard]] const std::map<engine::OrderId, OpenOrder>& open() const noexcept { return open_; }
  [[nodiscard]] const std::deque<SpotLease>& spot_leases() const noexcept { return leases_; }

 private:
  std::map<engine::OrderId, OpenOrder> open_;  // bounded by the engine's resting orders
  std::deque<SpotLease> leases_;
  std::map<engine::OrderId, OpenOrder> pending_legs_;
};

}  // namespace swarmex::gateway
