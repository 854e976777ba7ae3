// Engine output. Every command yields exactly one Accepted or Rejected event first, then any
// fills, cancels, modifications and book-level changes it caused, in the order they happened.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

enum class EventKind : std::uint8_t {
  Accepted = 0,
  Rejected = 1,
  Fill = 2,
  Cancelled = 3,
  Modified = 4,
  BookLevel = 5,
};

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
  HostId host = 0;     // fills: host of the ask (the seller)
  Price price = 0;     // fill price / order price / level price
  Qty qty = 0;         // fill qty / cancelled qty / level total qty
  Qty leaves_qty = 0;  // remaining qty of order_id after this event; level order count
  Qty maker_leaves_qty = 0;
  // The sequencer's time of the command, stamped by the shard after matching (the engine itself
  // never reads a clock and leaves it 0).
  std::int64_t time_ns = 0;

  bool operator==(const Event&) const = default;
};

// Preallocated event output. Grows only while warming up; callers clear() it between commands.
class EventBuffer {
 public:
  explicit EventBuffer(std::size_t reserve = 4096) { events_.reserve(reserve); }
  void push(const Event& e) { events_.push_back(e); }
  // A new default event at the end, to fill in place (no copy of a stack temporary).
  Event& emplace() { return events_.emplace_back(); }
  void clear() noexcept { events_.clear(); }
  [[nodiscard]] std::size_t size() const noexcept { return events_.size(); }
  [[nodiscard]] const Event& operator[](std::size_t i) const noexcept { return events_[i]; }
  [[nodiscard]] const std::vector<Event>& events() const noexcept { return events_; }
  [[nodiscard]] std::vector<Event>& mutable_events() noexcept { return events_; }
  auto begin() const noexcept { return events_.begin(); }
  auto end() const noexcept { return events_.end(); }

 private:
  std::vector<Event> events_;
};

}  // namespace swarmex::engine
