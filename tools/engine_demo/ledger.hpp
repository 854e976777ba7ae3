// The collector's view of the run, built from the partitions' event streams alone: which command
// got which outcome, every order's remaining quantity, the last published size of every book
// level, and the allocations that fills created. The checks then compare it with the engines.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "market.hpp"
#include "plan.hpp"
#include "swarmex/engine/event.hpp"

namespace swarmex::demo {

using engine::Event;

struct AllocationKey {
  OwnerId tenant;
  HostId host;
  InstrumentId instrument;
  auto operator<=>(const AllocationKey&) const = default;
};

struct Allocation {
  Qty qty = 0;
  std::int64_t notional = 0;  // sum of price x qty: micro-units per hour
};

struct LevelState {
  Qty qty = 0;
  std::uint32_t orders = 0;
};

// Order-sensitive digest of an event stream; replay must reproduce it exactly.
std::uint64_t fold_event(std::uint64_t digest, const Event& e) noexcept;

class Ledger {
 public:
  Ledger(const Market& market, const Plan& plan);

  // Collector thread only, events of one partition in the order that partition published them.
  void on_event(std::uint32_t partition, const Event& e);
  // After the last event: every command must have had its outcome.
  void finish();

  // Events of scripted command i, tagged with the partition that produced them.
  [[nodiscard]] const std::vector<std::pair<std::uint32_t, Event>>& scripted_events(
      std::size_t i) const {
    return scripted_events_[i];
  }
  [[nodiscard]] const std::vector<Qty>& leaves() const noexcept { return leaves_; }
  [[nodiscard]] const std::map<AllocationKey, Allocation>& allocations() const noexcept {
    return allocations_;
  }
  // Key: instrument << 1 | side, price.
  [[nodiscard]] const std::map<std::pair<std::uint64_t, Price>, LevelState>& levels() const {
    return levels_;
  }
  [[nodiscard]] std::uint64_t digest(std::uint32_t partition) const { return digest_[partition]; }
  [[nodiscard]] std::uint64_t events(std::uint32_t partition) const { return events_[partition]; }
  [[nodiscard]] const std::vector<std::string>& errors() const noexcept { return errors_; }

  // Counters over the whole run (one outcome per partition a command reached).
  std::uint64_t accepted = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(engine::RejectReason::kCount)> rejected{};
  std::array<std::uint64_t, static_cast<std::size_t>(engine::CancelReason::kCount)> cancelled{};
  std::uint64_t fills = 0;
  Qty filled_qty = 0;

 private:
  void error(std::string message);
  void on_fill(const Event& e);

  const Market& market_;
  const Plan& plan_;
  std::vector<engine::Seq> last_seq_;  // per partition
  std::vector<std::uint64_t> digest_;
  std::vector<std::uint64_t> events_;
  std::vector<std::vector<std::pair<std::uint32_t, Event>>> scripted_events_;
  std::vector<Qty> leaves_;  // by order id
  std::map<std::pair<std::uint64_t, Price>, LevelState> levels_;
  std::map<AllocationKey, Allocation> allocations_;
  std::vector<std::string> errors_;
  std::size_t errors_dropped_ = 0;
};

}  // namespace swarmex::demo
