#include "swarmex/hostctl/host_config.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "swarmex/common/toml_read.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"

namespace swarmex::hostctl {

using common::config_error;
using common::read_bool;
using common::read_int;
using common::read_string;
using common::reject_unknown;

namespace {

const toml::table* section(const toml::table& root, const char* key, const std::string& src) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) common::config_error(src, key, "must be a table");
  return n->as_table();
}

template <typename F>
void each_table(const toml::table& root, const char* key, const std::string& src, F&& f) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return;
  const toml::array* arr = n->as_array();
  if (arr == nullptr)
    common::config_error(src, key, "must be an array of tables ([[" + std::string(key) + "]])");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::table* t = (*arr)[i].as_table();
    const std::string where = std::string(key) + "[" + std::to_string(i) + "].";
    if (t == nullptr) common::config_error(src, where, "must be a table");
    f(*t, where);
  }
}

void parse_supply(const toml::table& t, const std::string& w, const std::string& src,
                  HostConfig& c) {
  common::reject_unknown(t,
                         {"instrument", "product", "resource", "reserve_price", "max_qty", "device",
                          "pinned", "pricing"},
                         src, w);
  SupplyLine s;
  // A line sells one spot instrument or the windows of one product, never both.
  if (t.contains("instrument") && t.contains("product"))
    common::config_error(src, w + "product",
                         "a line sells a spot instrument or a product's windows, not both");
  if (!t.contains("instrument") && !t.contains("product"))
    common::config_error(src, w + "instrument",
                         "is required (or product, to sell a product's delivery windows)");
  common::read_int(t, "instrument", s.instrument, src, w, 1, UINT32_MAX);
  common::read_int(t, "product", s.product, src, w, 1, UINT32_MAX);
  common::read_string(t, "resource", s.resource, src, w);
  common::read_int(t, "reserve_price", s.reserve_price, src, w, 1);
  common::read_int(t, "max_qty", s.max_qty, src, w, 0);
  common::read_string(t, "device", s.device, src, w);
  common::read_bool(t, "pinned", s.pinned, src, w);
  std::string pricing = "fixed";
  common::read_string(t, "pricing", pricing, src, w);
  if (pricing != "fixed" && pricing != "pegged")
    common::config_error(src, w + "pricing", "must be \"fixed\" or \"pegged\"");
  s.pegged = pricing == "pegged";
  if (s.resource.empty() || s.reserve_price == 0)
    common::config_error(src, w, "resource and reserve_price are required");
  const bool mig = s.resource.rfind("mig.", 0) == 0;
  if (s.resource != "cpu" && s.resource != "mem" && s.resource != "io" && !mig)
    common::config_error(src, w + "resource", "must be cpu, mem, io or mig.<profile>");
  // MIG asks follow the backend's free instances now, not a window's.
  if (mig && s.product != 0)
    common::config_error(src, w + "product", "MIG windows are not sold by product lines");
  if (s.resource == "io" && !is_device_id(s.device))
    common::config_error(src, w + "device", "io supply needs device = \"major:minor\"");
  if (s.pinned && s.resource != "cpu")
    common::config_error(src, w + "pinned", "only cpu can be pinned");
  for (const SupplyLine& other : c.supply) {
    if (s.instrument != 0 && other.instrument == s.instrument)
      common::config_error(src, w + "instrument", "listed twice");
    if (s.product != 0 && other.product == s.product)
      common::config_error(src, w + "product", "listed twice");
  }
  c.supply.push_back(s);
}

double read_fraction(const toml::table& t, const char* key, double current, const std::string& src,
                     const std::string& w) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return current;
  const std::optional<double> v = n->value<double>();
  if (!v || !(*v >= 0.0 && *v <= 1.0))
    common::config_error(src, w + key, "must be a fraction from 0 to 1");
  return *v;
}

