#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "swarmex/forecast/methods.hpp"
#include "swarmex/forecast/units.hpp"

namespace swarmex::autopilot_sim {

namespace {

Percentiles p50_max(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return Percentiles{v[(v.size() - 1) / 2], v.back()};
}

nlohmann::json pair(const std::optional<Percentiles>& p, const char* tail) {
  if (!p) return nlohmann::json{{"p50", nullptr}, {tail, nullptr}};
  return nlohmann::json{{"p50", p->p50}, {tail, p->tail}};
}

}  // namespace

SimReport score(const SimPlan& plan, const Ledger& ledger) {
  SimReport r;
  const auto& trace = plan.trace;
  r.tenants = trace.vms.size();
  const double per_unit = forecast::natural_per_unit(forecast::Resource::cpu);
  std::int64_t samples = 0, short_samples = 0;
  double held_units = 0, used_units = 0, sold = 0, offered = 0;
  for (std::int64_t h = 0; h < plan.options.hours; ++h) {
    const std::int64_t window = plan.first_window() + h;
    const std::int64_t start_s = plan.origin_s + h * 3600;
    const std::int64_t start_ns = plan.wall_ns(start_s);
    for (std::uint32_t host = 1; host <= kHosts; ++host)
      if (start_ns < ledger.lost_at_ns(host))
        offered += static_cast<double>(plan.host_vrus[host - 1]);
    for (std::size_t vm = 0; vm < trace.vms.size(); ++vm) {
      std::int64_t at_start = 0;
      for (const auto& [host, units] : ledger.held(vm, window, start_ns))
        at_start += units;
      sold += static_cast<double>(at_start);
      r.hourly.resize(static_cast<std::size_t>(plan.options.hours));
      r.hourly[static_cast<std::size_t>(h)] += static_cast<double>(at_start);
      std::int64_t n = 0;
      for (std::size_t row = 0; row < trace.t_s.size(); ++row) {
        if (trace.t_s[row] < start_s || trace.t_s[row] >= start_s + 3600) continue;
        const auto& cores = trace.vms[vm].cpu_cores[row];
        if (!cores) continue;
        std::int64_t held = 0;
        for (const auto& [host, units] : ledger.held(vm, window, plan.wall_ns(trace.t_s[row])))
          held += units;
        const double used = *cores / per_unit;
        ++n;
        if (used > static_cast<double>(held)) ++short_samples;
        held_units += static_cast<double>(held);
        used_units += std::min(used, static_cast<double>(held));
      }
      if (n == 0) continue;
      samples += n;
      ++r.windows;
      r.unit_hours_bought += static_cast<double>(at_start);
    }
  }
  r.shortfall = samples ? static_cast<double>(short_samples) / static_cast<double>(samples) : 0;
  r.slack = held_units > 0 ? 1 - used_units / held_units : 0;
  r.capacity_sold_fraction = offered > 0 ? sold / offered : 0;
  r.spend = ledger.spend();
  if (!ledger.self_heal_ms().empty()) r.self_heal_ms = p50_max(ledger.self_heal_ms());
  r.unhealed = ledger.unhealed();
  r.host_lost_notices = ledger.notices();
  r.healed = ledger.self_heal_ms().size();
  r.offline_shortfall = plan.offline.shortfall();
  r.offline_unit_hours = plan.offline.unit_hours;
  return r;
}

void read_start_latencies(const std::string& summary, bool prestaged, SimReport& report) {
  const auto at = summary.find("window start->enforced:");
  if (at == std::string::npos) return;
  long long n_pre = 0, n_cold = 0;
  double pre50 = 0, pre99 = 0, pre_max = 0, cold50 = 0, cold99 = 0;
  if (std::sscanf(summary.c_str() + at,
                  "window start->enforced: %lld pre-staged p50 %lf us, p99 %lf us, max %lf us; "
                  "%lld cold p50 %lf us, p99 %lf us",
                  &n_pre, &pre50, &pre99, &pre_max, &n_cold, &cold50, &cold99) != 7)
    return;
  if (prestaged && n_pre > 0) report.prestaged_start_us = Percentiles{pre50, pre99};
  if (!prestaged && n_cold > 0) report.cold_start_us = Percentiles{cold50, cold99};
}

std::string to_json(const SimReport& r) {
  const nlohmann::json j{{"tenants", r.tenants},
                         {"windows", r.windows},
                         {"unit_hours_bought", r.unit_hours_bought},
                         {"shortfall", r.shortfall},
                         {"slack", r.slack},
                         {"offline_shortfall", r.offline_shortfall},
                         {"capacity_sold_fraction", r.capacity_sold_fraction},
                         {"spend", r.spend},
                         {"self_heal_ms", pair(r.self_heal_ms, "max")},
                         {"prestaged_start_us", pair(r.prestaged_start_us, "p99")},
                         {"cold_start_us", pair(r.cold_start_us, "p99")}};
  return j.dump() + "\n";
}

std::string to_text(const SimReport& r, const SimPlan& plan) {
  auto pct = [](double v) { return fmt::format("{:.2f}%", 100 * v); };
  auto opt = [](const std::optional<Percentiles>& p, const char* tail) {
    return p ? fmt::format("p50 {:.0f}, {} {:.0f}", p->p50, tail, p->tail) : std::string("none");
  };
  std::string out = fmt::format(
      "{} tenants x {} hours ({} s each): {} windows scored\n"
      "market : {:.0f} unit-hours, shortfall {}, slack {}\n"
      "offline: {:.0f} unit-hours, shortfall {} (swarmex-forecast-eval --first-vms {} --hours {} "
      "--lead-min {})\n"
      "capacity sold {}, spend {}\n"
      "self-heal (loss declared -> bought elsewhere) ms: {}; HostLost heard by {} tenants, {} "
      "windows "
      "healed, {} not\n"
      "window start -> enforced us: pre-staged {}; cold {}\n",
      r.tenants, plan.options.hours, plan.options.seconds_per_hour, r.windows, r.unit_hours_bought,
      pct(r.shortfall), pct(r.slack), r.offline_unit_hours, pct(r.offline_shortfall),
      plan.options.vms, plan.options.hours, plan.offline_lead_s() / 60,
      pct(r.capacity_sold_fraction), r.spend, opt(r.self_heal_ms, "max"), r.host_lost_notices,
      r.healed, r.unhealed, opt(r.prestaged_start_us, "p99"), opt(r.cold_start_us, "p99"));
  out += "VRUs by hour, market / offline:";
  for (std::size_t h = 0; h < r.hourly.size() && h < plan.offline_hourly.size(); ++h)
    out += fmt::format(" {:.0f}/{:.0f}", r.hourly[h], plan.offline_hourly[h]);
  return out + "\n";
}

}  // namespace swarmex::autopilot_sim
