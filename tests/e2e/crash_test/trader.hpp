// One trading principal of the crash test: drives random orders, cancels and modifies over a
// real session and keeps the client-side log — what the exchange acknowledged about each order.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "swarmex/client/client.hpp"

namespace swarmex::crash {

struct OrderLog {
  std::uint64_t order_id = 0;  // 0 until acknowledged
  std::uint32_t instrument = 0;
  bool acked = false;       // Accepted seen
  bool done = false;        // fully filled, cancelled or rejected
  std::int64_t leaves = 0;  // as last reported
};

struct FillKey {
  std::uint64_t engine_seq, buy, sell;
  std::int64_t qty;
  auto operator<=>(const FillKey&) const = default;
};

class Trader {
 public:
  Trader(std::string name, wire::Role role, std::uint32_t host_id, std::uint64_t seed);

  // Trades until the server goes away (or `stop` is set). Never throws.
  void trade(int port, const std::atomic<bool>& stop);
  // After the restart: resume the stream, then check every order against the exchange.
  // Returns the number of orders found lost and of state mismatches; adds messages to `why`.
  void verify(int port, std::uint64_t* lost, std::uint64_t* mismatches,
              std::vector<std::string>* why);

  [[nodiscard]] std::uint64_t acked() const;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  void apply(const wire::ExecutionReport& r);
  client::LogonResult logon(client::Client& c, std::uint64_t resume_from_seq);

  std::string name_;
  wire::Role role_;
  std::uint32_t host_id_;
  std::mt19937_64 rng_;
  std::map<std::uint64_t, OrderLog> orders_;  // by client order id
  std::uint64_t next_client_id_ = 1;
  std::uint64_t last_stream_seq_ = 0;
  std::vector<FillKey> fills_seen_;  // host fill stream before the crash
  std::uint64_t last_fill_seq_ = 0;
};

}  // namespace swarmex::crash
