// A consistent image of an engine's state at one sequence number: instruments (with their halt
// state), every resting order in FIFO order and every resting swarm order. Restoring it rebuilds
// the same state hash.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/batch_auction.hpp"
#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/fees.hpp"
#include "swarmex/engine/grants.hpp"
#include "swarmex/engine/holdings.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/order_terms.hpp"
#include "swarmex/engine/pricing.hpp"
#include "swarmex/engine/supply_group.hpp"
#include "swarmex/engine/swarm_book.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

struct SnapshotInstrument {
  InstrumentSpec spec;
  bool halted = false;
  // Set by an admin command (SetParams): its parameters count in the state hash.
  bool admin_params = false;
  // The book's level array: `levels` levels from `level_base` (0: exactly the band, as made).
  Price level_base = 0;
  std::uint32_t levels = 0;
  FeeSchedule fees = {};  // SetFees; none until set
};

struct SnapshotOrder {
  OrderId id;
  InstrumentId instrument;
  Side side;
  std::uint8_t flags;  // StpMode | post-only, as in Order
  OwnerId owner;
  HostId host;
  Price price;
  Qty qty;
  Seq priority_seq;
};

struct SnapshotHolding {
  HoldingKey key;
  Qty qty;  // held and not offered for resale
};

struct SnapshotSupply {
  HostId host;
  std::string resource;  // "mig" for a GPU group
  Qty capacity;
  std::vector<std::pair<std::int64_t, Qty>> changes;  // SupplyGroup::changes(), by time
  std::vector<MigPlacement> placements;               // GPU groups, in the order sold
  std::string pool = {};                              // whose utilisation it counts in
};

struct SnapshotPricing {
  std::string pool;
  std::string resource;
  PoolPricing pricing;  // the policy, the incentive in force, the pegged asks' bases
};

struct EngineSnapshot {
  Seq last_seq = 0;
  std::uint64_t state_hash = 0;
  std::int64_t calendar_ns = 0;                 // the latest Roll's time
  std::vector<Product> products;                // scheduled products, in the order added
  std::vector<SnapshotInstrument> instruments;  // in the engine's book order, window books too
  std::vector<SnapshotOrder> orders;            // per book, bids then asks, best level first, FIFO
  std::vector<RestingSwarm> swarms;             // resting swarm orders in priority order
  std::vector<SnapshotHolding> holdings;        // in key order
  std::vector<SnapshotSupply> supply;           // supply groups in key order
  std::vector<std::pair<GrantKey, Grant>> grants;  // autopilot grants in key order
  std::vector<SnapshotPricing> pricing;            // pool pricing in key order
  // Opaque bytes of the process embedding the engine, written and checked with the snapshot at
  // the same sequence (the gateway's stream ledger). The engine neither fills nor reads them.
  std::vector<std::uint8_t> attachment;
  // GTD expiries, Day orders and icebergs' display and hidden quantity, by order id (each a
  // resting order with Order::kTerms in its flags).
  std::vector<std::pair<OrderId, OrderTerms>> order_terms = {};
  std::vector<SnapshotAuction> auctions = {};  // trading modes and breakers, by instrument id
};

}  // namespace swarmex::engine
