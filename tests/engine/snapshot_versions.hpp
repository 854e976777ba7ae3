// Older snapshot images made from a current one, for the tests that check they still load.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "swarmex/journal/record.hpp"

namespace swarmex::engine::test {

// As version 10 wrote `v11`: the same layout under version 10, with its own CRC (its attachment
// as the gateway wrote it then is the caller's to supply).
inline std::vector<std::uint8_t> as_version_10(const std::vector<std::uint8_t>& v11) {
  std::vector<std::uint8_t> v10(v11.begin(), v11.end() - 4);
  const std::uint32_t ten = 10;
  std::memcpy(v10.data() + 4, &ten, 4);
  const std::uint32_t crc = journal::crc32c(v10.data(), v10.size());
  v10.resize(v10.size() + 4);
  std::memcpy(v10.data() + v10.size() - 4, &crc, 4);
  return v10;
}

// As version 9 wrote `v10`: without the order terms and trading modes counts (both 0: no such
// state) before the CRC, with version 9 and its own CRC.
inline std::vector<std::uint8_t> as_version_9(const std::vector<std::uint8_t>& v10) {
  std::vector<std::uint8_t> v9(v10.begin(), v10.end() - 4 - 4 - 4);
  const std::uint32_t nine = 9;
  std::memcpy(v9.data() + 4, &nine, 4);
  const std::uint32_t crc = journal::crc32c(v9.data(), v9.size());
  v9.resize(v9.size() + 4);
  std::memcpy(v9.data() + v9.size() - 4, &crc, 4);
  return v9;
}

}  // namespace swarmex::engine::test
