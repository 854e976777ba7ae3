// Engine output. Every command yields exactly one Accepted or Rejected event first, then any
// fills, cancels, modifications and book-level changes it caused, in the order they happened.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

enum class EventKind : std::uint8_t {
  Accepted = 0,
  Rejected = 1,
  Fill = 2,
  Cancelled = 3,
  Modified = 4,
  BookLevel = 5,
  // A pool's incentive announced (qty 1) or withdrawn (qty 0): instrument is a book of the pool
  // and resource, price the cut in ppm, leaves_qty the utilisation in ppm, lease_end_ns the
  // time it is valid until.
  Incentive = 6,
  // A batch auction cleared (docs/auctions.md): reason AuctionPart. CurvePoint events come first,
  // ascending in price: price, qty the demand (bids at or above it), leaves_qty the supply (asks at
  // or below it). Then the Result: price the clearing price, qty the volume, leaves_qty demand
  // minus supply there, maker_leaves_qty the number of curve points, lease_end_ns the next batch's
  // end (0: none).
  AuctionResult = 7,
  // An instrument halted (qty 1) or resumed (qty 0) by its breaker (reason StateCause::Breaker):
  // price the reference, leaves_qty the price of the trade that was refused (halt), lease_end_ns
  // the resume time; order_id and owner the order that tripped it.
  InstrumentState = 8,
};

// Event::agent bits: the order concerned (the taker, for a fill) / the maker was placed by the
// agent for its owner (an autopilot order; grants.hpp).
inline constexpr std::uint8_t kByAgent = 0x1;
inline constexpr std::uint8_t kMakerByAgent = 0x2;

// A fill's MIG placement when it names none (not a mig.* fill, or no GPU group placed it).
inline constexpr std::uint8_t kNoMigPlacement = 0xFF;

struct Event {
  Seq seq = 0;  // sequence of the command that caused it
  EventKind kind = EventKind::Accepted;
  CommandKind command = CommandKind::NewOrder;
  std::uint8_t reason = 0;  // RejectReason for Rejected, CancelReason for Cancelled
  Side side = Side::Buy;    // order side; taker side for fills; level side for BookLevel
  InstrumentId instrument = 0;
  OrderId order_id = 0;        // the order concerned; the taker for fills
  OrderId maker_order_id = 0;  // fills only
  OwnerId owner = 0;
  OwnerId maker_owner = 0;
  HostId host = 0;  // fills: host of the ask (the seller)
  // Fills of one MIG instance: the GPU of the seller's GPU group and the first memory slice it
  // was placed at (the H100 table, mig_profiles.hpp); kNoMigPlacement otherwise. In the padding
  // after `host`: they cost no size.
  std::uint8_t gpu = kNoMigPlacement;
  std::uint8_t start_slice = kNoMigPlacement;
  std::uint8_t agent = 0;  // kByAgent | kMakerByAgent; also in the padding
  Price price = 0;         // fill price / order price / level price
  Qty qty = 0;             // fill qty / cancelled qty / level total qty
  Qty leaves_qty = 0;      // remaining qty of order_id after this event; level order count
  Qty maker_leaves_qty = 0;
  // The sequencer's time of the command, stamped by the partition after matching (the engine itself
  // never reads a clock and leaves it 0).
  std::int64_t time_ns = 0;
  // Fills: the lease the buyer holds, [lease_start_ns, lease_end_ns): a spot lease starts at the
  // command's time (Command::time_ns), a window's is the window. The engine decides it (matching
  // checks supply over it), so nothing downstream computes it again.
  std::int64_t lease_start_ns = 0;
  std::int64_t lease_end_ns = 0;
  // Fills: the fees charged to the taker and the maker (negative: a rebate), fees.hpp.
  std::int64_t taker_fee = 0;
  std::int64_t maker_fee = 0;

  bool operator==(const Event&) const = default;
};
// Written whole on the hot path and copied through the partition queues: keep it this size.
static_assert(sizeof(Event) == 120, "Event layout is part of the hot path's budget");

// The Accepted of a SetParams or CreateInstrument carries the instrument's trading parameters in
// force after it (a SetParams' 0s resolved), so a process that keeps a copy of them learns them
// from the engine instead of applying the change again. Fields no admin outcome uses hold them.
constexpr void put_book_params(Event& e, const BookParams& p) noexcept {
  e.price = p.band_min;
  e.maker_order_id = static_cast<OrderId>(p.band_max);
  e.qty = p.min_qty;
  e.leaves_qty = p.max_qty;
  e.maker_leaves_qty = p.market_protection_ticks;
}
[[nodiscard]] constexpr BookParams book_params_of(const Event& e) noexcept {
  return BookParams{e.price, static_cast<Price>(e.maker_order_id), e.qty, e.leaves_qty,
                    e.maker_leaves_qty};
}

// Preallocated event output. Grows only while warming up; callers clear() it between commands.
// Its entries stay constructed across clear(), so the hot path fills one with a designated
// initialiser (`out.entry() = Event{...}`): a few stores instead of zeroing 104 bytes with
// `rep stos` and then writing the fields again.
class EventBuffer {
 public:
  explicit EventBuffer(std::size_t reserve = 1024)
      : entries_(reserve == 0 ? 1 : reserve), capacity_(entries_.size()) {}
  EventBuffer(const EventBuffer&) = delete;  // owned by one command loop; never handed over
  EventBuffer& operator=(const EventBuffer&) = delete;
  // The next entry, holding whatever an earlier event left there: assign it a whole Event.
  // Growing is out of line so that this stays a compare and an add where it is inlined (a
  // resize inlined into each builder made them save six registers per event).
  Event& entry() {
    if (size_ == capacity_) [[unlikely]]
      grow();
    return entries_[size_++];
  }
  void push(const Event& e) { entry() = e; }
  // A new default event at the end, to fill field by field (cold paths).
  Event& emplace() { return entry() = Event{}; }
  void clear() noexcept { size_ = 0; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const Event& operator[](std::size_t i) const noexcept { return entries_[i]; }
  [[nodiscard]] std::span<const Event> events() const noexcept { return {entries_.data(), size_}; }
  [[nodiscard]] std::span<Event> mutable_events() noexcept { return {entries_.data(), size_}; }
  [[nodiscard]] std::vector<Event> to_vector() const { return {begin(), end()}; }
  [[nodiscard]] const Event* begin() const noexcept { return entries_.data(); }
  [[nodiscard]] const Event* end() const noexcept { return entries_.data() + size_; }

 private:
  void grow();  // doubles the entries (warm-up only)

  std::vector<Event> entries_;  // [0, size_) are this buffer's events
  std::size_t capacity_;  // entries_.size(), kept apart: a 104-byte element makes size() divide
  std::size_t size_ = 0;
};

}  // namespace swarmex::engine
