// swarmex-forecast-eval: how well each forecasting method would have bought capacity for the VMs
// of a usage trace, replayed in simulated time (docs/forecasting.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "report.hpp"

using namespace swarmex;

int main(int argc, char** argv) {
  CLI::App app{"Replays a usage trace and scores each forecasting method's purchases"};
  forecast_eval::EvalOptions o;
  std::string methods = "vpa,seasonal,conformal";
  double window_min = 60, lead_min = 15, warmup_days = 7;
  bool json = false;
  std::string tsv_path;
  app.add_option("--cpu", o.cpu_path, "cpu matrix (MHz), e.g. cpu_usage_mhz.csv")->required();
  app.add_option("--mem", o.mem_path, "memory matrix (MiB), e.g. mem_usage_mib.csv")->required();
  app.add_option("--vms", o.vms_path, "vms.csv (cores and cpu capacity per VM)")->required();
  app.add_option("--window-min", window_min, "delivery window length, minutes")
      ->check(CLI::Range(5.0, 1440.0));
  app.add_option("--lead-min", lead_min, "gate closure before the window, minutes")
      ->check(CLI::Range(0.0, 1440.0));
  app.add_option("--warmup-days", warmup_days, "days decided but not scored")
      ->check(CLI::Range(0.0, 13.0));
  app.add_option("--methods", methods, "comma-separated: vpa, seasonal, conformal");
  app.add_option("--first-vms", o.first_vms, "only the first N VMs (0: all)");
  app.add_option("--hours", o.hours, "only the first H windows after the warmup (0: all)")
      ->check(CLI::Range(0, 24 * 14));
  app.add_flag("--no-sweep", o.no_sweep, "skip the sweep of targets");
  app.add_flag("--json", json, "print exactly one JSON object");
  app.add_option("--tsv", tsv_path,
                 "also write every point (defaults and sweep) as TSV, for plots");
  CLI11_PARSE(app, argc, argv);
  o.replay.window_s = static_cast<int64_t>(window_min * 60);
  o.replay.lead_s = static_cast<int64_t>(lead_min * 60);
  o.replay.warmup_s = static_cast<int64_t>(warmup_days * 86400);
  std::stringstream list(methods);
  for (std::string name; std::getline(list, name, ',');)
    o.methods.push_back(name);
  try {
    const auto result = forecast_eval::evaluate(o);
    std::cout << (json ? forecast_eval::to_json(result) : forecast_eval::to_text(result));
    if (!tsv_path.empty()) forecast_eval::write_tsv(result, tsv_path);
    std::cout.flush();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swarmex-forecast-eval: %s\n", e.what());
    return 2;
  }
  return 0;
}
