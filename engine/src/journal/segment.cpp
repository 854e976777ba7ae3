#include "swarmex/journal/segment.hpp"

#include <cstdio>
#include <cstring>

namespace swarmex::journal {

std::string segment_name(engine::Seq first_seq) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%020llu.log", kSegmentPrefix,
                static_cast<unsigned long long>(first_seq));
  return buf;
}

void encode_segment_header(engine::Seq first_seq, std::uint8_t* out) noexcept {
  std::memcpy(out, "SWXJ", 4);
  for (int i = 0; i < 4; ++i)
    out[4 + i] = static_cast<std::uint8_t>(kSegmentVersion >> (8 * i));
  for (int i = 0; i < 8; ++i)
    out[8 + i] = static_cast<std::uint8_t>(first_seq >> (8 * i));
}

std::optional<engine::Seq> decode_segment_header(std::span<const std::uint8_t> b) noexcept {
  if (b.size() < kSegmentHeaderBytes || std::memcmp(b.data(), "SWXJ", 4) != 0) return std::nullopt;
  std::uint32_t version = 0;
  for (int i = 0; i < 4; ++i)
    version |= static_cast<std::uint32_t>(b[4 + i]) << (8 * i);
  if (version != kSegmentVersion) return std::nullopt;
  engine::Seq seq = 0;
  for (int i = 0; i < 8; ++i)
    seq |= static_cast<engine::Seq>(b[8 + i]) << (8 * i);
  return seq;
}

}  // namespace swarmex::journal
