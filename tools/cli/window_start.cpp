#include "window_start.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

namespace swarmex::cli {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
// The furthest a relative start may reach: windows are listed a day or so ahead, and the
// product of the number and its unit must not overflow.
constexpr std::int64_t kMaxOffsetNs = 366 * 86'400 * kSecondNs;

const char* const kForms =
    "a window start: YYYY-MM-DDTHH:MM[:SS]Z, nanoseconds since the epoch, or +N followed by "
    "s, m, h or d (e.g. +90m: the first window starting at or after now + 90 minutes)";

std::int64_t unit_ns(char unit) {
  switch (unit) {
    case 's':
      return kSecondNs;
    case 'm':
      return 60 * kSecondNs;
    case 'h':
      return 3600 * kSecondNs;
    case 'd':
      return 86'400 * kSecondNs;
    default:
      return 0;
  }
}

// "+N<unit>": digits only between the sign and the unit (no second sign, no spaces).
std::int64_t parse_offset_ns(const std::string& text) {
  const std::string digits = text.size() >= 3 ? text.substr(1, text.size() - 2) : std::string();
  const std::int64_t unit = text.empty() ? 0 : unit_ns(text.back());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || unit == 0)
    throw CliError(fmt::format("--start '{}' is not {}", text, kForms));
  if (digits.size() > 12 || std::stoll(digits) > kMaxOffsetNs / unit)
    throw CliError(fmt::format("--start '{}' is more than 366 days ahead", text));
  return std::stoll(digits) * unit;
}

std::string utc(std::int64_t ns) {
  const std::time_t t = static_cast<std::time_t>(ns / kSecondNs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

WindowStart parse_window_start(const std::string& text) {
  if (!text.empty() && text.front() == '+') return {.relative = true, .ns = parse_offset_ns(text)};
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    try {
      return {.relative = false, .ns = std::stoll(text)};
    } catch (const std::out_of_range&) {
      throw CliError(fmt::format("--start '{}' is past the year 2262", text));
    }
  }
  for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end != nullptr && *end == '\0')
      return {.relative = false, .ns = static_cast<std::int64_t>(timegm(&tm)) * kSecondNs};
  }
  throw CliError(fmt::format("--start '{}' is not {}", text, kForms));
}

ListedWindow pick_window(const WindowStart& start, std::int64_t now_ns,
                         std::span<const ListedWindow> windows, const std::string& product) {
  if (windows.empty()) throw CliError(fmt::format("no window of {} is trading now", product));
  const std::int64_t length_ns = windows.front().length_ns;
  const bool mixed = std::any_of(windows.begin(), windows.end(),
                                 [&](const ListedWindow& w) { return w.length_ns != length_ns; });
  if (mixed || length_ns <= 0)
    throw CliError(fmt::format("{} has windows of several lengths: give --length-s", product));
  std::int64_t start_ns = start.ns;
  if (start.relative) {  // windows cover [w * length, (w + 1) * length): round up to a boundary
    const std::int64_t target = now_ns + start.ns;
    start_ns = (target / length_ns + (target % length_ns > 0 ? 1 : 0)) * length_ns;
  }
  for (const ListedWindow& w : windows)
    if (w.start_ns == start_ns) return w;
  throw CliError(fmt::format("no window of {} starting {} is trading now (listed: {} .. {})",
                             product, utc(start_ns), utc(windows.front().start_ns),
                             utc(windows.back().start_ns)));
}

std::vector<ListedWindow> listed_windows(Session& session, const std::string& resource,
                                         const std::string& pool, std::uint32_t length_s,
                                         int timeout_ms) {
  const std::uint64_t request_id = fresh_id();
  session.client().admin_list_instruments(request_id);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    const auto* ack = m->body_as_AdminAck();
    if (ack == nullptr || ack->request_id() != request_id) continue;
    if (!ack->ok() || ack->instruments() == nullptr)
      throw CliError("the server did not list its instruments", kExitRejected);
    std::vector<ListedWindow> out;
    for (const wire::InstrumentInfo* i : *ack->instruments()) {
      if (!i->scheduled() || i->resource() == nullptr || i->pool() == nullptr) continue;
      if (i->resource()->str() != resource || i->pool()->str() != pool) continue;
      if (length_s != 0 && i->window_length_ns() != std::int64_t{length_s} * kSecondNs) continue;
      out.push_back({i->id(), i->window_start_ns(), i->window_length_ns()});
    }
    std::sort(out.begin(), out.end(),
              [](const ListedWindow& a, const ListedWindow& b) { return a.start_ns < b.start_ns; });
    return out;
  }
  throw CliError(fmt::format("no instrument list within {} ms", timeout_ms));
}

}  // namespace swarmex::cli
