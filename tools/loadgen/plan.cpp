#include "plan.hpp"

#include <charconv>
#include <random>
#include <stdexcept>
#include <string>

namespace swarmex::loadgen {
namespace {

double parse_fraction(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 0)
    throw std::invalid_argument("--mix: bad fraction '" + std::string(text) + "'");
  return v;
}

}  // namespace

Mix Mix::parse(std::string_view text) {
  Mix m{0, 0, 0, 0};
  double* positional[] = {&m.passive, &m.crossing, &m.ioc, &m.cancel};
  std::size_t index = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (const auto eq = item.find('='); eq != std::string_view::npos) {
      const std::string_view key = item.substr(0, eq);
      double* field = key == "passive"    ? &m.passive
                      : key == "crossing" ? &m.crossing
                      : key == "ioc"      ? &m.ioc
                      : key == "cancel"   ? &m.cancel
                                          : nullptr;
      if (field == nullptr)
        throw std::invalid_argument("--mix: unknown kind '" + std::string(key) + "'");
      *field = parse_fraction(item.substr(eq + 1));
    } else {
      if (index >= 4) throw std::invalid_argument("--mix: at most four fractions");
      *positional[index++] = parse_fraction(item);
    }
  }
  const double sum = m.passive + m.crossing + m.ioc + m.cancel;
  if (sum <= 0) throw std::invalid_argument("--mix: fractions sum to 0");
  for (double* f : positional)
    *f /= sum;
  return m;
}

OrderKind Mix::pick(double u) const noexcept {
  if (u < passive) return OrderKind::Passive;
  if (u < passive + crossing) return OrderKind::Crossing;
  if (u < passive + crossing + ioc) return OrderKind::Ioc;
  return cancel > 0 ? OrderKind::Cancel : OrderKind::Passive;
}

IdScheme IdScheme::random() {
  std::random_device rd;
  const std::uint64_t nonce = (static_cast<std::uint64_t>(rd()) << 32 | rd()) % ((1u << 27) - 1);
  return IdScheme(nonce + 1);  // never 0: ids stay > 0
}

}  // namespace swarmex::loadgen
