// libFuzzer target: a snapshot file image loaded as start-up loads it: decoded, restored into an
// empty engine with the seed snapshots' configuration, and its attachment (the gateway's stream
// ledger) decoded. The trailing CRC is put right first (fuzz_crc.hpp) so mutations reach the body.
// Whatever decodes must encode back to an image that decodes to the same bytes; a restore may
// refuse with an exception (recovery then falls back to an older snapshot, as it does for any
// std::exception). Any crash or sanitizer report is a bug.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "fuzz_crc.hpp"
#include "stream_ledger.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/journal/snapshot_file.hpp"

using namespace swarmex;

namespace {

std::vector<gateway::Principal> principals() {
  std::vector<gateway::Principal> out;
  for (engine::OwnerId id = 1; id <= 6; ++id) {
    gateway::Principal p;
    p.name = {'p', static_cast<char>('0' + id)};
    p.id = id;
    p.role = id == 6 ? gateway::Role::Host : gateway::Role::Tenant;
    p.host_id = id == 6 ? 1 : 0;
    out.push_back(p);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<gateway::Principal> who = principals();
  std::vector<std::uint8_t> bytes(data, data + size);
  fuzz::fix_snapshot_crc(bytes);
  const std::optional<engine::EngineSnapshot> snap = journal::decode_snapshot(bytes);
  if (!snap) return 0;

  const std::vector<std::uint8_t> once = journal::encode_snapshot(*snap);
  const std::optional<engine::EngineSnapshot> again = journal::decode_snapshot(once);
  if (!again || journal::encode_snapshot(*again) != once) std::abort();

  gateway::StreamLedger ledger(who);
  (void)ledger.decode(snap->attachment);

  engine::Engine engine(engine::EngineConfig{4096, 64});
  try {
    engine.restore(*snap);
  } catch (const std::exception&) {
  }
  return 0;
}