// [exchange] fills, nats_servers, cluster: where the fills come from.
void parse_fill_source(const toml::table& t, const std::string& src, HostConfig& c) {
  common::read_string(t, "fills", c.fills, src, "exchange.");
  if (c.fills != "session" && c.fills != "jetstream")
    common::config_error(src, "exchange.fills", "must be \"session\" or \"jetstream\"");
  if (const auto* a = t["nats_servers"].as_array()) {
    for (const auto& v : *a) {
      const auto url = v.value<std::string>();
      if (!url || url->rfind("nats://", 0) != 0)
        common::config_error(src, "exchange.nats_servers",
                             "must be a list of nats://host:port URLs");
      c.fills_servers.push_back(*url);
    }
  } else if (t.contains("nats_servers")) {
    common::config_error(src, "exchange.nats_servers", "must be a list of nats://host:port URLs");
  }
  common::read_string(t, "cluster", c.fills_cluster, src, "exchange.");
  if (c.fills_cluster.empty() || c.fills_cluster.size() > 64 ||
      c.fills_cluster.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_") != std::string::npos)
    common::config_error(src, "exchange.cluster", "must be 1 to 64 of [A-Za-z0-9_-]");
  if (c.fills == "jetstream" && c.fills_servers.empty())
    common::config_error(src, "exchange.nats_servers", "fills = \"jetstream\" needs them");
}

void parse_standby(const toml::table& t, const std::string& src, HostConfig& c) {
  const std::string w = "standby.";
  common::reject_unknown(t,
                         {"activate_at", "deactivate_below", "deactivate_after_ms", "on_activate",
                          "on_deactivate", "command_timeout_ms"},
                         src, w);
  StandbyConfig s;
  s.activate_at = read_fraction(t, "activate_at", s.activate_at, src, w);
  s.deactivate_below = read_fraction(t, "deactivate_below", s.deactivate_below, src, w);
  common::read_int(t, "deactivate_after_ms", s.deactivate_after_ms, src, w, 0, 86'400'000);
  common::read_string(t, "on_activate", s.on_activate, src, w);
  common::read_string(t, "on_deactivate", s.on_deactivate, src, w);
  common::read_int(t, "command_timeout_ms", s.command_timeout_ms, src, w, 1, 3'600'000);
  if (s.activate_at <= 0.0) common::config_error(src, w + "activate_at", "must be above 0");
  // Equal thresholds would let the host flap between active and standby.
  if (s.deactivate_below >= s.activate_at)
    common::config_error(src, w + "deactivate_below", "must be below activate_at");
  c.standby = s;
}

}  // namespace

