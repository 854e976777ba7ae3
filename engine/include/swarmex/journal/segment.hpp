// Journal segment files: `journal-<first seq, 20 digits>.log`, each starting with a 16-byte header
//   "SWXJ" | u32 version | u64 first_seq
// followed by records in sequence order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "swarmex/engine/types.hpp"

namespace swarmex::journal {

inline constexpr char kSegmentPrefix[] = "journal-";
inline constexpr std::size_t kSegmentHeaderBytes = 16;
inline constexpr std::uint32_t kSegmentVersion = 1;

std::string segment_name(engine::Seq first_seq);
void encode_segment_header(engine::Seq first_seq, std::uint8_t* out) noexcept;
// The header's first_seq, or nullopt when the bytes are not a valid header.
std::optional<engine::Seq> decode_segment_header(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace swarmex::journal
