// Snapshot files: `snapshot-<seq, 20 digits>.snap`, written atomically, checked by CRC-32C.
//   "SWXS" | u32 version | body | u32 crc32c of everything before it
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "swarmex/engine/snapshot.hpp"
#include "swarmex/journal/files.hpp"

namespace swarmex::journal {

inline constexpr char kSnapshotPrefix[] = "snapshot-";

std::string snapshot_name(engine::Seq seq);
std::vector<std::uint8_t> encode_snapshot(const engine::EngineSnapshot& snap);
// nullopt when the bytes are damaged or not a snapshot.
std::optional<engine::EngineSnapshot> decode_snapshot(const std::vector<std::uint8_t>& bytes);

// Writes the snapshot atomically; returns 0 or -errno.
int write_snapshot(JournalFiles& files, const engine::EngineSnapshot& snap);

}  // namespace swarmex::journal
