// Where a journal writer sends each write before it releases the write's batches (durability
// `replicated` and `replicated+sync`): the encoded records, exactly the bytes the segment gets.
// The implementation (cluster/: a JetStream stream) lives outside the journal library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "swarmex/engine/types.hpp"

namespace swarmex::journal {

enum class ReplicateResult : std::uint8_t {
  Held,         // a quorum of the cluster holds the records: the batches may be released
  Fenced,       // another leader appended first: this node is deposed and releases nothing more
  Unavailable,  // no quorum answered in time: nothing more is released
};

class JournalReplicator {
 public:
  virtual ~JournalReplicator() = default;
  // The writer's thread, once per write, before the local append: records of sequence numbers
  // [first, last], whole records only; `state_hash`: the engine's after `last` (0: unknown).
  virtual ReplicateResult replicate(std::span<const std::uint8_t> records, engine::Seq first,
                                    engine::Seq last, std::uint64_t state_hash) = 0;
  // Why the last replicate() failed (logs, the writer's failure text).
  [[nodiscard]] virtual std::string last_error() const = 0;
  // The largest write it takes (the writer's batches stay below it).
  [[nodiscard]] virtual std::size_t max_bytes() const noexcept = 0;
};

}  // namespace swarmex::journal
