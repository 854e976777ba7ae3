// Standby hosts: when each is activated and sent back to standby. A pure decision, fed the pool's
// demand utilisation as time passes; the server acts on what it returns (server_standby.cpp).
// Hysteresis: activation needs utilisation at or above activate_ppm; deactivation needs it under
// deactivate_ppm (< activate_ppm) for deactivate_after_ns without a break, with nothing sold from
// the host. One observation never does both, so a utilisation that wanders between the two
// thresholds changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "swarmex/engine/types.hpp"

namespace swarmex::gateway {

struct StandbyTerms {
  std::uint32_t activate_ppm = 0;
  std::uint32_t deactivate_ppm = 0;
  std::int64_t deactivate_after_ns = 0;
};

// A standby host as the catalog and the publisher's checks see it: each supply group it declared.
struct StandbyGroup {
  std::string pool;
  std::string resource;  // the group's: "mig" for every mig.* profile
  engine::Qty capacity = 0;
};
struct StandbyListing {
  engine::HostId host = 0;
  bool active = false;
  std::vector<StandbyGroup> groups;
};

// Why terms are refused (empty: acceptable).
std::string check_standby_terms(const StandbyTerms& t);

class StandbyBoard {
 public:
  enum class Action : std::uint8_t { None, Activate, Deactivate };

  // A host logs on as standby (again): inactive, whatever it was.
  void enrol(engine::HostId host, const StandbyTerms& terms);
  void remove(engine::HostId host) { hosts_.erase(host); }
  [[nodiscard]] bool enrolled(engine::HostId host) const { return hosts_.count(host) != 0; }
  [[nodiscard]] bool active(engine::HostId host) const;
  [[nodiscard]] std::size_t size() const noexcept { return hosts_.size(); }

  // The pool's demand utilisation now as this host sees it (for an active host: as it would be
  // without its capacity), and whether anything is sold from it now or later.
  Action observe(engine::HostId host, std::uint32_t utilisation_ppm, bool holds_allocations,
                 std::int64_t now_ns);

 private:
  struct Host {
    StandbyTerms terms;
    bool active = false;
    std::optional<std::int64_t> under_since_ns;  // active and under deactivate_ppm since
  };
  std::map<engine::HostId, Host> hosts_;
};

}  // namespace swarmex::gateway
