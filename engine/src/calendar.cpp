#include "swarmex/engine/calendar.hpp"

#include <ctime>

namespace swarmex::engine {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kMaxLengthNs = 7 * 86'400 * kSecondNs;
constexpr std::int64_t kMaxAheadNs = 366 * 86'400 * kSecondNs;

// Floor division for a positive divisor (times before the epoch stay well defined).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  return a - floor_div(a, b) * b;
}

}  // namespace

std::string validate(const Product& p) {
  InstrumentSpec rules = p.rules;
  rules.window = Window{};
  if (std::string err = validate(rules); !err.empty()) return err;
  if (p.length_ns < kSecondNs || p.length_ns > kMaxLengthNs || p.length_ns % kSecondNs != 0)
    return "length must be whole seconds, between 1 s and 7 days";
  if (p.gate_closure_ns < 0 || p.gate_closure_ns % kSecondNs != 0)
    return "gate closure must be whole seconds, not negative";
  if (p.listed_ahead_ns <= p.gate_closure_ns || p.listed_ahead_ns > kMaxAheadNs)
    return "listed ahead must exceed the gate closure and be at most 366 days";
  if (book_count(p) > kMaxProductBooks)
    return "listed ahead / length needs more than " + std::to_string(kMaxProductBooks) + " books";
  return {};
}

std::uint32_t book_count(const Product& p) noexcept {
  // ceil(ahead / length) windows can trade at once; one more keeps a book's windows apart.
  return static_cast<std::uint32_t>((p.listed_ahead_ns + p.length_ns - 1) / p.length_ns + 1);
}

InstrumentSpec book_spec(const Product& p, std::uint32_t book) {
  InstrumentSpec spec = p.rules;
  spec.id = p.rules.id + book;
  spec.window = Window{false, 0, p.length_ns};
  return spec;
}

std::uint32_t book_of(const Product& p, std::int64_t window) noexcept {
  return static_cast<std::uint32_t>(floor_mod(window, book_count(p)));
}

std::int64_t trading_window(const Product& p, std::uint32_t book, std::int64_t now_ns) noexcept {
  // Trading windows start in (now + gate, now + ahead].
  const std::int64_t first = floor_div(now_ns + p.gate_closure_ns, p.length_ns) + 1;
  const std::int64_t last = floor_div(now_ns + p.listed_ahead_ns, p.length_ns);
  const std::int64_t books = book_count(p);
  const std::int64_t w = first + floor_mod(static_cast<std::int64_t>(book) - first, books);
  return w <= last ? w : kNoWindow;
}

std::int64_t window_at(const Product& p, std::int64_t start_ns) noexcept {
  return floor_mod(start_ns, p.length_ns) == 0 ? floor_div(start_ns, p.length_ns) : kNoWindow;
}

std::int64_t next_change_ns(const Product& p, std::int64_t now_ns) noexcept {
  // The trading range moves when now + gate or now + ahead reaches the next window boundary.
  auto next = [&](std::int64_t lead) {
    return (floor_div(now_ns + lead, p.length_ns) + 1) * p.length_ns - lead;
  };
  const std::int64_t a = next(p.gate_closure_ns);
  const std::int64_t b = next(p.listed_ahead_ns);
  return a < b ? a : b;
}

std::string length_label(std::int64_t length_ns) {
  const std::int64_t s = length_ns / kSecondNs;
  if (s % 86'400 == 0) return std::to_string(s / 86'400) + "d";
  if (s % 3'600 == 0) return std::to_string(s / 3'600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

std::string window_symbol(const Product& p, std::int64_t window) {
  const std::time_t t = static_cast<std::time_t>(floor_div(window_start_ns(p, window), kSecondNs));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  // Seconds show only for products whose windows can start within a minute.
  const char* format = p.length_ns % (60 * kSecondNs) == 0 ? "%Y%m%dT%H%M" : "%Y%m%dT%H%M%S";
  std::strftime(stamp, sizeof stamp, format, &tm);
  return p.rules.symbol + "." + stamp + "." + length_label(p.length_ns);
}

}  // namespace swarmex::engine
