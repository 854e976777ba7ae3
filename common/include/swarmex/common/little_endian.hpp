// Little-endian fixed-width fields: journal records, snapshots and the stream ledger use them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace swarmex::common::le {

// Writes into a buffer the caller has sized.
struct PtrWriter {
  std::uint8_t* p;
  template <typename T>
  void put(T v) noexcept {
    const auto u = static_cast<std::uint64_t>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i)
      *p++ = static_cast<std::uint8_t>(u >> (8 * i));
  }
};

struct VecWriter {
  std::vector<std::uint8_t>& out;
  template <typename T>
  void put(T v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i)
      out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
  }
  void put_string(const std::string& s) {
    put(static_cast<std::uint16_t>(s.size()));
    for (const char c : s)
      out.push_back(static_cast<std::uint8_t>(c));
  }
};

// Reads with bounds checks; `ok` turns false on the first read past the end.
struct Reader {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool ok = true;
  template <typename T>
  T get() noexcept {
    if (static_cast<std::size_t>(end - p) < sizeof(T)) {
      ok = false;
      return T{};
    }
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<std::uint64_t>(*p++) << (8 * i);
    return static_cast<T>(u);
  }
  std::string get_string() {
    const auto n = get<std::uint16_t>();
    if (!ok || static_cast<std::size_t>(end - p) < n) {
      ok = false;
      return {};
    }
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    return s;
  }
};

}  // namespace swarmex::common::le
