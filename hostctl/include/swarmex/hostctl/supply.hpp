// The host's asks: one per spot supply line, and one per trading window of each product line,
// each kept equal to the capacity still free for its lease. Tracks every ask from its execution
// reports and plans the new / modify / cancel that brings it to the wanted quantity; one request
// in flight per ask, so reports and requests never cross. Window asks are created as the listing
// shows their windows and forgotten once their gate closed (the exchange expires what rests).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/capacity.hpp"
#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/hostctl/window_listing.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::hostctl {

struct SupplyAction {
  enum class Kind : std::uint8_t { New, Modify, Cancel } kind = Kind::New;
  std::uint32_t instrument = 0;
  std::int64_t price = 0;
  std::int64_t qty = 0;               // New: order qty; Modify: new remaining qty
  std::uint64_t client_order_id = 0;  // New: the id to send; else the ask's
  bool pegged = false;                // price is a base for the pool's curve
};

// One ask the book keeps: its line and instrument, and for a window ask the window (a spot ask
// has start_ns == end_ns == 0: its lease starts when it fills).
struct AskSlot {
  std::size_t line = 0;
  TradingWindow window;
  [[nodiscard]] bool spot() const noexcept { return window.end_ns == 0; }
};

// What an ask of a cpu, mem or io line may offer at `now_ns`: the host's capacity less the most
// held at any instant of the lease it would sell (a window ask: its window; a spot ask: from now
// on, since its lease starts now and may reach any window sold for later) and less what was
// sold but not yet seen as a fill (`unseen`). One capacity for spot and windows alike.
std::int64_t free_for(const AskSlot& slot, const SupplyLine& line, const HostCapacity& capacity,
                      const AllocationBook& book, std::int64_t unseen, std::int64_t now_ns);

class SupplyBook {
 public:
  explicit SupplyBook(std::vector<SupplyLine> lines);

  // A new session: the exchange cancelled every ask when the last one ended. Window asks come
  // back with the next listing.
  void reset();
  // The windows product line `line` trades now (from a listing): an ask for each one not yet
  // known whose gate is still open at `now_ns`.
  void list_windows(std::size_t line, const std::vector<TradingWindow>& windows,
                    std::int64_t now_ns);
  // Window asks whose gate closed by `now_ns` are no longer planned; they are forgotten once no
  // request is in flight and every sale reported on them was seen as a fill.
  void close_gates(std::int64_t now_ns);
  // Execution reports of this host's own orders (others are ignored).
  void on_report(const wire::ExecutionReport& r);
  // A fill delivered on the fill stream against one of the asks.
  void on_fill(std::uint64_t sell_order_id, std::int64_t qty);
  // Quantity the execution reports say was sold but no Fill has shown yet, on the asks of
  // `resource`: capacity the allocation book does not count yet.
  [[nodiscard]] std::int64_t unseen(const std::string& resource, const std::string& device) const;

  // `free_of(slot)`: what that ask may offer now. Returns the requests to send.
  std::vector<SupplyAction> plan(const std::function<std::int64_t(const AskSlot&)>& free_of,
                                 std::uint64_t& next_client_order_id);

  [[nodiscard]] const std::vector<SupplyLine>& lines() const noexcept { return lines_; }
  // The quantity resting on `instrument` for line `line` (0 when none), as last reported; a spot
  // line's own instrument when `instrument` is 0.
  [[nodiscard]] std::int64_t offered(std::size_t line, std::uint32_t instrument = 0) const;
  // Asks kept now (spot lines, and windows not yet forgotten).
  [[nodiscard]] std::size_t asks() const noexcept { return slots_.size(); }

 private:
  struct Ask {
    std::uint64_t client_order_id = 0;  // 0: nothing resting
    std::uint64_t order_id = 0;
    std::int64_t leaves = 0;
    bool in_flight = false;
  };
  struct Slot {
    AskSlot at;
    Ask ask;
    bool closed = false;                   // gate closed: never planned again
    std::int64_t reported_filled = 0;      // this session, from execution reports
    std::int64_t seen_filled = 0;          // this session, from the fill stream
    std::vector<std::uint64_t> order_ids;  // this session's asks here: late fills still count
  };
  using Key = std::pair<std::size_t, std::uint32_t>;  // (line, instrument)
  void forget(std::map<Key, Slot>::iterator it);

  std::vector<SupplyLine> lines_;
  std::map<Key, Slot> slots_;
  std::map<std::uint64_t, Key> by_client_id_;  // this session's asks, by client order id
  std::map<std::uint64_t, Key> by_order_id_;   // and by the exchange's order id
};

}  // namespace swarmex::hostctl
