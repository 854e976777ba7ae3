#include "format.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace swarmex::demo {

std::string grouped(std::int64_t value) {
  const std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string currency(std::int64_t micro) {
  return fmt::format("{}{}.{:06}", micro < 0 ? "-" : "", grouped(std::abs(micro) / 1'000'000),
                     std::abs(micro) % 1'000'000);
}

}  // namespace swarmex::demo
