// Private to the gateway: how long a client order id is remembered after its order ended (the
// dedup horizon, docs/operations.md "Client order ids and report replay"). While remembered, a
// new order reusing it is refused duplicate_client_order_id; once forgotten it is free again.
//
// The same rule runs in two places that must agree: the principal's state on its I/O thread
// (from the reports it receives) and each partition's stream ledger (from the events it notes,
// carried by every snapshot). Both see one partition's events in sequence order, and a window
// is kept per principal and partition, so what a window holds after an event depends only on
// the journal: after a restart the same resend gets the same answer.
#pragma once

#include <cstdint>
#include <deque>

#include "swarmex/engine/event.hpp"

namespace swarmex::gateway {

// The horizon: an ended order's id is kept while it is among the last `orders` ended of its
// principal in its partition and, when `ns` > 0, ended at most `ns` before the latest of them.
struct DedupHorizon {
  std::uint64_t orders = 100'000;
  std::int64_t ns = 0;
};

// One ended order (a resale request: all its legs ended).
struct EndedOrder {
  std::uint64_t client_order_id = 0;
  engine::OrderId first = 0;  // the order the client order id names
  engine::InstrumentId instrument = 0;
  std::uint8_t legs = 1;    // first .. first + legs - 1 (a resale's legs), each named by the id
  std::int64_t end_ns = 0;  // the sequenced time of the command that ended it
};

// The order an event ends, for the order's owner (`maker`: the maker side of a fill); 0 when it
// ends none. A Rejected of a resale ends all its legs (the request's first order id is named).
[[nodiscard]] constexpr engine::OrderId ended_order(const engine::Event& e, bool maker) noexcept {
  switch (e.kind) {
    case engine::EventKind::Rejected:
      return !maker && (e.command == engine::CommandKind::NewOrder ||
                        e.command == engine::CommandKind::SwarmOrder ||
                        e.command == engine::CommandKind::Resell)
                 ? e.order_id
                 : 0;
    case engine::EventKind::Cancelled:
      return maker ? 0 : e.order_id;
    case engine::EventKind::Fill:
      if (maker) return e.maker_leaves_qty <= 0 ? e.maker_order_id : 0;
      return e.leaves_qty <= 0 ? e.order_id : 0;
    default:
      return 0;
  }
}

[[nodiscard]] constexpr bool ends_all_legs(const engine::Event& e) noexcept {
  return e.kind == engine::EventKind::Rejected && e.command == engine::CommandKind::Resell;
}

// The ended orders of one principal in one partition, oldest first.
class DedupWindow {
 public:
  // Adds `o` and forgets (calls `forget` with, then drops) what the horizon no longer covers.
  template <typename F>
  void add(const EndedOrder& o, const DedupHorizon& h, F&& forget) {
    ended_.push_back(o);
    while (!ended_.empty() &&
           (ended_.size() > h.orders || (h.ns > 0 && ended_.front().end_ns < o.end_ns - h.ns))) {
      forget(ended_.front());
      ended_.pop_front();
      ++dropped_;
    }
  }
  [[nodiscard]] const std::deque<EndedOrder>& ended() const noexcept { return ended_; }
  [[nodiscard]] std::size_t size() const noexcept { return ended_.size(); }
  // How many were forgotten so far: ended()[k] is the (dropped() + k)-th ever added.
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  void clear() noexcept { ended_.clear(); }

 private:
  std::deque<EndedOrder> ended_;
  std::uint64_t dropped_ = 0;
};

}  // namespace swarmex::gateway
