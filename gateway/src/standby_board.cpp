#include "standby_board.hpp"

namespace swarmex::gateway {

std::string check_standby_terms(const StandbyTerms& t) {
  if (t.activate_ppm == 0 || t.activate_ppm > 1'000'000)
    return "activate_ppm must be in (0, 1000000]";
  if (t.deactivate_ppm >= t.activate_ppm) return "deactivate_ppm must be below activate_ppm";
  if (t.deactivate_after_ns < 0) return "deactivate_after_ms must be >= 0";
  return {};
}

void StandbyBoard::enrol(engine::HostId host, const StandbyTerms& terms) {
  hosts_[host] = Host{terms, false, std::nullopt};
}

bool StandbyBoard::active(engine::HostId host) const {
  auto it = hosts_.find(host);
  return it != hosts_.end() && it->second.active;
}

StandbyBoard::Action StandbyBoard::observe(engine::HostId host, std::uint32_t utilisation_ppm,
                                           bool holds_allocations, std::int64_t now_ns) {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) return Action::None;
  Host& h = it->second;
  if (!h.active) {
    if (utilisation_ppm < h.terms.activate_ppm) return Action::None;
    h.active = true;
    h.under_since_ns.reset();
    return Action::Activate;
  }
  // Any moment at or over the lower threshold, or any sale from the host, starts the wait over.
  if (utilisation_ppm >= h.terms.deactivate_ppm || holds_allocations) {
    h.under_since_ns.reset();
    return Action::None;
  }
  if (!h.under_since_ns) h.under_since_ns = now_ns;
  if (now_ns - *h.under_since_ns < h.terms.deactivate_after_ns) return Action::None;
  h.active = false;
  h.under_since_ns.reset();
  return Action::Deactivate;
}

}  // namespace swarmex::gateway
