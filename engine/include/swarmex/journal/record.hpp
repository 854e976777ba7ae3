// Journal record: the durable form of one sequenced command.
//   u32 length   total bytes of the record, this header included
//   u32 crc32c   CRC-32C (Castagnoli) of bytes [8, length)
//   u64 seq      sequence number stamped by the partition's sequencer
//   i64 time_ns  sequencer time stamp
//   u8  kind     CommandKind, then that command's fields, little-endian, fixed width
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "swarmex/engine/command.hpp"

namespace swarmex::journal {

inline constexpr std::size_t kRecordHeaderBytes = 24;
// A CreateInstrument with names of full length is the longest record (196 bytes); a swarm order
// with kMaxSwarmLegs legs takes 152.
inline constexpr std::size_t kMaxRecordBytes = 256;

std::uint32_t crc32c(const void* data, std::size_t n) noexcept;

// Appends the record for `cmd` at `out` (kMaxRecordBytes available); returns its length.
std::size_t encode_record(const engine::Command& cmd, std::uint8_t* out) noexcept;

enum class DecodeStatus : std::uint8_t {
  Ok,
  Truncated,    // fewer bytes than a header or than the record's length
  BadLength,    // length field outside [header + 1, kMaxRecordBytes]
  BadChecksum,  // CRC mismatch
  BadCommand,   // checksum fine but the payload is not a command we know
};

const char* to_string(DecodeStatus s) noexcept;

// Decodes the record at the start of `bytes`; on Ok sets *cmd and *length.
DecodeStatus decode_record(std::span<const std::uint8_t> bytes, engine::Command* cmd,
                           std::size_t* length) noexcept;

}  // namespace swarmex::journal
