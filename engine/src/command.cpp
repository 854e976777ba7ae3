// NewInstrument <-> InstrumentSpec: the journal, the wire and the engine read an instrument's
// rules from a command in one way.
#include "swarmex/engine/command.hpp"

#include <cstring>

namespace swarmex::engine {

namespace {

template <std::size_t N>
std::string name_of(const char (&field)[N]) {
  return std::string(field, strnlen(field, N));
}

template <std::size_t N>
bool set_name(char (&field)[N], const std::string& name) noexcept {
  if (name.size() > N) return false;
  std::memset(field, 0, N);
  std::memcpy(field, name.data(), name.size());
  return true;
}

}  // namespace

InstrumentSpec spec_of(const NewInstrument& c) {
  InstrumentSpec s;
  s.id = c.id;
  s.symbol = name_of(c.symbol);
  s.resource = name_of(c.resource);
  s.pool = name_of(c.pool);
  s.window = Window{true, 0, c.lease_ns};
  s.tick = c.tick;
  s.lot = c.lot;
  s.min_qty = c.min_qty;
  s.max_qty = c.max_qty;
  s.band_min = c.band_min;
  s.band_max = c.band_max;
  s.market_protection_ticks = c.market_protection_ticks;
  return s;
}

bool set_spec(NewInstrument& c, const InstrumentSpec& s) noexcept {
  c.id = s.id;
  c.tick = s.tick;
  c.lot = s.lot;
  c.min_qty = s.min_qty;
  c.max_qty = s.max_qty;
  c.band_min = s.band_min;
  c.band_max = s.band_max;
  c.market_protection_ticks = s.market_protection_ticks;
  c.lease_ns = s.window.length_ns;
  return set_name(c.symbol, s.symbol) && set_name(c.resource, s.resource) &&
         set_name(c.pool, s.pool);
}

}  // namespace swarmex::engine
