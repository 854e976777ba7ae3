// Product calendar: scheduled delivery windows of one (resource, pool, length), listed ahead,
// traded until gate closure, then closed. Everything here is a pure function of the product and
// a time, so the engine (which lists and closes windows on sequenced Roll commands, and dates
// every fill's lease) and the gateway (which names windows and routes orders) agree without
// talking.
//
// Window w covers [w * length_ns, (w + 1) * length_ns) since the epoch. It is listed (trades)
// while start - listed_ahead_ns <= now < start - gate_closure_ns. A product owns `book_count`
// consecutive instrument ids from rules.id; window w trades on book w mod book_count, and a book
// holds at most one trading window at a time (book_count * length_ns > listed_ahead_ns).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "swarmex/engine/instrument.hpp"

namespace swarmex::engine {

struct Product {
  // Trading rules of every window; rules.id is the first book's id, rules.symbol the prefix of
  // the window symbols (e.g. `cpu.pool-a`); rules.window is ignored.
  InstrumentSpec rules;
  std::int64_t length_ns = 3'600'000'000'000;         // window length
  std::int64_t listed_ahead_ns = 86'400'000'000'000;  // listed this long before its start
  std::int64_t gate_closure_ns = 300'000'000'000;     // trading stops this long before its start
};

inline constexpr std::int64_t kNoWindow = std::numeric_limits<std::int64_t>::min();
// Most books (instrument ids) one product may own.
inline constexpr std::uint32_t kMaxProductBooks = 4096;

// Empty when the product is consistent, else what is wrong.
std::string validate(const Product& p);

std::uint32_t book_count(const Product& p) noexcept;
constexpr std::int64_t window_start_ns(const Product& p, std::int64_t window) noexcept {
  return window * p.length_ns;
}
constexpr std::int64_t gate_close_ns(const Product& p, std::int64_t window) noexcept {
  return window * p.length_ns - p.gate_closure_ns;
}
// The instrument of book `book` (id rules.id + book) as the engine books it: the product's rules
// and a scheduled window of its length (start 0: the engine sets it as windows roll).
InstrumentSpec book_spec(const Product& p, std::uint32_t book);
// The book (offset from rules.id) that window `window` trades on.
std::uint32_t book_of(const Product& p, std::int64_t window) noexcept;
// The window book `book` trades at `now_ns`, or kNoWindow.
std::int64_t trading_window(const Product& p, std::uint32_t book, std::int64_t now_ns) noexcept;
// The window that starts at `start_ns`, or kNoWindow when no window starts there.
std::int64_t window_at(const Product& p, std::int64_t start_ns) noexcept;
// The first time after `now_ns` at which some window is listed or closes.
std::int64_t next_change_ns(const Product& p, std::int64_t now_ns) noexcept;
// `<prefix>.<YYYYMMDDTHHMM>.<length>` in UTC, e.g. `cpu.pool-a.20261122T1400.1h`.
std::string window_symbol(const Product& p, std::int64_t window);
// `1h`, `15m`, `90s`: the product's window length as symbols show it.
std::string length_label(std::int64_t length_ns);

}  // namespace swarmex::engine
