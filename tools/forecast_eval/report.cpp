#include "report.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "swarmex/common/json_text.hpp"

namespace swarmex::forecast_eval {
namespace {

using forecast::Resource;
constexpr Resource kResources[] = {Resource::cpu, Resource::mem};

common::Json figures(const MethodResult& r) {
  return {{"name", r.name},
          {"resource", forecast::resource_name(r.resource)},
          {"unit_hours", r.score.unit_hours},
          {"shortfall", r.score.shortfall()},
          {"slack", r.score.slack()},
          {"pinball90", r.score.mean_pinball90()},
          {"mase", r.score.mase()}};
}

}  // namespace

std::string choose(const std::vector<MethodResult>& methods, Resource resource) {
  const MethodResult* vpa = nullptr;
  for (const auto& m : methods) {
    if (m.resource == resource && m.name == "vpa") vpa = &m;
  }
  if (!vpa) return "";
  const MethodResult* best = vpa;
  for (const auto& m : methods) {
    if (m.resource != resource || m.score.shortfall() > vpa->score.shortfall()) continue;
    if (m.score.unit_hours < best->score.unit_hours) best = &m;
  }
  return best->name;
}

std::vector<double> sweep_targets(const std::string& method, Resource resource) {
  if (method == "vpa") return {0.5, 0.7, 0.8, 0.9, 0.95, 0.99};
  if (method == "seasonal") return {0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0};
  if (resource == Resource::cpu)
    return {0.9, 0.92, 0.93, 0.94, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999};
  return {0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 1.0};
}

int64_t scored_cut_s(const Trace& trace, const ReplayOptions& replay, int64_t hours) {
  if (hours <= 0 || trace.t_s.empty()) return 0;
  return trace.t_s.front() + replay.warmup_s + hours * replay.window_s;
}

EvalResult evaluate(const EvalOptions& o) {
  for (const auto& name : o.methods) {
    if (!forecast::known_method(name)) throw std::invalid_argument("unknown method '" + name + "'");
  }
  const Trace full = load_trace(o.cpu_path, o.mem_path, o.vms_path);
  const Trace trace = subset(full, o.first_vms, scored_cut_s(full, o.replay, o.hours));
  EvalResult result;
  for (Resource resource : kResources) {
    for (const auto& name : o.methods) {
      const double target = forecast::default_target(name, resource);
      result.methods.push_back(
          {name, resource, target, replay(trace, resource, {name, target}, o.replay)});
    }
    if (o.no_sweep) continue;
    for (const auto& name : o.methods) {
      for (double target : sweep_targets(name, resource)) {
        result.sweep.push_back(
            {name, resource, target, replay(trace, resource, {name, target}, o.replay)});
      }
    }
  }
  result.chosen_cpu = choose(result.methods, Resource::cpu);
  result.chosen_mem = choose(result.methods, Resource::mem);
  return result;
}

std::string to_json(const EvalResult& r) {
  common::Json out;
  out["methods"] = common::Json::array();
  for (const auto& m : r.methods)
    out["methods"].push_back(figures(m));
  out["chosen"] = {{"cpu", r.chosen_cpu}, {"mem", r.chosen_mem}};
  out["sweep"] = common::Json::array();
  for (const auto& m : r.sweep) {
    out["sweep"].push_back({{"name", m.name},
                            {"resource", forecast::resource_name(m.resource)},
                            {"target", m.target},
                            {"unit_hours", m.score.unit_hours},
                            {"shortfall", m.score.shortfall()}});
  }
  return common::json_text(out) + "\n";
}

std::string to_text(const EvalResult& r) {
  std::string out =
      fmt::format("{:<10} {:<4} {:>7} {:>12} {:>9} {:>7} {:>9} {:>6}\n", "method", "res", "target",
                  "unit_hours", "shortfall", "slack", "pinball90", "mase");
  auto row = [&](const MethodResult& m) {
    out += fmt::format("{:<10} {:<4} {:>7.4g} {:>12.0f} {:>8.4f}% {:>6.1f}% {:>9.3f} {:>6.3f}\n",
                       m.name, forecast::resource_name(m.resource), m.target, m.score.unit_hours,
                       100 * m.score.shortfall(), 100 * m.score.slack(), m.score.mean_pinball90(),
                       m.score.mase());
  };
  for (const auto& m : r.methods)
    row(m);
  out += fmt::format("chosen: cpu {}, mem {}\n", r.chosen_cpu, r.chosen_mem);
  if (!r.sweep.empty()) out += "sweep:\n";
  for (const auto& m : r.sweep)
    row(m);
  return out;
}

}  // namespace swarmex::forecast_eval

namespace swarmex::forecast_eval {

void write_tsv(const EvalResult& r, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << "kind\tmethod\tresource\ttarget\tunit_hours\tshortfall\n";
  auto line = [&](const char* kind, const MethodResult& m) {
    out << fmt::format("{}\t{}\t{}\t{}\t{:.1f}\t{:.6f}\n", kind, m.name,
                       forecast::resource_name(m.resource), m.target, m.score.unit_hours,
                       m.score.shortfall());
  };
  for (const auto& m : r.methods)
    line("default", m);
  for (const auto& m : r.sweep)
    line("sweep", m);
}

}  // namespace swarmex::forecast_eval
