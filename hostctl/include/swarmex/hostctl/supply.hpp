// The host's asks: one per supply line, kept equal to the capacity that is still free. Tracks
// each ask from its execution reports and plans the new / modify / cancel that brings it to the
// wanted quantity; one request in flight per ask, so reports and requests never cross.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::hostctl {

struct SupplyAction {
  enum class Kind : std::uint8_t { New, Modify, Cancel } kind = Kind::New;
  std::uint32_t instrument = 0;
  std::int64_t price = 0;
  std::int64_t qty = 0;               // New: order qty; Modify: new remaining qty
  std::uint64_t client_order_id = 0;  // New: the id to send; else the ask's
};

class SupplyBook {
 public:
  explicit SupplyBook(std::vector<SupplyLine> lines);

  // A new session: the exchange cancelled every ask when the last one ended.
  void reset();
  // Execution reports of this host's own orders (others are ignored).
  void on_report(const wire::ExecutionReport& r);
  // A fill delivered on the fill stream against one of the asks.
  void on_fill(std::uint64_t sell_order_id, std::int64_t qty);
  // Quantity the execution reports say was sold but no Fill has shown yet, for the lines of
  // `resource`: capacity the allocation book does not count yet.
  [[nodiscard]] std::int64_t unseen(const std::string& resource, const std::string& device) const;

  // `free_qty[i]`: what line i may offer now. Returns the requests to send.
  std::vector<SupplyAction> plan(const std::vector<std::int64_t>& free_qty,
                                 std::uint64_t& next_client_order_id);

  [[nodiscard]] const std::vector<SupplyLine>& lines() const noexcept { return lines_; }
  // The quantity resting on line i (0 when none), as last reported.
  [[nodiscard]] std::int64_t offered(std::size_t i) const noexcept { return state_[i].ask.leaves; }

 private:
  struct Ask {
    std::uint64_t client_order_id = 0;  // 0: nothing resting
    std::uint64_t order_id = 0;
    std::int64_t leaves = 0;
    bool in_flight = false;
  };
  struct Line {
    Ask ask;
    std::int64_t reported_filled = 0;  // this session, from execution reports
    std::int64_t seen_filled = 0;      // this session, from the fill stream
  };
  std::vector<SupplyLine> lines_;
  std::vector<Line> state_;
  std::map<std::uint64_t, std::size_t> line_of_order_;  // this session's asks
};

}  // namespace swarmex::hostctl
