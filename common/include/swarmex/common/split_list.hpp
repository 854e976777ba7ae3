// "a,b c" into its items: a list given on a command line or in one configuration string, split
// at commas and spaces, empty items dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace swarmex {

inline std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  std::string cur;
  for (const char c : list) {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace swarmex
