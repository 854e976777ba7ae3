// Exchange history ids (gateway/src/exchange_history.hpp) as text: "0x" and 16 hex digits, the
// form of logs, the journal's history file, the host controller's state file and the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace swarmex::common {

inline std::string format_history_id(std::uint64_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "0x0000000000000000";
  for (int i = 17; i >= 2; --i, id >>= 4)
    s[static_cast<std::size_t>(i)] = kHex[id & 0xf];
  return s;
}

// The inverse, with or without "0x" (1 to 16 hex digits); 0 when `text` is not one.
inline std::uint64_t parse_history_id(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.empty() || text.size() > 16) return 0;
  std::uint64_t id = 0;
  for (const char c : text) {
    int v = 0;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      return 0;
    id = id << 4 | static_cast<std::uint64_t>(v);
  }
  return id;
}

}  // namespace swarmex::common
