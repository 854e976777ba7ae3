#include "swarmex/autopilot/planner.hpp"

#include <algorithm>

namespace swarmex::autopilot {

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

}  // namespace

bool forecast_resource(const std::string& name, forecast::Resource* out) {
  if (name == "cpu")
    *out = forecast::Resource::cpu;
  else if (name == "mem")
    *out = forecast::Resource::mem;
  else
    return false;
  return true;
}

Planner::Planner(forecast::TenantForecasts& forecasts, PlannerConfig config)
    : forecasts_(forecasts), config_(config) {}

forecast::WindowQuery Planner::query(const Grant& g, const ListedWindow& w,
                                     std::int64_t now_ns) const {
  const TimeAxis& a = config_.axis;
  return forecast::WindowQuery{a.to_s(now_ns), a.to_s(w.start_ns), a.span_s(w.length_ns), g.target};
}

Plan Planner::plan(std::span<const Grant> grants, std::span<const ListedWindow> windows,
                   std::int64_t now_ns) {
  Plan out;
  for (const Grant& g : grants) {
    forecast::Resource resource;
    if (g.length_s == 0 || !forecast_resource(g.resource, &resource)) continue;
    for (const ListedWindow& w : windows) {
      if (w.resource != g.resource || w.pool != g.pool ||
          w.length_ns != static_cast<std::int64_t>(g.length_s) * kSecondNs)
        continue;
      if (now_ns >= w.gate_ns || w.gate_ns - now_ns > config_.lead_ns) continue;  // not now
      const Key key = key_of(g.tenant, w);
      if (decided_.count(key) != 0) {
        if (w.gate_ns - now_ns <= config_.review_ns && reviewed_.insert(key).second)
          review(g, resource, w, now_ns, out);
        continue;
      }
      const auto decision = forecasts_.decide(g.tenant, resource, query(g, w, now_ns));
      if (!decision) continue;  // no usage seen yet: asked again while the gate is open
      decided_.insert(key);
      ends_[key] = w.start_ns + w.length_ns;
      const std::int64_t tick = w.tick > 0 ? w.tick : 1;
      const std::int64_t price = g.max_unit_price / tick * tick;
      const std::int64_t held_now = held(g.tenant, w);
      const std::int64_t need = decision->units > held_now ? decision->units - held_now : 0;
      if (need > 0 && price > 0) out.bids.push_back(Bid{g.tenant, w.instrument, price, need});
      out.notices.push_back(
          ForecastNotice{g.tenant, &w, *decision, held_now, price > 0 ? need : 0, price});
    }
  }
  return out;
}

void Planner::review(const Grant& g, forecast::Resource resource, const ListedWindow& w,
                     std::int64_t now_ns, Plan& out) {
  const auto h = held_.find(key_of(g.tenant, w));
  if (h == held_.end() || h->second.units <= 0) return;
  const auto decision = forecasts_.decide(g.tenant, resource, query(g, w, now_ns));
  if (!decision) return;
  const std::int64_t keep = decision->units + config_.downgrade_margin_units;
  std::int64_t surplus = h->second.units - keep;
  if (surplus <= 0) return;
  // At what it paid on average, up to the tick: the tenant gets its money back or keeps it.
  const std::int64_t tick = w.tick > 0 ? w.tick : 1;
  const std::int64_t paid = (h->second.paid + h->second.units - 1) / h->second.units;
  const std::int64_t price = (paid + tick - 1) / tick * tick;
  const std::int64_t offered = surplus;
  for (const auto& [host, qty] : h->second.by_host) {
    const std::int64_t q = std::min(qty, surplus);
    if (q <= 0) continue;
    out.resales.push_back(Resale{g.tenant, w.instrument, host, price, q});
    surplus -= q;
  }
  out.notices.push_back(ForecastNotice{g.tenant, &w, *decision, h->second.units, -offered, price});
}

void Planner::note_fill(const std::string& tenant, const ListedWindow& window, std::uint32_t host,
                        std::int64_t qty, std::int64_t price) {
  const Key key = key_of(tenant, window);
  Holding& h = held_[key];
  h.by_host[host] += qty;
  if (qty >= 0) {
    h.paid += qty * price;
    h.units += qty;
  } else if (h.units > 0) {  // resold: what is left keeps its average price
    const std::int64_t sold = std::min(-qty, h.units);
    h.paid -= h.paid / h.units * sold;
    h.units -= sold;
  }
  ends_[key] = window.start_ns + window.length_ns;
}

std::vector<std::int64_t> Planner::host_lost(const std::string& tenant, std::uint32_t host) {
  std::vector<std::int64_t> starts;
  for (auto& [key, h] : held_) {
    if (std::get<0>(key) != tenant) continue;
    const auto at = h.by_host.find(host);
    if (at == h.by_host.end() || at->second <= 0) continue;
    const std::int64_t lost = std::min(at->second, h.units);
    if (h.units > 0) h.paid -= h.paid / h.units * lost;
    h.units -= lost;
    h.by_host.erase(at);
    decided_.erase(key);
    reviewed_.erase(key);
    starts.push_back(std::get<3>(key));
  }
  return starts;
}

std::int64_t Planner::held(const std::string& tenant, const ListedWindow& window) const {
  const auto it = held_.find(key_of(tenant, window));
  return it == held_.end() ? 0 : it->second.units;
}

void Planner::forget_before(std::int64_t now_ns) {
  for (auto it = ends_.begin(); it != ends_.end();) {
    if (it->second > now_ns) {
      ++it;
      continue;
    }
    held_.erase(it->first);
    decided_.erase(it->first);
    reviewed_.erase(it->first);
    it = ends_.erase(it);
  }
}

}  // namespace swarmex::autopilot
