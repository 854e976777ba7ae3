// What the autopilot buys, decided without I/O. For each grant, every listed window of the
// grant's product whose gate closure is within the lead (and not yet decided) gets one decision
// from the tenant's forecast at the tenant's target: a bid for the forecast units less what the
// agent has already bought for that tenant and window, at the grant's maximum unit price (down to
// the tick), and one Forecast notice for the tenant. At the review time (closer to the gate) a
// window the agent bought in is forecast again: what it holds above the new forecast plus a
// margin is offered back (resale asks at what it paid, a graceful downgrade), and the tenant is
// told. The same inputs give the same plan.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "swarmex/autopilot/time_axis.hpp"
#include "swarmex/forecast/method.hpp"
#include "swarmex/forecast/tenant_forecasts.hpp"

namespace swarmex::autopilot {

// A tenant's grant as AutopilotStatus lists it.
struct Grant {
  std::string tenant;
  std::string resource;
  std::string pool;
  std::uint32_t length_s = 0;  // 0: spot (the planner buys windows only)
  std::int64_t max_unit_price = 0;
  std::int64_t budget_per_hour = 0;
  double target = 0;
};

// A window book trading now, as ListInstruments lists it.
struct ListedWindow {
  std::uint32_t instrument = 0;
  std::string resource;
  std::string pool;
  std::int64_t start_ns = 0;
  std::int64_t length_ns = 0;
  std::int64_t gate_ns = 0;  // trading in it stops here
  std::int64_t tick = 1;
};

struct Bid {
  std::string tenant;
  std::uint32_t instrument = 0;
  std::int64_t price = 0;
  std::int64_t qty = 0;
};

// A downgrade: `qty` of the window the tenant holds from `host`, offered back at `price`.
struct Resale {
  std::string tenant;
  std::uint32_t instrument = 0;
  std::uint32_t host = 0;
  std::int64_t price = 0;
  std::int64_t qty = 0;
};

struct ForecastNotice {
  std::string tenant;
  const ListedWindow* window = nullptr;  // into the windows the plan was made from
  forecast::Decision decision;
  std::int64_t held = 0;
  std::int64_t bought = 0;  // negative: offered back (a downgrade)
  std::int64_t price = 0;
};

struct Plan {
  std::vector<Bid> bids;
  std::vector<Resale> resales;
  std::vector<ForecastNotice> notices;
};

struct PlannerConfig {
  std::int64_t lead_ns = 60'000'000'000;    // decide this long before the gate closure
  std::int64_t review_ns = 0;               // forecast again this long before it; 0: never
  std::int64_t downgrade_margin_units = 1;  // kept above the newer forecast
  TimeAxis axis = {};                       // where the forecasts' clock is
};

// The resource a forecast covers ("cpu", "mem"); false for the rest (io, MIG profiles).
bool forecast_resource(const std::string& name, forecast::Resource* out);

class Planner {
 public:
  Planner(forecast::TenantForecasts& forecasts, PlannerConfig config);

  Plan plan(std::span<const Grant> grants, std::span<const ListedWindow> windows,
            std::int64_t now_ns);
  // A fill of one of the agent's orders: the tenant now holds `qty` more (less, when negative:
  // a resale) of that window from `host`, bought at `price`.
  void note_fill(const std::string& tenant, const ListedWindow& window, std::uint32_t host,
                 std::int64_t qty, std::int64_t price);
  [[nodiscard]] std::int64_t held(const std::string& tenant, const ListedWindow& window) const;
  // Host `host` is lost: what the agent bought there for `tenant` is gone, and each window it
  // held there is decided again (bought elsewhere while its gate is open). Returns the window
  // starts concerned.
  std::vector<std::int64_t> host_lost(const std::string& tenant, std::uint32_t host);
  // Forgets the windows that ended before now (bounded state).
  void forget_before(std::int64_t now_ns);
  [[nodiscard]] std::size_t decided() const noexcept { return decided_.size(); }

 private:
  // tenant, resource, pool, window start
  using Key = std::tuple<std::string, std::string, std::string, std::int64_t>;
  static Key key_of(const std::string& tenant, const ListedWindow& w) {
    return {tenant, w.resource, w.pool, w.start_ns};
  }

  struct Holding {  // what the agent bought of one window, per host, and what it paid
    std::map<std::uint32_t, std::int64_t> by_host;
    std::int64_t units = 0;
    std::int64_t paid = 0;  // price x qty of the bids' fills
  };
  // What the forecasts are asked about window `w` now, on their clock.
  [[nodiscard]] forecast::WindowQuery query(const Grant& g, const ListedWindow& w,
                                            std::int64_t now_ns) const;
  void review(const Grant& g, forecast::Resource resource, const ListedWindow& w,
              std::int64_t now_ns, Plan& out);

  forecast::TenantForecasts& forecasts_;
  PlannerConfig config_;
  std::map<Key, Holding> held_;
  std::set<Key> decided_;
  std::set<Key> reviewed_;
  std::map<Key, std::int64_t> ends_;  // window end of every key above, for forget_before
};

}  // namespace swarmex::autopilot
