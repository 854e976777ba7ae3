// Invariant checks run after the partitions stop. Each returns what it found wrong (empty: passed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger.hpp"
#include "market.hpp"
#include "plan.hpp"
#include "scenario.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::demo {

// Each scripted step got the outcome, filled quantity and own cancel it expected.
std::vector<std::string> check_steps(const std::vector<Step>& steps, const Plan& plan,
                                     const Ledger& ledger);

// The book rebuilt from events alone equals the engines' books: every order with quantity left
// rests with exactly that quantity, nothing else rests, and the last published size of every
// level is its size now.
std::vector<std::string> check_books(const Market& market, journal::ExchangeAssembly& exchange,
                                     const Ledger& ledger);

struct ReplayResult {
  std::uint32_t partition = 0;
  std::size_t commands = 0;
  std::uint64_t events = 0;
  std::uint64_t live_state_hash = 0;
  std::uint64_t replay_state_hash = 0;
  bool same_events = false;  // digest and count of the event stream
  [[nodiscard]] bool ok() const noexcept {
    return same_events && live_state_hash == replay_state_hash;
  }
};

// Re-applies each partition's commands on a fresh single-threaded Engine with the same sequence
// numbers and no clock (time 0): determinism means the same events and the same state hash.
std::vector<ReplayResult> replay_partitions(const Market& market, const Plan& plan,
                                            journal::ExchangeAssembly& exchange,
                                            const Ledger& ledger,
                                            const engine::EngineConfig& config);

}  // namespace swarmex::demo
