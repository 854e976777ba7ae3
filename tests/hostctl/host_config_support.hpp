// Host configuration tests: the smallest valid head of a file, and what parsing a text says.
#pragma once

#include <stdexcept>
#include <string>

#include "swarmex/hostctl/host_config.hpp"

namespace swarmex::hostctl::test {

inline const std::string kHead = "[exchange]\nprincipal=\"h\"\ntoken=\"t\"\n[host]\npool=\"p\"\n";

// The parser's error for `text`, or "accepted".
inline std::string error_of(const std::string& text) {
  try {
    (void)parse_host_config(text, "f");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace swarmex::hostctl::test
