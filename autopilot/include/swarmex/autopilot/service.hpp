// swarmex-autopilot: the exchange's agent as its own process, a client of the wire protocol (no
// server code). It reads every tenant's usage telemetry into forecasts, reads the grants and the
// listed windows every tick, and at each window's decision time bids for the tenants that opted
// in (planner.hpp) and tells them why (Forecast). One thread; blocking client.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "swarmex/autopilot/config.hpp"
#include "swarmex/autopilot/planner.hpp"
#include "swarmex/client/client.hpp"

namespace swarmex::autopilot {

struct ServiceStats {
  std::uint64_t usage_reports = 0;
  std::uint64_t decisions = 0;
  std::uint64_t bids = 0;
  std::uint64_t units_bid = 0;
  std::uint64_t units_filled = 0;
  std::uint64_t resales = 0;
  std::uint64_t units_resold = 0;
  std::uint64_t hosts_lost = 0;  // HostLost notices about opted-in tenants' capacity
  std::uint64_t self_heals = 0;  // windows bought again elsewhere after a loss
  std::int64_t self_heal_max_ms = 0;
  std::uint64_t rejected = 0;
};

class Service {
 public:
  explicit Service(Config config);
  ~Service();
  // Connects, logs on as the agent and runs until `stop`. A lost connection (the exchange
  // restarting) is retried with backoff, keeping the forecasts and what was bought; a refused
  // logon throws.
  void run(const std::atomic<bool>& stop);
  [[nodiscard]] const ServiceStats& stats() const noexcept { return stats_; }

 private:
  // One connection, until `stop` or a client::ClientError.
  void session(const std::atomic<bool>& stop);
  void handle(const wire::Message& m);
  void on_usage(const wire::UsageReport& r);
  void on_report(const wire::ExecutionReport& r);
  void on_host_lost(const wire::HostLost& h);
  void act(std::int64_t now_ns);
  void send_notice(const ForecastNotice& n);
  // One order for `tenant` on a listed window: a bid, or (resale_host set) a resale ask.
  void place(const std::string& tenant, std::uint32_t instrument, wire::Side side,
             std::int64_t price, std::int64_t qty, std::uint32_t resale_host);

  struct Placed {  // a bid in the book: for whom, and which window
    std::string tenant;
    ListedWindow window;
  };

  Config config_;
  std::unique_ptr<client::Client> client_;
  forecast::TenantForecasts forecasts_;
  Planner planner_;
  std::vector<Grant> grants_;
  std::vector<ListedWindow> windows_;
  bool fresh_grants_ = false;
  bool fresh_windows_ = false;
  std::uint64_t next_request_ = 1;
  std::int64_t backoff_ms_ = 250;  // before connecting again; doubles to 10 s, reset at logon
  // Client order ids from the wall clock at start: a restarted service never reuses one the
  // exchange still remembers.
  std::uint64_t next_client_id_;
  std::map<std::uint64_t, Placed> placed_;  // by client order id, until the window ends
  // (tenant, window start) -> when the loss was heard (steady ns), until a fill replaces it.
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> healing_;
  ServiceStats stats_;
};

}  // namespace swarmex::autopilot
