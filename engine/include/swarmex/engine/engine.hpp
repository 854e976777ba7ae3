// The matching engine of one partition: a pure, single-threaded state machine over sequenced
// commands. No I/O, no clock, no allocation on the matching path after construction (the event
// buffer aside, which the caller sizes).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "swarmex/engine/batch_auction.hpp"
#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/grants.hpp"
#include "swarmex/engine/holdings.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/order_arena.hpp"
#include "swarmex/engine/order_book.hpp"
#include "swarmex/engine/order_index.hpp"
#include "swarmex/engine/order_terms.hpp"
#include "swarmex/engine/snapshot.hpp"
#include "swarmex/engine/snapshot_capture.hpp"
#include "swarmex/engine/supply_group.hpp"
#include "swarmex/engine/swarm_book.hpp"

namespace swarmex::engine {

struct EngineConfig {
  std::uint32_t order_capacity = 1u << 20;  // resting orders across all books of the engine
  std::uint32_t swarm_capacity = 4096;      // resting (GTC) swarm orders
};

struct LevelView {
  Price price;
  Qty qty;
  std::uint32_t orders;
};

struct OrderView {
  OrderId id;
  InstrumentId instrument;
  OwnerId owner;
  HostId host;
  Side side;
  Price price;
  Qty qty;  // shown on the book (an iceberg's current slice)
  Seq priority_seq;
  Qty hidden = 0;  // an iceberg's remainder not shown yet: qty + hidden is what remains
};

// Highest instrument id the engine accepts (ids index a direct table).
inline constexpr InstrumentId kMaxInstrumentId = (1u << 20) - 1;

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Configuration time only (allocates). Throws std::invalid_argument on a bad or duplicate spec.
  void add_instrument(const InstrumentSpec& spec);
  // Configuration time only: a scheduled product's book_count(p) books, ids from p.rules.id.
  // Its books list the windows trading at the current calendar time at once (books are empty
  // then, so nothing is reported); later Rolls move them (calendar.cpp says which).
  void add_product(const Product& p);
  [[nodiscard]] const Product* product_of(InstrumentId id) const noexcept;
  // The engine's calendar time: the latest Roll's (monotonic).
  [[nodiscard]] std::int64_t calendar_ns() const noexcept { return calendar_ns_; }
  // The latest time of any command applied (after a snapshot restore: its calendar time). The
  // sequencer never stamps earlier, across restarts too.
  [[nodiscard]] std::int64_t latest_time_ns() const noexcept { return latest_time_ns_; }

