#include "report_time.hpp"

#include <charconv>
#include <ctime>

namespace swarmex::report {

std::optional<std::int64_t> parse_report_time(const std::string& text) {
  std::int64_t ns = 0;
  const char* end = text.data() + text.size();
  if (!text.empty() && std::from_chars(text.data(), end, ns).ptr == end) return ns;
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr || std::string(rest) != "Z") return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000'000;
}

}  // namespace swarmex::report
