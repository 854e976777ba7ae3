// The market as everyone sees it: an observer session subscribed to market data that keeps each
// instrument's price levels and last trade from BookSnapshot, BookUpdate and Trade messages.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>

#include "swarmex/client/client.hpp"

namespace swarmex::demo {

struct Level {
  std::int64_t price = 0;
  std::int64_t qty = 0;  // 0: no level
};

struct InstrumentView {
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;  // price → qty, best first
  std::map<std::int64_t, std::int64_t> asks;
  Level last_trade;
  std::uint64_t trades = 0;

  [[nodiscard]] Level best_bid() const;
  [[nodiscard]] Level best_ask() const;
};

class BookView {
 public:
  // Logs on as `principal` (any role may watch) and subscribes to `instruments`.
  BookView(int port, const std::string& principal, wire::Role role,
           std::span<const std::uint32_t> instruments);
  // Applies whatever arrived, without waiting; a heartbeat each second (it never sends else).
  void poll();
  [[nodiscard]] const InstrumentView& view(std::uint32_t instrument) const;

 private:
  void apply(const wire::Message& m);
  client::Client client_;
  std::map<std::uint32_t, InstrumentView> views_;
  std::chrono::steady_clock::time_point last_sent_ = std::chrono::steady_clock::now();
};

}  // namespace swarmex::demo
