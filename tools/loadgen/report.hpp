// The summary block a run ends with, as text or one JSON object.
#pragma once

#include <optional>
#include <string>

#include "driver.hpp"
#include "plan.hpp"

namespace swarmex::loadgen {

struct RunResult {
  int sessions = 0;
  int hosts = 0;
  double measured_s = 0;  // the measured window
  Stats gateway;
  std::optional<Stats> echo;
};

std::string format_summary(const Options& options, const RunResult& result);
std::string format_summary_json(const Options& options, const RunResult& result);

}  // namespace swarmex::loadgen
