#include "swarmex/autopilot/config.hpp"

#include <fstream>
#include <sstream>

#include "swarmex/common/toml_read.hpp"

namespace swarmex::autopilot {

namespace {

void read_method(const toml::table& t, const char* key, forecast::MethodSpec& spec,
                 const std::string& src) {
  std::string name = spec.name;
  common::read_string(t, key, name, src, "autopilot.");
  if (!forecast::known_method(name))
    common::config_error(src, std::string("autopilot.") + key, "unknown method '" + name + "'");
  if (name != spec.name) spec = forecast::MethodSpec{name, 0};
}

}  // namespace

Config parse_config(const std::string& text, const std::string& src) {
  toml::table root;
  try {
    root = toml::parse(text, src);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(src + ": " + std::string(e.description()));
  }
  common::reject_unknown(root, {"exchange", "autopilot", "workload_clock"}, src, "");
  Config c;
  if (const auto* t = root["exchange"].as_table()) {
    common::reject_unknown(*t, {"server", "principal", "token"}, src, "exchange.");
    common::read_string(*t, "server", c.server, src, "exchange.");
    common::read_string(*t, "principal", c.principal, src, "exchange.");
    common::read_string(*t, "token", c.token, src, "exchange.");
  }
  if (const auto* t = root["autopilot"].as_table()) {
    common::reject_unknown(
        *t,
        {"lead_ms", "review_ms", "downgrade_margin_units", "tick_ms", "step_s", "max_tenants",
         "cpu_method", "mem_method", "history_csv", "history_window_s", "history_lead_s"},
        src, "autopilot.");
    common::read_int(*t, "lead_ms", c.lead_ms, src, "autopilot.", 1, 86'400'000);
    common::read_int(*t, "review_ms", c.review_ms, src, "autopilot.", 0, 86'400'000);
    common::read_int(*t, "downgrade_margin_units", c.downgrade_margin_units, src, "autopilot.", 0,
                     1'000'000);
    common::read_int(*t, "tick_ms", c.tick_ms, src, "autopilot.", 10, 60'000);
    common::read_int(*t, "step_s", c.step_s, src, "autopilot.", 1, 3600);
    common::read_int(*t, "max_tenants", c.max_tenants, src, "autopilot.", 1, 10'000'000);
    read_method(*t, "cpu_method", c.cpu_method, src);
    read_method(*t, "mem_method", c.mem_method, src);
    common::read_string(*t, "history_csv", c.history_csv, src, "autopilot.");
    common::read_int(*t, "history_window_s", c.history_windows.window_s, src, "autopilot.", 60,
                     86'400);
    common::read_int(*t, "history_lead_s", c.history_windows.lead_s, src, "autopilot.", 0, 86'400);
  }
  if (const auto* t = root["workload_clock"].as_table()) {
    common::reject_unknown(*t, {"scale", "origin_wall_ns", "origin_s"}, src, "workload_clock.");
    if (const auto* v = t->get("scale")) {
      const auto scale = v->value<double>();
      if (!scale || *scale <= 0 || *scale > 1e6)
        common::config_error(src, "workload_clock.scale", "a number in (0, 1000000]");
      c.axis.scale = *scale;
    }
    common::read_int(*t, "origin_wall_ns", c.axis.origin_wall_ns, src, "workload_clock.",
                     std::int64_t{0}, INT64_MAX);
    common::read_int(*t, "origin_s", c.axis.origin_s, src, "workload_clock.", std::int64_t{0},
                     std::int64_t{1} << 40);
  }
  if (c.token.empty()) common::config_error(src, "exchange.token", "required");
  if (c.review_ms >= c.lead_ms)
    common::config_error(src, "autopilot.review_ms", "must be shorter than lead_ms");
  return c;
}

Config load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  return parse_config(s.str(), path);
}

}  // namespace swarmex::autopilot
