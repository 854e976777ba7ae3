// What the simulated tenants hold, heard as the tenants hear it: each VM of the trace is a
// tenant logged on to swarmexd, which opts in and then only listens. The agent's fills for it
// (buys and the resales of a downgrade) say which window and host it holds; HostLost says from
// when a host's part is gone, and the next buy of that window is the self-heal, timed from the
// loss's declaration to the fill on the exchange's clock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim_plan.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::autopilot_sim {

class Ledger {
 public:
  explicit Ledger(const SimPlan& plan);

  // Logs every tenant on and opts it in (the grant named in SimPlan); throws on a refusal.
  void open(int port);
  // Reads whatever the tenants' sessions have, and heartbeats them (steady clock).
  void poll(std::int64_t now_steady_ns);

  // Units tenant `vm` holds of window `window` at wall time `at_ns` (a lost host's part counts
  // until the loss), by host.
  [[nodiscard]] std::map<std::uint32_t, std::int64_t> held(std::size_t vm, std::int64_t window,
                                                           std::int64_t at_ns) const;
  [[nodiscard]] std::int64_t spend() const noexcept { return spend_; }
  // Loss declared -> the window bought again elsewhere (the exchange's times), per (tenant,
  // window) that was healed.
  [[nodiscard]] const std::vector<double>& self_heal_ms() const noexcept { return heal_ms_; }
  [[nodiscard]] std::size_t unhealed() const noexcept { return healing_.size(); }
  [[nodiscard]] std::size_t notices() const noexcept { return notices_; }  // HostLost heard
  [[nodiscard]] std::int64_t lost_at_ns(std::uint32_t host) const;

 private:
  void on_report(std::size_t vm, const wire::ExecutionReport& r);
  void on_host_lost(std::size_t vm, const wire::HostLost& h);

  const SimPlan& plan_;
  const engine::Product product_;  // plan_.product(), once
  std::vector<std::unique_ptr<client::Client>> tenants_;
  // (vm, window) -> host -> units
  std::map<std::pair<std::size_t, std::int64_t>, std::map<std::uint32_t, std::int64_t>> holds_;
  std::map<std::uint32_t, std::int64_t> lost_at_ns_;
  // (vm, window) lost with a host and not yet bought again -> when the loss was declared
  std::map<std::pair<std::size_t, std::int64_t>, std::int64_t> healing_;
  std::map<std::pair<std::size_t, std::int64_t>, std::int64_t> last_buy_ns_;  // exchange time
  std::vector<double> heal_ms_;
  std::int64_t spend_ = 0;
  std::size_t notices_ = 0;
  std::int64_t last_heartbeat_ns_ = 0;
};

}  // namespace swarmex::autopilot_sim