HostConfig parse_host_config(const std::string& text, const std::string& src) {
  toml::table root;
  try {
    root = toml::parse(text, src);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << e;
    throw std::runtime_error(src + ": " + os.str());
  }
  common::reject_unknown(root, {"exchange", "host", "capacity", "gpu", "supply", "standby"}, src,
                         "");
  HostConfig c;
  if (const toml::table* t = section(root, "exchange", src)) {
    const std::string w = "exchange.";
    common::reject_unknown(*t,
                           {"address", "principal", "token", "token_file", "reconnect_ms",
                            "heartbeat_ms", "on_new_history", "fills", "nats_servers", "cluster"},
                           src, w);
    std::string on_new = "refuse";
    common::read_string(*t, "on_new_history", on_new, src, w);
    if (on_new != "refuse" && on_new != "adopt")
      common::config_error(src, w + "on_new_history", "must be \"refuse\" or \"adopt\"");
    c.adopt_new_history = on_new == "adopt";
    common::read_string(*t, "address", c.address, src, w);
    common::read_string(*t, "principal", c.principal, src, w);
    common::read_string(*t, "token", c.token, src, w);
    std::string token_file;
    common::read_string(*t, "token_file", token_file, src, w);
    if (!token_file.empty()) {
      std::ifstream in(token_file);
      if (!in || !std::getline(in, c.token))
        common::config_error(src, w + "token_file", "cannot read " + token_file);
    }
    common::read_int(*t, "reconnect_ms", c.reconnect_ms, src, w, 1, 60'000);
    common::read_int(*t, "heartbeat_ms", c.heartbeat_ms, src, w, 10, 60'000);
    parse_fill_source(*t, src, c);
  }
  if (const toml::table* t = section(root, "host", src)) {
    const std::string w = "host.";
    common::reject_unknown(
        *t,
        {"pool", "state_dir", "cgroup_root", "cgroup_driver", "subtree", "reserve_memory_mb",
         "use_uring", "enact_slice_fills", "telemetry_interval_ms", "prestage", "prestage_lead_ms",
         "window_refresh_ms", "metrics_listen"},
        src, w);
    common::read_string(*t, "pool", c.pool, src, w);
    common::read_string(*t, "state_dir", c.state_dir, src, w);
    common::read_string(*t, "cgroup_root", c.cgroup_root, src, w);
    common::read_string(*t, "cgroup_driver", c.cgroup_driver, src, w);
    common::read_string(*t, "subtree", c.subtree, src, w);
    common::read_int(*t, "reserve_memory_mb", c.reserve_memory_mb, src, w, 0);
    common::read_bool(*t, "use_uring", c.use_uring, src, w);
    common::read_int(*t, "enact_slice_fills", c.enact_slice_fills, src, w, 1, 100'000);
    common::read_int(*t, "telemetry_interval_ms", c.telemetry_interval_ms, src, w, 0, 3'600'000);
    common::read_bool(*t, "prestage", c.prestage, src, w);
    common::read_int(*t, "prestage_lead_ms", c.prestage_lead_ms, src, w, 0, 86'400'000);
    common::read_int(*t, "window_refresh_ms", c.window_refresh_ms, src, w, 10, 3'600'000);
    common::read_string(*t, "metrics_listen", c.metrics_listen, src, w);
    if (!c.metrics_listen.empty() && c.metrics_listen.rfind(':') == std::string::npos)
      common::config_error(src, w + "metrics_listen", "must be address:port (or empty: off)");
    if (c.cgroup_driver != "auto" && c.cgroup_driver != "v1" && c.cgroup_driver != "v2")
      common::config_error(src, w + "cgroup_driver", "must be auto, v1 or v2");
  }
  if (const toml::table* t = section(root, "capacity", src)) {
    const std::string w = "capacity.";
    common::reject_unknown(*t, {"cpus", "vrus", "mem_shards", "io"}, src, w);
    common::read_string(*t, "cpus", c.cpus, src, w);
    if (t->contains("vrus")) {
      std::int64_t v = 0;
      common::read_int(*t, "vrus", v, src, w, 0, 1'000'000);
      c.vrus = v;
    }
    if (t->contains("mem_shards")) {
      std::int64_t v = 0;
      common::read_int(*t, "mem_shards", v, src, w, 0, 1'000'000'000);
      c.mem_shards = v;
    }
    each_table(*t, "io", src, [&](const toml::table& io, const std::string& iw) {
      common::reject_unknown(io, {"device", "units"}, src, w + iw);
      IoCapacity cap;
      common::read_string(io, "device", cap.device, src, w + iw);
      common::read_int(io, "units", cap.units, src, w + iw, 0, 1'000'000);
      if (!is_device_id(cap.device))
        common::config_error(src, w + iw + "device", "must be \"major:minor\"");
      c.io.push_back(cap);
    });
  }
  if (const toml::table* t = section(root, "gpu", src)) {
    const std::string w = "gpu.";
    common::reject_unknown(*t, {"backend", "simulated_gpus", "simulated_create_ms"}, src, w);
    common::read_string(*t, "backend", c.gpu_backend, src, w);
    common::read_int(*t, "simulated_gpus", c.simulated_gpus, src, w, 1, 16);
    common::read_int(*t, "simulated_create_ms", c.simulated_create_ms, src, w, 0, 60'000);
    if (c.gpu_backend != "none" && c.gpu_backend != "nvml" && c.gpu_backend != "simulated")
      common::config_error(src, w + "backend", "must be none, nvml or simulated");
  }
  if (const toml::table* t = section(root, "standby", src)) parse_standby(*t, src, c);
  each_table(root, "supply", src,
             [&](const toml::table& t, const std::string& w) { parse_supply(t, w, src, c); });
  if (c.principal.empty() || c.token.empty())
    common::config_error(src, "exchange", "principal and token (or token_file) are required");
  if (c.pool.empty()) common::config_error(src, "host.pool", "is required");
  return c;
}

HostConfig load_host_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::ostringstream os;
  os << in.rdbuf();
  return parse_host_config(os.str(), path);
}

}  // namespace swarmex::hostctl
