// How Swarmex's tools write JSON: nlohmann::ordered_json, one compact object per line, keys in
// the order they were set (so a line reads like the text form). The library does the escaping.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace swarmex::common {

using Json = nlohmann::ordered_json;

// Compact text with no newline. Bytes that are not UTF-8 (a peer's free text) become U+FFFD
// instead of throwing: a report line must never abort the tool that prints it.
inline std::string json_text(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A measurement rounded to `digits` decimals: the JSON says what the text form says, not the
// double's full binary expansion.
inline double json_decimal(double value, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

}  // namespace swarmex::common
