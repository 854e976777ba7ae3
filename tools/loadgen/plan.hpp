// What a load run does: the parsed options, the order mix, and the client_order_id scheme that
// keeps every session's ids apart (and apart from earlier runs against the same server).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace swarmex::loadgen {

enum class OrderKind : std::uint8_t { Passive, Crossing, Ioc, Cancel };

// Fractions of the requests sent; they sum to 1 after parsing.
struct Mix {
  double passive = 0.5;   // GTC bids below the asks: they rest
  double crossing = 0.2;  // GTC bids at the ask price: they fill against the hosts' asks
  double ioc = 0.1;       // IOC bids below the asks: accepted, then cancelled (ioc_remainder)
  double cancel = 0.2;    // cancels of this session's newest resting bid

  // "0.5,0.2,0.1,0.2" or "passive=0.5,crossing=0.2,ioc=0.1,cancel=0.2" (missing keys: 0);
  // normalised to sum to 1. Throws std::invalid_argument.
  static Mix parse(std::string_view text);
  // Which kind a uniform draw in [0,1) picks.
  [[nodiscard]] OrderKind pick(double uniform) const noexcept;
};

struct Options {
  std::string server = "127.0.0.1:7400";
  int sessions = 32;
  std::vector<std::string> principals{"tenant-a", "tenant-b", "tenant-c"};
  std::vector<std::string> hosts{"host-a1"};  // liquidity for crossing orders; "" for none
  std::string token_suffix = "-token";        // token of principal P: P + suffix
  double rate = 10000;                        // requests per second offered, all sessions
  double duration_s = 10;
  double warmup_s = 1;  // run before measuring
  std::string mix_text = "0.5,0.2,0.1,0.2";
  Mix mix;
  std::uint32_t instrument = 1;
  std::int64_t tick = 100;
  std::int64_t ask_price = 1'000'000;  // the hosts' asks; passive bids sit up to 1000 ticks below
  std::int64_t ask_qty = 100'000;      // per ask (instrument 1 allows up to 100000)
  bool pipelined = false;
  int window = 16;  // pipelined: requests outstanding per session
  int io_threads = 1;
  double spin_us = 0;  // busy-wait this long before each scheduled send instead of sleeping
  bool echo_baseline = false;
  // With the echo baseline: alternate gateway and echo in segments this long (same sessions, both
  // connection sets open all the time); 0 runs the gateway, then the echo, each once.
  double echo_segment_ms = 500;
  bool json = false;
  std::uint64_t seed = 1;
};

// client_order_id = nonce (27 bits) | session (10 bits) | counter (26 bits): below 2^63, unique
// per session, and a fresh random nonce per run so reruns never repeat an id.
class IdScheme {
 public:
  static constexpr unsigned kCounterBits = 26;
  static constexpr unsigned kSessionBits = 10;
  static constexpr std::uint64_t kMaxSessions = 1u << kSessionBits;
  static constexpr std::uint64_t kMaxCounter = (1u << kCounterBits) - 1;

  explicit IdScheme(std::uint64_t nonce) : nonce_(nonce & ((1u << 27) - 1)) {}
  static IdScheme random();

  [[nodiscard]] std::uint64_t make(std::uint32_t session, std::uint64_t counter) const noexcept {
    return nonce_ << (kCounterBits + kSessionBits) |
           static_cast<std::uint64_t>(session) << kCounterBits | counter;
  }
  [[nodiscard]] bool ours(std::uint64_t id, std::uint32_t session) const noexcept {
    return id >> kCounterBits == (nonce_ << kSessionBits | session);
  }
  static std::uint64_t counter_of(std::uint64_t id) noexcept { return id & kMaxCounter; }

 private:
  std::uint64_t nonce_;
};

}  // namespace swarmex::loadgen
