// Instrument: (resource, pool, window) plus its trading rules.
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

// Delivery window. Spot: starts at the fill and lasts lease_ns. Scheduled: [start_ns,
// start_ns+length_ns).
struct Window {
  bool spot = true;
  std::int64_t start_ns = 0;
  std::int64_t length_ns = 0;  // lease length for spot products
};

struct InstrumentSpec {
  InstrumentId id = 0;
  std::string symbol;    // e.g. cpu.pool-a.spot
  std::string resource;  // cpu | mem | io | mig.<profile>
  std::string pool;
  Window window;
  Price tick = 1;
  Qty lot = 1;
  Qty min_qty = 1;
  Qty max_qty = 1'000'000;
  Price band_min = 1;  // lowest accepted price (inclusive)
  Price band_max = 1;  // highest accepted price (inclusive)
  // Market orders without an explicit protection price trade at most this many ticks through the
  // best opposite price seen on arrival.
  std::int64_t market_protection_ticks = 100;
};

// What SetParams may change on a live book (0 in the command keeps a value; here every field is
// the value to use).
struct BookParams {
  Price band_min;
  Price band_max;
  Qty min_qty;
  Qty max_qty;
  std::int64_t market_protection_ticks;
};

// Largest number of price levels one book may have (band_max - band_min) / tick + 1.
inline constexpr std::int64_t kMaxBandLevels = 1 << 22;

// Checks a spec for internal consistency; returns an empty string or what is wrong.
std::string validate(const InstrumentSpec& spec);

}  // namespace swarmex::engine
