// The operations side of the operator dashboard, fed from the I/O threads where the gateway
// already handles each thing: sessions by role (logon and close), host controllers' enactment
// reports, the autopilot's Forecast notices and hosts' usage reports of the tenants forecast.
// Each is rare next to orders; one mutex guards them (the dashboard thread reads every 500 ms).
// Bounded: hosts by the configured host principals, forecasts by kMaxForecasts keys (tenant,
// resource, pool) with kForecastWindows windows each, forecast history by kMaxForecastSeries
// series of kHistoryPoints points.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "dashboard_feed.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

inline constexpr std::size_t kMaxForecasts = 256;
inline constexpr std::size_t kForecastWindows = 8;
inline constexpr std::size_t kMaxForecastSeries = 32;

struct HostView {
  std::string name;
  engine::HostId host_id = 0;
  std::uint32_t sessions = 0;
  std::uint64_t enactments = 0;  // reports, enforced or not
  std::uint64_t failures = 0;
  std::uint64_t last_fill_seq = 0;
  std::int64_t last_lag_ns = 0;  // fill to enforced, as the controller measured it
  std::int64_t max_lag_ns = 0;
  std::int64_t last_report_ns = 0;  // wall clock; 0: none yet
};

// One tenant's forecast for the window in force now, against what it uses (natural units: cpu
// cores, mem bytes).
struct ForecastView {
  std::string tenant, resource, pool;
  std::int64_t window_start_ns = 0;
  std::uint32_t window_length_s = 0;
  double p50 = 0, p90 = 0, p99 = 0;
  std::int64_t units = 0, bought = 0;
  double actual = -1;  // < 0: no usage report yet
  std::int64_t actual_time_ns = 0;
};

// Per pool and resource over time: the forecasts in force summed, and those tenants' use.
struct ForecastPoint {
  std::int64_t time_ns = 0;
  double p50 = 0, p90 = 0, actual = 0;
};
struct ForecastSeries {
  std::string pool, resource;
  std::vector<ForecastPoint> points;  // oldest first
};

struct OpsView {
  std::array<std::uint32_t, 4> sessions{};  // by Role
  std::vector<HostView> hosts;
  std::vector<ForecastView> forecasts;
  std::vector<ForecastSeries> forecast_history;
};

class DashboardOps {
 public:
  explicit DashboardOps(const Config& config);

  void session_opened(const Principal& p);
  void session_closed(const Principal& p);
  void enactment(const Principal& host, std::uint64_t fill_seq, bool enforced, std::int64_t lag_ns,
                 std::int64_t now_ns);
  // A Forecast notice (quantiles in natural units).
  void forecast(const ForecastView& f);
  // A host's usage report of a tenant: resource 0 cpu (millicores), 1 mem (bytes).
  void usage(const std::string& tenant, std::uint8_t resource, std::int64_t used,
             std::int64_t time_ns);
  // The dashboard thread: a history point per series, every kHistoryNs.
  void sample(std::int64_t now_ns);
  [[nodiscard]] OpsView view(std::int64_t now_ns) const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // tenant, resource, pool
  struct Forecasts {
    std::map<std::int64_t, ForecastView> by_window;  // window start -> the latest decision
    std::int64_t updated_ns = 0;
  };
  // The forecast whose window holds now_ns, if any.
  static const ForecastView* in_force(const Forecasts& f, std::int64_t now_ns);
  struct Used {
    double value = 0;
    std::int64_t time_ns = 0;
  };

  mutable std::mutex mu_;
  std::array<std::uint32_t, 4> sessions_{};
  std::map<engine::OwnerId, HostView> hosts_;  // every configured host, from the start
  std::map<Key, Forecasts> forecasts_;
  std::map<std::pair<std::string, std::string>, Used> used_;  // tenant, resource
  std::map<std::pair<std::string, std::string>, std::deque<ForecastPoint>> history_;
  std::int64_t next_sample_ns_ = 0;
};

}  // namespace swarmex::gateway
