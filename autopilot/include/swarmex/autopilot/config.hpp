// swarmex-autopilot's configuration (TOML): where the exchange is and how to log on as its agent,
// and how the autopilot decides (lead before each gate closure, forecast step and methods).
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/autopilot/history_import.hpp"
#include "swarmex/autopilot/time_axis.hpp"
#include "swarmex/forecast/methods.hpp"

namespace swarmex::autopilot {

struct Config {
  std::string server = "127.0.0.1:7400";
  std::string principal = "autopilot";
  std::string token;
  // Decide each window this long before its gate closure (the forecast is as fresh as it can be
  // while the bid still has time to rest and fill).
  std::int64_t lead_ms = 60'000;
  // Forecast each bought window again this long before its gate closure and offer back what is
  // held above the newer forecast plus downgrade_margin_units (0: never).
  std::int64_t review_ms = 15'000;
  std::int64_t downgrade_margin_units = 1;
  std::int64_t tick_ms = 500;          // how often grants and listed windows are read again
  std::int64_t step_s = 300;           // forecast samples: the step usage reports are folded into
  std::uint64_t max_tenants = 10'000;  // forecasts kept (least recently reported forgotten)
  forecast::MethodSpec cpu_method = forecast::chosen_method(forecast::Resource::cpu);
  forecast::MethodSpec mem_method = forecast::chosen_method(forecast::Resource::mem);
  // Usage history read into the forecasts at start (history_import.hpp): a tenant's monitoring
  // from before it joined. Empty: none.
  std::string history_csv;
  HistoryWindows history_windows;  // the windows it is decided in, for calibration
  // [workload_clock]: wall clock by default; a simulation plays its trace faster (time_axis.hpp).
  TimeAxis axis;
};

// Throws std::runtime_error naming the file and key.
Config load_config(const std::string& path);
Config parse_config(const std::string& text, const std::string& src);

}  // namespace swarmex::autopilot
