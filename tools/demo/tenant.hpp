// A tenant of the demo: one session over the real protocol that sends orders, waits for their
// outcome and keeps what it was told — fills, and the order→ack time of every order.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "swarmex/client/client.hpp"
#include "swarmex/common/latency_histogram.hpp"

namespace swarmex::demo {

using Clock = std::chrono::steady_clock;

struct FillRecord {
  std::uint32_t instrument = 0;
  std::uint32_t host = 0;
  std::int64_t qty = 0;  // negative when the tenant sold (resale of what it held)
  std::int64_t price = 0;
};

// What one order came to.
struct OrderOutcome {
  bool accepted = false;
  std::string reject;  // the reject reason's name
  std::uint64_t order_id = 0;
  std::int64_t filled_qty = 0;
  std::int64_t last_price = 0;
  std::uint32_t host = 0;   // of the last fill
  std::int64_t ack_ns = 0;  // send → first report
  Clock::time_point done_at{};
};

// What one swarm order came to.
struct SwarmOutcome {
  bool accepted = false;
  std::string reject;      // the reject reason's name
  std::string cancel;      // the cancel reason's name when it ended without trading
  std::int64_t units = 0;  // every leg's quantity together (the Accepted report's qty)
  std::vector<FillRecord> fills;
  std::set<std::uint64_t> engine_seqs;  // the engine steps its fills came from
  std::int64_t total = 0;               // sum of fill price x qty
  std::int64_t ack_ns = 0;
  Clock::time_point done_at{};
};

class Tenant {
 public:
  Tenant(std::string name, int port);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // A buy that takes what rests up to `price` and cancels the rest (IOC); returns once done.
  OrderOutcome buy_now(std::uint32_t instrument, std::int64_t price, std::int64_t qty);
  // A GTC bid that rests; returns once it is acknowledged.
  OrderOutcome bid(std::uint32_t instrument, std::int64_t price, std::int64_t qty);
  // An IOC swarm order (legs or a template); returns once it filled or was cancelled.
  SwarmOutcome swarm(client::SwarmSpec spec);
  // An IOC block order (consecutive windows, all or none); reported like a swarm order.
  SwarmOutcome block(client::BlockOrderSpec spec);
  // A reservation change: a buy is reported like a block order; a GTC sell-back returns once
  // accepted (its fills arrive through poll()).
  SwarmOutcome change(client::ChangeSpec spec);
  // Cancels a resting order; true when it was cancelled.
  bool cancel(std::uint32_t instrument, std::uint64_t order_id);
  // Reads whatever arrived without waiting (fills of resting orders), and sends a heartbeat when
  // the session has been quiet for a second (the exchange closes idle sessions).
  void poll();

  [[nodiscard]] const std::vector<FillRecord>& fills() const noexcept { return fills_; }
  // Send -> first report of every order so far, and of the last one.
  [[nodiscard]] const common::LatencyHistogram& acks() const noexcept { return acks_; }
  [[nodiscard]] std::int64_t last_ack_ns() const noexcept { return last_ack_ns_; }

 private:
  OrderOutcome send(std::uint32_t instrument, std::int64_t price, std::int64_t qty,
                    wire::TimeInForce tif);
  // The reports of a swarm (or block) order sent at `sent`, until it filled or ended.
  SwarmOutcome await_swarm(std::uint64_t client_order_id, Clock::time_point sent,
                           bool until_accepted = false);
  // Handles one message; returns the report when it concerns `client_order_id`.
  const wire::ExecutionReport* take(const wire::Message* m, std::uint64_t client_order_id);

  std::string name_;
  client::Client client_;
  std::uint64_t next_client_order_id_ = 1;
  std::vector<FillRecord> fills_;
  common::LatencyHistogram acks_;
  std::int64_t last_ack_ns_ = 0;
  Clock::time_point last_sent_ = Clock::now();
};

}  // namespace swarmex::demo
