// Which delivery windows of a scheduled product trade now, read from the exchange's instrument
// listing (Admin ListInstruments). The listing names window books, not products: a product owns
// consecutive book ids from its own id, so its windows are the run of scheduled books from that id
// up that share one series (resource, pool, window length).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/protocol/codec.hpp"

namespace swarmex::hostctl {

// One instrument of the listing, as much of it as the controller needs.
struct ListedInstrument {
  std::uint32_t id = 0;
  bool scheduled = false;
  std::string resource;
  std::string pool;
  std::int64_t start_ns = 0;   // window books: the window's start
  std::int64_t length_ns = 0;  // window books: the window's length
  std::int64_t gate_ns = 0;    // window books: when trading on it stops
};

// A window trading now: its book and its delivery interval [start_ns, end_ns).
struct TradingWindow {
  std::uint32_t instrument = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::int64_t gate_ns = 0;
};

// What identifies a product's windows in the listing once one was seen.
struct WindowSeries {
  std::string resource;
  std::string pool;
  std::int64_t length_ns = 0;  // 0: not learned yet
};

std::vector<ListedInstrument> read_listing(const wire::AdminAck& ack);

// The windows of product `product` in `listing`, by start. `series` is learned from the first
// listing that shows the product and kept (a later listing in which the product has nothing
// trading must not adopt the next product's books).
std::vector<TradingWindow> product_windows(const std::vector<ListedInstrument>& listing,
                                           std::uint32_t product, WindowSeries& series);

}  // namespace swarmex::hostctl
