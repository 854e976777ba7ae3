// Reading a tool's --json output in tests with nlohmann::json: a line that does not parse throws,
// and so does json::at on a missing key; either fails the test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace swarmex::e2e {

// The last line of `out` that is a JSON object (log lines on stderr may come first).
inline nlohmann::json last_json_object(const std::string& out) {
  std::size_t end = out.size();
  while (end > 0) {
    const std::size_t begin = out.rfind('\n', end - 1);
    const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
    const std::string line = out.substr(from, end - from);
    if (line.starts_with("{")) return nlohmann::json::parse(line);
    if (from == 0) break;
    end = from - 1;
  }
  ADD_FAILURE() << "no JSON object in: " << out;
  return nlohmann::json::object();
}

// The entry with this id in an admin_ack's "instruments" list.
inline nlohmann::json instrument_with_id(const nlohmann::json& ack, std::uint32_t id) {
  for (const auto& i : ack.at("instruments"))
    if (i.at("id") == id) return i;
  ADD_FAILURE() << "no instrument " << id << " in " << ack;
  return nlohmann::json::object();
}

}  // namespace swarmex::e2e