  // Applies one command and appends its events to `out`: first exactly one Accepted or Rejected,
  // then whatever it caused.
  void apply(const Command& cmd, EventBuffer& out);
  // apply() of each command in turn, warming the caches a few commands ahead (prefetch.cpp):
  // the same events and state as applying them one by one, in less time on a deep book.
  void apply_batch(std::span<const Command> cmds, EventBuffer& out);
  // The same, calling after(i) as soon as command i's events are in `out`: how the flow bench
  // times each command as the partition runs it (prefetching included).
  template <typename After>
  void apply_batch(std::span<const Command> cmds, EventBuffer& out, After&& after) {
    warm_first(cmds);
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      warm(cmds, i);
      apply(cmds[i], out);
      after(i);
    }
  }

  [[nodiscard]] std::uint64_t state_hash() const noexcept;
  [[nodiscard]] Seq last_seq() const noexcept { return last_seq_; }
  [[nodiscard]] std::uint32_t resting_orders() const noexcept { return arena_.live(); }
  [[nodiscard]] bool has_instrument(InstrumentId id) const noexcept {
    return book_of(id) != nullptr;
  }
  [[nodiscard]] const InstrumentSpec* instrument(InstrumentId id) const noexcept;
  [[nodiscard]] std::vector<InstrumentId> instruments() const;

  // Inspection (tests, tools, market data snapshots). Best-first levels, at most `depth`.
  void depth(InstrumentId id, Side side, std::size_t depth, std::vector<LevelView>& out) const;
  [[nodiscard]] std::optional<OrderView> order(OrderId id) const noexcept;
  // Resting orders of one book side in priority order.
  void orders(InstrumentId id, Side side, std::vector<OrderView>& out) const;
  // Resting swarm orders in priority order.
  [[nodiscard]] const SwarmBook& swarms() const noexcept { return swarms_; }
  // Hosts' supply groups (capacity and what is sold over time), by host and resource.
  [[nodiscard]] const std::map<SupplyKey, SupplyGroup>& supply() const noexcept { return supply_; }
  // The engine's id for a resource name (interned as instruments are added); 0xFFFF if unknown.
  [[nodiscard]] std::uint16_t resource_id(std::string_view resource) const noexcept;
  // Window capacity each owner holds from each host and has not offered for resale.
  [[nodiscard]] const Holdings& holdings() const noexcept { return holdings_; }
  // GTD expiries, Day orders and icebergs' display and hidden quantities of resting orders.
  [[nodiscard]] const OrderTermsTable& order_terms() const noexcept { return terms_; }
  // Tenants' autopilot grants on this engine's pools.
  [[nodiscard]] const Grants& grants() const noexcept { return grants_; }
  // Pricing policies and pegged asks by pool and resource (interned ids: pool_name and
  // resource_name), and the utilisation of a pool's resource over a book's next lease / at
  // time_ns (pegging.cpp).
  [[nodiscard]] const std::map<PoolKey, PoolPricing>& pricing() const noexcept { return pricing_; }
  [[nodiscard]] const std::string& pool_name(std::uint16_t pool) const { return pool_names_[pool]; }
  [[nodiscard]] const std::string& resource_name(std::uint16_t r) const {
    return resource_names_[r];
  }
  [[nodiscard]] std::uint32_t utilisation_at(PoolKey key, std::int64_t time_ns) const noexcept;

  // Snapshots (snapshot.cpp). snapshot() copies the state; restore() rebuilds it into an engine
  // that has no instruments yet and throws std::runtime_error when the image is inconsistent
  // (its recorded hash included).
  void snapshot(EngineSnapshot& out) const;
  void restore(const EngineSnapshot& snap);
  // The same snapshot in bounded steps while commands apply in between (snapshot_capture.hpp):
  // begin_snapshot fills `out` but its orders; snapshot_step copies at most `max_slots` arena
  // slots and returns true once the capture is complete (then finish_snapshot, any thread).
  // `capture` must outlive the steps; abandon_snapshot disarms a capture left unfinished.
  void begin_snapshot(EngineSnapshot& out, SnapshotCapture& capture);
  bool snapshot_step(std::uint32_t max_slots) noexcept;
  void abandon_snapshot() noexcept { arena_.end_capture(); }
  [[nodiscard]] bool snapshot_in_progress() const noexcept { return arena_.capturing(); }

  // Bytes held per resting order at full pool (arena entry + index buckets) and in total.
  [[nodiscard]] std::size_t bytes_per_order() const noexcept;
  [[nodiscard]] std::size_t bytes_total() const noexcept;

  // Trading modes and breakers by instrument (those an operator ever set; batch_auction.hpp).
  [[nodiscard]] const std::map<InstrumentId, AuctionState>& auctions() const noexcept {
    return auctions_;
  }

 private:
  struct Taker {  // an order while it matches, before it may rest
    OrderId id;
    OwnerId owner;
    HostId host;
    Side side;
    StpMode stp;
    Qty leaves;
    std::int64_t limit_level;  // best-to-worst bound of levels it may trade at
    bool resale;               // a resale ask: sells held capacity, not its host's supply
    bool exhausted;            // a host ask whose supply group ran out: matching stops
    bool tripped = false;      // its next trade would breach the breaker: matching stopped
  };

  // Cache warming for a command applied a few commands later (prefetch.cpp); it changes
  // nothing. The prefetches of a batch before its first command, and before applying command i;
  // prefetch_far: the order id's index bucket.
  void warm_first(std::span<const Command> cmds) const noexcept;
  void warm(std::span<const Command> cmds, std::size_t i) const noexcept;
  void prefetch_far(const Command& cmd) const noexcept;

  OrderBook* book_of(InstrumentId id) noexcept {
    return id <= kMaxInstrumentId && id < book_by_id_.size() && book_by_id_[id] != kNoBook
               ? &books_[book_by_id_[id]]
               : nullptr;
  }
  [[nodiscard]] const OrderBook* book_of(InstrumentId id) const noexcept {
    return const_cast<Engine*>(this)->book_of(id);
  }

  void on_new_order(const Command& cmd, EventBuffer& out);
  void on_cancel(const Command& cmd, EventBuffer& out);
  void on_modify(const Command& cmd, EventBuffer& out);
  void on_mass_cancel(const Command& cmd, EventBuffer& out);
  void on_halt(const Command& cmd, bool halt, EventBuffer& out);

  // Delivery windows (calendar_roll.cpp).
  void on_roll(const Command& cmd, EventBuffer& out);
  // Moves every book to the window it trades at calendar_ns_; with `out`, expires what closes.
  void roll_calendar(Seq seq, EventBuffer* out) noexcept;
  void close_window(OrderBook& book, Seq seq, EventBuffer& out) noexcept;

  // Swarm orders (swarm_matching.cpp).
  struct SwarmPick {  // one maker order a swarm leg trades against
    std::uint32_t order;
    Qty qty;
  };
  struct HostTally {  // same-host planning: what one host can deliver
    HostId host;
    std::uint8_t legs_full;
    Qty leg_filled;
    Price total;
    bool overflow;
  };
  void on_swarm_order(const Command& cmd, EventBuffer& out);
  RejectReason check_swarm(const SwarmOrder& s) const noexcept;
  // The cheapest fill of every leg under the placement rule within the limit, into plan_.
  bool plan_swarm(const SwarmOrder& s) noexcept;
  // Each leg's quantity from the asks of `host` (or any host), cheapest first; true when every
  // leg fills within the limit. With `record` the picks land in plan_; without, only the total.
  bool plan_legs(const SwarmOrder& s, bool one_host, HostId host, bool record,
                 Price* total) noexcept;
  // The cheapest cost of one leg (from `host` only when one_host); false when it cannot fill.
  // With `record` its picks are appended to plan_.
  bool leg_cost(const SwarmOrder& s, std::uint8_t leg, bool one_host, HostId host, bool record,
                Price* cost) noexcept;
  bool pick_host(const SwarmOrder& s, HostId* host) noexcept;
  void execute_swarm(const SwarmOrder& s, Qty units, Seq seq, EventBuffer& out) noexcept;
  // Tries resting swarm orders with a leg on `instrument`, in priority order.
  void reevaluate_swarms(InstrumentId instrument, Seq seq, EventBuffer& out) noexcept;
  // A leg halted or not trading now: the swarm order cannot match.
  [[nodiscard]] bool any_leg_blocked(const SwarmOrder& s) const noexcept;
  bool cancel_swarm(const Command& cmd, EventBuffer& out);
  // Owner 0: every owner's.
  void cancel_swarms_of(OwnerId owner, InstrumentId instrument, CancelReason why, Seq seq,
                        EventBuffer& out);

  // Supply groups (supply.cpp).
  void dispatch(const Command& cmd, EventBuffer& out);
  void on_set_supply(const Command& cmd, EventBuffer& out);
  // The group of `key`, made and indexed (the host's asks already resting) when new.
  SupplyGroup& add_group(const SupplyKey& key);
  SupplyGroup* group_of(const OrderBook& book, HostId host) noexcept;
  // The group a sale by `host` on `book` draws on (none for a resale), with everything sold
  // before now folded away first (amortised O(1)), so room checks read a short timeline whether
  // or not Rolls arrive.
  SupplyGroup* seller_group(const OrderBook& book, HostId host, bool resale);
  // The lease a fill on `book` now gives: spot from now for its lease length; a book its window.
  struct Lease {
    std::int64_t from_ns;
    std::int64_t to_ns;
  };
  [[nodiscard]] Lease lease_of(const OrderBook& book) const noexcept;
  // What `g` still has for a fill on `book` over `lease`, and recording (or taking back) such a
  // sale.
  [[nodiscard]] Qty room_in(const OrderBook& book, const SupplyGroup& g,
                            const Lease& lease) const noexcept;
  void sell_in(const OrderBook& book, SupplyGroup& g, const Lease& lease, Qty qty);
  void unsell_in(const OrderBook& book, SupplyGroup& g, const Lease& lease, Qty qty);
  static std::uint64_t group_key(HostId host, std::uint16_t resource) noexcept {
    return static_cast<std::uint64_t>(host) << 16 | resource;
  }
  // Marks a group (if any) as changed by this command: fit_touched looks at it after.
  void touch(SupplyGroup* g);
  // Trims every touched group's asks to the room left over their leases, in this same step.
  void fit_touched(Seq seq, EventBuffer& out);
  void fit_group(SupplyGroup& g, Seq seq, EventBuffer& out);
  // Keeps SupplyGroup::asks in step with a host's resting asks: in when it rests or grows (the
  // bound), out when it leaves the book.
  void index_ask(const OrderBook& book, const Order& o);
  void unindex_ask(const OrderBook& book, const Order& o);
  void index_group_asks(const SupplyKey& key);  // a new group: the host's asks already resting
  // Would every pick of plan_ fit its host's group? Checked by trial sales taken back after.
  bool plan_fits_supply();
  // Records the sale of `fill` (its qty, over its lease) from `ask`'s host group and emits it.
  void sell_supply(const OrderBook& book, const Order& ask, const Event& fill, EventBuffer& out);
  // Emits `fill`, sold in GPU group `g` whose placements from `placed_from` on are its
  // instances, as one fill per MIG instance naming its GPU and start slice: the host enacts
  // exactly these, so the engine is the one place a placement is decided.
  void emit_instances(const OrderBook& book, const Event& fill, const SupplyGroup& g,
                      std::size_t placed_from, EventBuffer& out);

  // GTD and Day orders (order_expiry.cpp).
  // The NewOrder's time in force, expiry and display quantity against the book.
  RejectReason check_order_terms(const NewOrder& o, const OrderBook& book) const noexcept;
  // Before a command: cancels (Expired) every resting GTD order due at its time, by expiry then
  // id; the events go to expiry_events_, put after the command's outcome by apply().
  void expire_due(Seq seq, std::int64_t time_ns);
  // The events expire_due kept aside, put right after the command's outcome at out[at].
  void put_expiry_events(std::size_t at, EventBuffer& out);
  void on_end_day(const Command& cmd, EventBuffer& out);
  // Rests an accepted order's remainder with its terms (GTD, Day on a spot book, iceberg).
  void rest_new(OrderBook& book, const Taker& t, const NewOrder& o, std::uint8_t flags, Seq seq,
                EventBuffer& out);

  // Icebergs (iceberg.cpp).
  [[nodiscard]] Qty hidden_of(const Order& o) const noexcept {
    return (o.flags & Order::kTerms) != 0 ? terms_.hidden(o.id) : 0;
  }
  // The shown slice of resting order idx traded away: an iceberg with a hidden remainder shows
  // its next slice at the back of its level (a new priority); anything else leaves the book.
  void slice_done(OrderBook& book, std::uint32_t idx, Seq seq) noexcept;
  // Sets the remaining quantity of resting order idx (unlinked, hash out) to `qty`: an iceberg
  // shows min(display, qty) and hides the rest.
  void set_remaining(Order& o, Qty qty);
  // A modify that keeps the level and lowers an iceberg's total: the hidden part goes first.
  void shrink_iceberg(OrderBook& book, Order& o, Qty qty, Seq seq, EventBuffer& out);

  // Autopilot grants (autopilot.cpp).
  void on_autopilot(const Command& cmd, EventBuffer& out);
  // Checks an agent's order against its owner's grant and, when it passes, counts its cost in
  // the grant's spend this hour.
  RejectReason admit_agent_order(const NewOrder& o, const OrderBook& book, std::int64_t time_ns);
  // Whether `owner` has a grant for the resource, pool and product of `book`.
  [[nodiscard]] bool granted(OwnerId owner, const OrderBook& book) const;
  // Cancels the agent's resting orders for `owner` on books of `resource` and `pool`.
  void cancel_agent_orders(OwnerId owner, const std::string& resource, const std::string& pool,
                           Seq seq, EventBuffer& out);

  // Pool pricing (pegging.cpp).
  void on_set_pricing(const Command& cmd, EventBuffer& out);
  void on_pegged_order(const Command& cmd, EventBuffer& out);
  [[nodiscard]] PoolKey key_of(const OrderBook& book) const noexcept {
    return PoolKey{book_pool_[book.index()], book_resource_[book.index()]};
  }
  // The utilisation of the book's pool and resource over the lease a fill on it now gives.
  [[nodiscard]] std::uint32_t utilisation_of(const OrderBook& book) const noexcept;
  [[nodiscard]] Qty sold_in(const SupplyGroup& g, std::int64_t from_ns,
                            std::int64_t to_ns) const noexcept;
  [[nodiscard]] Price peg_price(const OrderBook& book, Price base) const noexcept;
  // After a command: reprices the pegged asks of every pool whose utilisation may have moved
  // (its groups sold or changed capacity; every pool on a Roll), and announces or withdraws
  // incentives, in this same step.
  void reprice_after(Seq seq, bool roll, EventBuffer& out);
  void reprice_pool(PoolKey key, Seq seq, EventBuffer& out);
  void check_incentive(PoolKey key, PoolPricing& p, Seq seq, EventBuffer& out);
  void emit_incentive(PoolKey key, const PoolPricing& p, bool active, std::uint32_t u, Seq seq,
                      EventBuffer& out) const;
  [[nodiscard]] std::uint32_t pool_utilisation(PoolKey key, std::int64_t from_ns,
                                               std::int64_t to_ns) const noexcept;
  // Moves the resting order to `new_level` with `qty`: it leaves its level, trades as an
  // incoming order and rests what is left at the back of the new level (supply index already
  // left by the caller). `mod` is the Modified event already emitted.
  void move_resting(OrderBook& book, std::uint32_t idx, std::uint32_t new_level, Qty qty,
                    const Event& mod, Seq seq, EventBuffer& out);
  void unpeg(const OrderBook& book, OrderId id) noexcept;
  static std::uint64_t peg_hash(OrderId id, Price base) noexcept;
  // Policies, incentives and pegged asks in the state hash (0 when there are none).
  [[nodiscard]] std::uint64_t pricing_hash() const noexcept;

  // Resale (resale.cpp).
  void on_resell(const Command& cmd, EventBuffer& out);
  RejectReason check_resell(const Resell& r) const noexcept;
  // A fill on a window book: the buyer now holds it (spot books hold nothing).
  void credit_buyer(const OrderBook& book, OwnerId buyer, HostId host, Qty qty) {
    if (book.product() != OrderBook::kNoProduct)
      holdings_.credit(HoldingKey{book.spec().id, buyer, host}, qty);
  }

  RejectReason check_new_order(const NewOrder& o, const OrderBook* book) const noexcept;
  // Quantity rules, price positive and on tick, and (with `band`) inside the band.
  RejectReason check_price_qty(const OrderBook& book, Price price, Qty qty,
                               bool band = true) const noexcept;

  // Admin commands (admin.cpp).
  void on_set_params(const Command& cmd, EventBuffer& out);
  // The parameters SetParams gives `book` (0 keeps a value) into *p, or why they are refused.
  RejectReason check_set_params(const SetParams& c, const OrderBook& book,
                                BookParams* p) const noexcept;
  void on_create_instrument(const Command& cmd, EventBuffer& out);
  void on_set_fees(const Command& cmd, EventBuffer& out);
  static std::uint64_t fees_hash_of(const OrderBook& book) noexcept;
  // The fees of a fill on `book` (its qty, price and lease), into the event.
  static void charge(const OrderBook& book, Event& fill) noexcept {
    if (book.fees().none()) return;
    const std::int64_t value =
        fill_value(fill.price, fill.qty, fill.lease_end_ns - fill.lease_start_ns);
    fill.taker_fee = fee_of(value, book.fees().taker_bps);
    fill.maker_fee = fee_of(value, book.fees().maker_bps);
  }
  // The spec a CreateInstrument asks for into *spec, or why it is refused.
  RejectReason check_create(const NewInstrument& c, InstrumentSpec* spec) const;
  // A book's parameters in the state hash, once an admin command set them.
  static std::uint64_t params_hash_of(const OrderBook& book) noexcept;

  // Matching (matching.cpp).
  Qty executable_qty(OrderBook& book, const Taker& t, Qty needed) const noexcept;
  // Returns true when self-trade prevention stopped the taker.
  bool match(OrderBook& book, Taker& t, Seq seq, EventBuffer& out) noexcept;
  std::uint32_t rest(OrderBook& book, const Taker& t, Price price, std::uint8_t flags, Seq seq,
                     EventBuffer& out) noexcept;
  // Unlink + free, no events. index_bucket: the order's index bucket when the caller has just
  // probed it (a cancel), else kNil and the index is probed again.
  void remove_order(OrderBook& book, std::uint32_t idx, std::uint32_t index_bucket = kNil) noexcept;
  // Emits Cancelled (not the level event), then remove_order.
  void cancel_resting(OrderBook& book, std::uint32_t idx, CancelReason why, Seq seq,
                      EventBuffer& out, std::uint32_t index_bucket = kNil) noexcept;

  void emit_level(const OrderBook& book, Side side, std::uint32_t level, Seq seq,
                  EventBuffer& out) const;
  [[nodiscard]] std::uint64_t hash_of(const OrderBook& book, const Order& o) const noexcept;
  [[nodiscard]] OrderView view_of(std::uint32_t idx) const noexcept;

  // Batch auctions and circuit breakers (batch_auction.cpp, auction_clearing.cpp,
  // circuit_breaker.cpp).
  struct AuctionAlloc {  // what one order gets in a batch
    std::uint32_t order;
    Qty qty;
  };
  void on_set_trading_mode(const Command& cmd, EventBuffer& out);
  void on_set_breaker(const Command& cmd, EventBuffer& out);
  AuctionState* auction_of(const OrderBook& book) noexcept {
    return book.index() < auction_by_book_.size() ? auction_by_book_[book.index()] : nullptr;
  }
  [[nodiscard]] bool collecting(const OrderBook& book) const noexcept {
    return book.index() < auction_by_book_.size() && auction_by_book_[book.index()] != nullptr &&
           auction_by_book_[book.index()]->collecting();
  }
  AuctionState& auction_state(const OrderBook& book);  // made on first use
  // A new order on a collecting book: it rests (after self-trade prevention) for the auction.
  void on_collected_order(const Command& cmd, OrderBook& book, EventBuffer& out);
  // match() on a collecting book: nothing trades; only the taker's STP against crossing own
  // orders. True when STP stopped the taker.
  bool collect_stp(OrderBook& book, Taker& t, Seq seq, EventBuffer& out);
  // Before a command: clears every batch due at its time and resumes breaker halts.
  void run_due_auctions(Seq seq, EventBuffer& out);
  void auction(OrderBook& book, AuctionState& a, Seq seq, EventBuffer& out);
  // The batch's levels over the crossing range (lowest ask to highest bid) into auction_levels_;
  // `volume` allocated on one side at clearing level `level`, best level first, into `out`.
  void gather_auction_levels(const OrderBook& book);
  void allocate_side(const OrderBook& book, Side side, std::int64_t level, Qty volume,
                     std::vector<AuctionAlloc>& out);
  // Trims asks whose supply group cannot deliver their allocation; true when it trimmed.
  bool trim_auction_supply(OrderBook& book, Seq seq, EventBuffer& out);
  void auction_fill(OrderBook& book, std::uint32_t bid, std::uint32_t ask, Qty q, Price price,
                    Seq seq, EventBuffer& out);
  void emit_auction_curves(const OrderBook& book, const Clearing& c, const AuctionState& a, Seq seq,
                           EventBuffer& out);
  void schedule_auctions() noexcept;  // next_auction_ns_ from auctions_
  // Breakers: whether a trade at `price` now breaches (false without a breaker or open window);
  // a trade's effect on the reference and last price; the halt and its announcement.
  [[nodiscard]] bool breaches(const AuctionState& a, Price price) const noexcept;
  void note_trade(AuctionState& a, Price price) const noexcept;
  void trip(OrderBook& book, AuctionState& a, Price price, const Taker& t, Seq seq,
            EventBuffer& out);
  // The limit level past which `side`'s next trades would breach (for FOK / min qty checks).
  [[nodiscard]] std::int64_t breaker_limit(const OrderBook& book, const AuctionState& a, Side side,
                                           std::int64_t limit_level) const noexcept;
  void snapshot_auctions(EngineSnapshot& out) const;
  // Everything but the orders, and each book's level-to-price terms into `books`.
  void snapshot_parts(EngineSnapshot& out, std::vector<CapturedBook>& books) const;
  void restore_auctions(const EngineSnapshot& snap);
  [[nodiscard]] std::uint64_t auctions_hash() const noexcept;

  static constexpr std::uint16_t kNoBook = 0xFFFF;

  OrderArena arena_;
  OrderIndex index_;
  OrderTermsTable terms_;
  EventBuffer expiry_events_{64};  // scratch: the expiries swept before the current command
  std::vector<OrderBook> books_;
  std::vector<std::uint16_t> book_by_id_;
  SwarmBook swarms_;
  Holdings holdings_;
  Grants grants_;
  std::map<SupplyKey, SupplyGroup> supply_;
  // supply_ by host << 16 | resource, for lookups on the matching path (map nodes are stable).
  std::unordered_map<std::uint64_t, SupplyGroup*> group_index_;
  std::vector<std::string> resource_names_;  // interned resource names, by id
  std::vector<std::string> pool_names_;      // interned pool names, by id
  std::vector<std::uint16_t> book_pool_;     // by book index
  std::map<PoolKey, PoolPricing> pricing_;
  std::size_t pegged_count_ = 0;
  std::uint64_t pegged_hash_ = 0;   // wrapping sum over pegged asks of (id, base)
  std::vector<PoolKey> repricing_;  // scratch: pools whose utilisation may move
  std::vector<std::pair<OrderId, Price>> peg_scratch_;  // scratch: the pegged asks repriced
  std::vector<std::pair<std::uint16_t, std::uint32_t>> mult_cache_;  // scratch: f(u) by book
  // Derived, not state: each pool's f(u) by book at its last full look at its pegged asks. While
  // no book's f moved (and nothing made it stale) no pegged price can have moved either: a price
  // depends only on its base, f and the book's tick and band.
  struct PegCache {
    std::vector<std::pair<std::uint16_t, std::uint32_t>> mults;
    bool stale = true;
  };
  std::map<PoolKey, PegCache> peg_cache_;
  [[nodiscard]] std::uint32_t multiplier_for(const OrderBook& book,
                                             const PoolPricing& p) const noexcept {
    return p.has_policy ? multiplier_at(p.policy, utilisation_of(book)) : kPpm;
  }
  std::vector<std::uint16_t> book_resource_;     // by book index; every mig.* book: "mig"
  std::vector<const MigProfile*> book_profile_;  // by book index: its MIG profile, or null
  std::vector<SupplyGroup*> touched_;            // scratch: groups changed by the current command
  std::vector<OrderId> fitting_;                 // scratch: asks fit_group looks at
  std::vector<SwarmPick> plan_;                  // scratch: the picks of the swarm being matched
  std::vector<HostTally> tally_;                 // scratch: same-host candidates, sorted by host id
  Seq last_seq_ = 0;
  CommandKind current_command_ = CommandKind::NewOrder;  // stamped on every event it causes
  std::uint8_t taker_agent_ = 0;  // kByAgent while the current command's order is the agent's
  std::int64_t now_ns_ = 0;       // the current command's time: which windows trade
  std::int64_t latest_time_ns_ = 0;
  struct ProductBooks {
    Product product;
    std::uint16_t first_book;
    std::uint32_t books;
  };
  std::vector<ProductBooks> products_;
  std::int64_t calendar_ns_ = 0;
  std::int64_t next_roll_ns_ = std::numeric_limits<std::int64_t>::max();
  std::uint64_t orders_hash_ = 0;  // wrapping sum of order_hash over resting orders
  std::uint64_t halted_hash_ = 0;
  std::uint64_t params_hash_ = 0;  // wrapping sum of params_hash_of over admin-set books
  std::uint64_t fees_hash_ = 0;    // wrapping sum of fees_hash_of over books with fees
  std::map<InstrumentId, AuctionState> auctions_;  // ordered: auctions run in id order
  std::vector<AuctionState*> auction_by_book_;     // by book index (map nodes are stable)
  std::int64_t next_auction_ns_ = std::numeric_limits<std::int64_t>::max();
  std::vector<AuctionLevel> auction_levels_;  // scratch: one batch's levels, ascending
  std::vector<AuctionAlloc> auction_bids_;    // scratch: allocations in priority order
  std::vector<AuctionAlloc> auction_asks_;
  std::vector<std::pair<Side, std::uint32_t>> auction_touched_;  // scratch: levels to announce
};

}  // namespace swarmex::engine
