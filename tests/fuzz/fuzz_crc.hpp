// What the fuzz targets share: checksums put right, so that mutated input reaches the decoders
// behind the CRC instead of stopping at it (a CRC guards against torn writes, not against a
// writer's bug or a crafted file, so what lies behind it must be as robust as what lies before).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "swarmex/journal/record.hpp"

namespace swarmex::fuzz {

inline std::uint32_t get_u32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

inline void put_u32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// The record at the start of `bytes` gets the CRC of what its length field covers (or of all of
// `bytes`, when the length runs past them); returns the record's length as far as it is in
// `bytes` (0 when not even a header's first 8 bytes are).
inline std::size_t fix_record_crc(std::span<std::uint8_t> bytes) noexcept {
  if (bytes.size() < 8) return 0;
  std::size_t len = get_u32(bytes.data());
  if (len < 8 || len > bytes.size()) len = bytes.size();
  put_u32(bytes.data() + 4, journal::crc32c(bytes.data() + 8, len - 8));
  return len;
}

// Every record of a segment image (after its 16-byte header) gets a matching CRC, walking by the
// length fields while they are plausible.
inline void fix_segment_crcs(std::span<std::uint8_t> image) noexcept {
  std::size_t off = 16;
  while (off + journal::kRecordHeaderBytes <= image.size()) {
    const std::size_t declared = get_u32(image.data() + off);
    if (declared <= journal::kRecordHeaderBytes || declared > journal::kMaxRecordBytes) return;
    const std::size_t len = fix_record_crc(image.subspan(off));
    if (len < declared) return;
    off += len;
  }
}

// A snapshot file ends with the CRC-32C of everything before it.
inline void fix_snapshot_crc(std::span<std::uint8_t> bytes) noexcept {
  if (bytes.size() < 8) return;
  put_u32(bytes.data() + bytes.size() - 4, journal::crc32c(bytes.data(), bytes.size() - 4));
}

}  // namespace swarmex::fuzz
