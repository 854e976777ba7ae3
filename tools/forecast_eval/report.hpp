// Runs every method (and the sweep of targets) over a trace and renders the figures as text or
// as the one JSON object the tool prints.
#pragma once

#include <string>
#include <vector>

#include "replay.hpp"

namespace swarmex::forecast_eval {

struct EvalOptions {
  std::string cpu_path, mem_path, vms_path;
  std::vector<std::string> methods;
  size_t first_vms = 0;
  int64_t hours = 0;  // windows scored after the warmup (0: to the trace's end)
  bool no_sweep = false;
  ReplayOptions replay;
};

struct MethodResult {
  std::string name;
  forecast::Resource resource;
  double target = 0;
  Score score;
};

struct EvalResult {
  std::vector<MethodResult> methods;  // each at its default target
  std::string chosen_cpu, chosen_mem;
  std::vector<MethodResult> sweep;
};

// The cheapest method whose shortfall is no higher than VPA's (VPA itself if none is cheaper).
std::string choose(const std::vector<MethodResult>& methods, forecast::Resource resource);
// The targets the sweep tries for a method and resource.
std::vector<double> sweep_targets(const std::string& method, forecast::Resource resource);

// Where a trace is cut so that `hours` windows are scored after the warmup (0: not cut).
int64_t scored_cut_s(const Trace& trace, const ReplayOptions& replay, int64_t hours);

EvalResult evaluate(const EvalOptions& options);
std::string to_json(const EvalResult& result);
std::string to_text(const EvalResult& result);
// `kind method resource target unit_hours shortfall` per line; kind is default or sweep.
void write_tsv(const EvalResult& result, const std::string& path);

}  // namespace swarmex::forecast_eval
