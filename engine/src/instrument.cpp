#include "swarmex/engine/instrument.hpp"

#include "swarmex/engine/checked_math.hpp"

namespace swarmex::engine {

std::string validate(const InstrumentSpec& s) {
  if (s.symbol.empty()) return "symbol is empty";
  if (s.tick <= 0) return "tick must be positive";
  if (s.lot <= 0) return "lot must be positive";
  if (s.min_qty <= 0 || s.min_qty % s.lot != 0) return "min_qty must be a positive multiple of lot";
  if (s.max_qty < s.min_qty || s.max_qty % s.lot != 0)
    return "max_qty must be a multiple of lot, at least min_qty";
  if (s.band_min <= 0 || s.band_min % s.tick != 0)
    return "band_min must be a positive multiple of tick";
  if (s.band_max < s.band_min || s.band_max % s.tick != 0)
    return "band_max must be a multiple of tick, at least band_min";
  if ((s.band_max - s.band_min) / s.tick + 1 > kMaxBandLevels)
    return "price band has too many levels";
  if (s.market_protection_ticks < 0) return "market_protection_ticks must not be negative";
  if (!s.window.spot && s.window.length_ns <= 0) return "scheduled window needs a length";
  return {};
}

}  // namespace swarmex::engine
