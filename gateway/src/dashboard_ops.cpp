#include "dashboard_ops.hpp"

#include <algorithm>

namespace swarmex::gateway {

DashboardOps::DashboardOps(const Config& config) {
  for (const Principal& p : config.principals)
    if (p.role == Role::Host) hosts_[p.id] = HostView{.name = p.name, .host_id = p.host_id};
}

void DashboardOps::session_opened(const Principal& p) {
  const std::lock_guard lock(mu_);
  ++sessions_[static_cast<std::size_t>(p.role) % sessions_.size()];
  if (auto it = hosts_.find(p.id); it != hosts_.end()) ++it->second.sessions;
}

void DashboardOps::session_closed(const Principal& p) {
  const std::lock_guard lock(mu_);
  std::uint32_t& n = sessions_[static_cast<std::size_t>(p.role) % sessions_.size()];
  if (n > 0) --n;
  if (auto it = hosts_.find(p.id); it != hosts_.end() && it->second.sessions > 0)
    --it->second.sessions;
}

void DashboardOps::enactment(const Principal& host, std::uint64_t fill_seq, bool enforced,
                             std::int64_t lag_ns, std::int64_t now_ns) {
  const std::lock_guard lock(mu_);
  auto it = hosts_.find(host.id);
  if (it == hosts_.end()) return;
  HostView& h = it->second;
  ++h.enactments;
  if (!enforced) ++h.failures;
  h.last_fill_seq = std::max(h.last_fill_seq, fill_seq);
  if (enforced) {
    h.last_lag_ns = lag_ns;
    h.max_lag_ns = std::max(h.max_lag_ns, lag_ns);
  }
  h.last_report_ns = now_ns;
}

void DashboardOps::forecast(const ForecastView& f) {
  const std::lock_guard lock(mu_);
  const Key key{f.tenant, f.resource, f.pool};
  auto it = forecasts_.find(key);
  if (it == forecasts_.end()) {
    if (forecasts_.size() >= kMaxForecasts) {  // the key with the oldest window decided goes
      auto stalest = std::min_element(forecasts_.begin(), forecasts_.end(), [](auto& a, auto& b) {
        return a.second.updated_ns < b.second.updated_ns;
      });
      forecasts_.erase(stalest);
    }
    it = forecasts_.emplace(key, Forecasts{}).first;
  }
  it->second.by_window[f.window_start_ns] = f;
  while (it->second.by_window.size() > kForecastWindows)
    it->second.by_window.erase(it->second.by_window.begin());  // the oldest window
  it->second.updated_ns = f.window_start_ns;
}

void DashboardOps::usage(const std::string& tenant, std::uint8_t resource, std::int64_t used,
                         std::int64_t time_ns) {
  if (resource > 1) return;  // io: never forecast
  const std::string name = resource == 0 ? "cpu" : "mem";
  const double value =
      resource == 0 ? static_cast<double>(used) / 1000.0 : static_cast<double>(used);
  const std::lock_guard lock(mu_);
  // Kept only for tenants forecast for that resource: bounded by the forecasts.
  auto it = forecasts_.lower_bound(Key{tenant, name, std::string()});
  if (it == forecasts_.end() || std::get<0>(it->first) != tenant || std::get<1>(it->first) != name)
    return;
  Used& u = used_[{tenant, name}];
  if (time_ns >= u.time_ns) u = Used{value, time_ns};
}

const ForecastView* DashboardOps::in_force(const Forecasts& f, std::int64_t now_ns) {
  for (auto it = f.by_window.rbegin(); it != f.by_window.rend(); ++it)
    if (it->first <= now_ns &&
        now_ns < it->first + static_cast<std::int64_t>(it->second.window_length_s) * 1'000'000'000)
      return &it->second;
  return nullptr;
}

void DashboardOps::sample(std::int64_t now_ns) {
  const std::lock_guard lock(mu_);
  if (now_ns < next_sample_ns_) return;
  next_sample_ns_ = now_ns + kHistoryNs;
  std::map<std::pair<std::string, std::string>, ForecastPoint> sums;
  for (const auto& [key, f] : forecasts_) {
    const ForecastView* v = in_force(f, now_ns);
    if (v == nullptr) continue;
    const auto series = std::make_pair(v->pool, v->resource);
    if (!history_.contains(series) && history_.size() >= kMaxForecastSeries) continue;
    ForecastPoint& p = sums[series];
    p.time_ns = now_ns;
    p.p50 += v->p50;
    p.p90 += v->p90;
    if (auto u = used_.find({v->tenant, v->resource}); u != used_.end())
      p.actual += u->second.value;
  }
  for (auto& [series, points] : history_)  // series with nothing in force now get a zero point
    if (!sums.contains(series)) sums[series] = ForecastPoint{now_ns, 0, 0, 0};
  for (const auto& [series, point] : sums) {
    std::deque<ForecastPoint>& h = history_[series];
    h.push_back(point);
    if (h.size() > kHistoryPoints) h.pop_front();
  }
}

OpsView DashboardOps::view(std::int64_t now_ns) const {
  OpsView v;
  const std::lock_guard lock(mu_);
  v.sessions = sessions_;
  for (const auto& [id, h] : hosts_)
    v.hosts.push_back(h);
  for (const auto& [key, f] : forecasts_) {
    const ForecastView* in = in_force(f, now_ns);
    // Nothing in force yet: the latest window decided, so the page shows what is planned.
    if (in == nullptr && !f.by_window.empty()) in = &f.by_window.rbegin()->second;
    if (in == nullptr) continue;
    ForecastView fv = *in;
    if (auto u = used_.find({fv.tenant, fv.resource}); u != used_.end()) {
      fv.actual = u->second.value;
      fv.actual_time_ns = u->second.time_ns;
    }
    v.forecasts.push_back(std::move(fv));
  }
  for (const auto& [series, points] : history_)
    v.forecast_history.push_back(
        ForecastSeries{series.first, series.second, {points.begin(), points.end()}});
  return v;
}

}  // namespace swarmex::gateway
