#include "swarmex/gateway/config.hpp"

#include "swarmex/common/toml_read.hpp"

#include "config_limits.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace swarmex::gateway {

// The [market_data] table (config_market_data.cpp).
void parse_market_data(const toml::table& t, MarketDataSection& s, const std::string& src);
// The [cluster] table (config_cluster.cpp), and its checks against [journal].
void parse_cluster(const toml::table& t, ClusterSection& s, const std::string& src);
void check_cluster(const Config& c, const std::string& src);

bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    const long p = std::stol(listen.substr(colon + 1), &used);
    if (p < 0 || p > 65535 || used != listen.size() - colon - 1) return false;
    address = listen.substr(0, colon);
    port = static_cast<std::uint16_t>(p);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

// Logon admission (docs/operations.md, "Connections that have not logged on").
constexpr std::array<const char*, 9> kAdmissionKeys = {
    "max_pending_logons",    "max_pending_per_source", "reserved_operator_sessions",
    "logon_verify_threads",  "logon_verify_queue",     "logon_backoff_after",
    "logon_backoff_base_ms", "logon_backoff_max_ms",   "logon_backoff_entries"};

// [server] without the admission keys (read by parse_admission), for the unknown-key check.
toml::table without_admission_keys(const toml::table& t) {
  toml::table rest = t;
  for (const char* key : kAdmissionKeys)
    rest.erase(key);
  return rest;
}

void parse_admission(const toml::table& t, ServerConfig& s, const std::string& src,
                     const std::string& w) {
  common::read_int(t, "max_pending_logons", s.max_pending_logons, src, w, 1, 1'000'000);
  common::read_int(t, "max_pending_per_source", s.max_pending_per_source, src, w, 1, 1'000'000);
  common::read_int(t, "reserved_operator_sessions", s.reserved_operator_sessions, src, w, 0,
                   1'000'000);
  if (s.reserved_operator_sessions >= s.max_sessions)
    common::config_error(src, w + "reserved_operator_sessions", "must be below max_sessions");
  common::read_int(t, "logon_verify_threads", s.logon_verify_threads, src, w, 1, 64);
  common::read_int(t, "logon_verify_queue", s.logon_verify_queue, src, w, 1, 1'000'000);
  common::read_int(t, "logon_backoff_after", s.logon_backoff_after, src, w, 1, 1'000'000);
  common::read_int(t, "logon_backoff_base_ms", s.logon_backoff_base_ms, src, w, 1, 86'400'000);
  common::read_int(t, "logon_backoff_max_ms", s.logon_backoff_max_ms, src, w, 1, 86'400'000);
  if (s.logon_backoff_max_ms < s.logon_backoff_base_ms)
    common::config_error(src, w + "logon_backoff_max_ms", "must be at least logon_backoff_base_ms");
  common::read_int(t, "logon_backoff_entries", s.logon_backoff_entries, src, w, 1, 10'000'000);
}

void parse_server(const toml::table& t, ServerConfig& s, const std::string& src) {
  const std::string w = "server.";
  std::set<std::string> known = {"replay_buffer_bytes", "dedup_horizon_orders",
                                 "dedup_horizon_ms"};  // the bounds of replay and dedup
  known.insert({"listen", "io_threads", "max_sessions", "max_frame_bytes", "idle_timeout_ms",
                "heartbeat_interval_ms", "logon_timeout_ms", "partial_frame_timeout_ms",
                "outbound_queue_bytes", "rate_limit_per_s", "rate_burst", "replay_buffer",
                "interruption_notice_s", "busy_poll_us", "host_grace_ms", "host_failed_enactments",
                "dashboard_listen", "dashboard_max_clients", "metrics_listen"});
  common::reject_unknown(without_admission_keys(t), known, src, w);
  std::string listen = s.listen_address + ":" + std::to_string(s.listen_port);
  common::read_string(t, "listen", listen, src, w);
  if (!split_listen(listen, s.listen_address, s.listen_port))
    common::config_error(src, w + "listen", "must be address:port, port in [0, 65535]");
  std::string dashboard;
  common::read_string(t, "dashboard_listen", dashboard, src, w);
  if (!dashboard.empty() && !split_listen(dashboard, s.dashboard_address, s.dashboard_port))
    common::config_error(src, w + "dashboard_listen", "must be address:port, port in [0, 65535]");
  common::read_int(t, "dashboard_max_clients", s.dashboard_max_clients, src, w, 1, 1024);
  common::read_string(t, "metrics_listen", s.metrics_listen, src, w);
  if (!s.metrics_listen.empty() && s.metrics_listen.rfind(':') == std::string::npos)
    common::config_error(src, w + "metrics_listen", "must be address:port (or empty: off)");
  common::read_int(t, "io_threads", s.io_threads, src, w, 1, 64);
  common::read_int(t, "busy_poll_us", s.busy_poll_us, src, w, 0, 10'000);
  common::read_int(t, "interruption_notice_s", s.interruption_notice_s, src, w, 0, 86'400);
  common::read_int(t, "host_grace_ms", s.host_grace_ms, src, w, 0, 86'400'000);
  common::read_int(t, "host_failed_enactments", s.host_failed_enactments, src, w, 0, 1'000'000);
  common::read_int(t, "max_sessions", s.max_sessions, src, w, 1, 1'000'000);
  common::read_int(t, "max_frame_bytes", s.max_frame_bytes, src, w, 64, 16 << 20);
  common::read_int(t, "idle_timeout_ms", s.idle_timeout_ms, src, w, 100, 86'400'000);
  common::read_int(t, "heartbeat_interval_ms", s.heartbeat_interval_ms, src, w, 10, 86'400'000);
  common::read_int(t, "logon_timeout_ms", s.logon_timeout_ms, src, w, 10, 86'400'000);
  common::read_int(t, "partial_frame_timeout_ms", s.partial_frame_timeout_ms, src, w, 10,
                   86'400'000);
  common::read_int(t, "outbound_queue_bytes", s.outbound_queue_bytes, src, w, 4096);
  common::read_int(t, "replay_buffer", s.replay_buffer, src, w, 0, 1'000'000'000);
  parse_admission(t, s, src, w);
  common::read_int(t, "replay_buffer_bytes", s.replay_buffer_bytes, src, w, 4096,
                   std::int64_t{1} << 40);
  common::read_int(t, "dedup_horizon_orders", s.dedup_horizon_orders, src, w, 0, 100'000'000);
  common::read_int(t, "dedup_horizon_ms", s.dedup_horizon_ms, src, w, 0,
                   std::int64_t{365} * 86'400'000);
  for (const char* key : {"rate_limit_per_s", "rate_burst"}) {
    const toml::node* n = t.get(key);
    if (n == nullptr) continue;
    const auto v = n->value<double>();
    if (!v || *v <= 0) common::config_error(src, w + key, "must be a positive number");
    (std::string(key) == "rate_burst" ? s.rate_burst : s.rate_limit_per_s) = *v;
  }
}

void parse_telemetry(const toml::table& t, TelemetrySection& s, const std::string& src) {
  const std::string w = "telemetry.";
  common::reject_unknown(t, {"history_samples", "max_tenants", "reports_per_s", "reports_burst"},
                         src, w);
  common::read_int(t, "history_samples", s.history_samples, src, w, 1, 1'000'000);
  common::read_int(t, "max_tenants", s.max_tenants, src, w, 1, 1'000'000);
  for (const char* key : {"reports_per_s", "reports_burst"}) {
    const toml::node* n = t.get(key);
    if (n == nullptr) continue;
    const auto v = n->value<double>();
    if (!v || *v <= 0) common::config_error(src, w + key, "must be a positive number");
    (std::string(key) == "reports_burst" ? s.reports_burst : s.reports_per_s) = *v;
  }
}

// Keys an instrument and a product share: id, resource, pool and the trading rules.
void read_rules(const toml::table& t, engine::InstrumentSpec& s, const std::string& src,
                const std::string& w) {
  common::read_int(t, "id", s.id, src, w, 1, engine::kMaxInstrumentId);
  common::read_string(t, "resource", s.resource, src, w);
  common::read_string(t, "pool", s.pool, src, w);
  common::read_int(t, "tick", s.tick, src, w, 1);
  common::read_int(t, "lot", s.lot, src, w, 1);
  common::read_int(t, "min_qty", s.min_qty, src, w, 1);
  common::read_int(t, "max_qty", s.max_qty, src, w, 1);
  common::read_int(t, "band_min", s.band_min, src, w, 1);
  common::read_int(t, "band_max", s.band_max, src, w, 1);
  common::read_int(t, "market_protection_ticks", s.market_protection_ticks, src, w, 0);
}

engine::InstrumentSpec parse_instrument(const toml::table& t, const std::string& src,
                                        const std::string& w) {
  common::reject_unknown(t,
                         {"id", "symbol", "resource", "pool", "tick", "lot", "min_qty", "max_qty",
                          "band_min", "band_max", "market_protection_ticks", "lease_s"},
                         src, w);
  engine::InstrumentSpec s;
  if (!t.contains("id") || !t.contains("symbol"))
    common::config_error(src, w, "id and symbol are required");
  read_rules(t, s, src, w);
  common::read_string(t, "symbol", s.symbol, src, w);
  std::int64_t lease_s = 3600;
  common::read_int(t, "lease_s", lease_s, src, w, 1, 10LL * 365 * 86400);
  s.window = engine::Window{true, 0, lease_s * 1'000'000'000};
  if (const std::string err = engine::validate(s); !err.empty()) common::config_error(src, w, err);
  return s;
}

// A scheduled product: windows of length_s listed listed_ahead_s ahead, traded until
// gate_closure_s before their start, on ids id .. id + books - 1.
engine::Product parse_product(const toml::table& t, const std::string& src, const std::string& w) {
  common::reject_unknown(
      t,
      {"id", "resource", "pool", "length_s", "listed_ahead_s", "gate_closure_s", "tick", "lot",
       "min_qty", "max_qty", "band_min", "band_max", "market_protection_ticks"},
      src, w);
  if (!t.contains("id") || !t.contains("resource") || !t.contains("pool") ||
      !t.contains("length_s"))
    common::config_error(src, w, "id, resource, pool and length_s are required");
  engine::Product p;
  read_rules(t, p.rules, src, w);
  p.rules.symbol = p.rules.resource + "." + p.rules.pool;
  constexpr std::int64_t kYear_s = 366LL * 86'400;
  std::int64_t length_s = 3600, ahead_s = 86'400, gate_s = 300;
  common::read_int(t, "length_s", length_s, src, w, 1, kYear_s);
  common::read_int(t, "listed_ahead_s", ahead_s, src, w, 1, kYear_s);
  common::read_int(t, "gate_closure_s", gate_s, src, w, 0, kYear_s);
  p.length_ns = length_s * 1'000'000'000;
  p.listed_ahead_ns = ahead_s * 1'000'000'000;
  p.gate_closure_ns = gate_s * 1'000'000'000;
  if (const std::string err = engine::validate(p); !err.empty()) common::config_error(src, w, err);
  return p;
}

Principal parse_principal(const toml::table& t, const std::string& src, const std::string& w) {
  common::reject_unknown(t, {"name", "id", "role", "host_id", "token_hash", "limits"}, src, w);
  Principal p;
  std::string role;
  common::read_string(t, "name", p.name, src, w);
  common::read_int(t, "id", p.id, src, w, 1, UINT32_MAX);
  common::read_string(t, "role", role, src, w);
  common::read_int(t, "host_id", p.host_id, src, w, 0, UINT32_MAX);
  common::read_string(t, "token_hash", p.token_hash, src, w);
  if (p.name.empty() || p.id == 0 || p.token_hash.empty())
    common::config_error(src, w, "name, id and token_hash are required");
  if (role == "tenant")
    p.role = Role::Tenant;
  else if (role == "host")
    p.role = Role::Host;
  else if (role == "operator")
    p.role = Role::Operator;
  else if (role == "agent")
    p.role = Role::Agent;
  else
    common::config_error(src, w + "role", "must be tenant, host, operator or agent");
  if (p.role == Role::Host && p.host_id == 0)
    common::config_error(src, w + "host_id", "a host needs a host_id > 0");
  if (p.token_hash.rfind("pbkdf2-sha256$", 0) != 0)
    common::config_error(src, w + "token_hash",
                         "must be pbkdf2-sha256$iterations$salt$hash (swarmex token hash)");
  return p;
}

}  // namespace

const char* to_string(Role r) noexcept {
  switch (r) {
    case Role::Tenant:
      return "tenant";
    case Role::Host:
      return "host";
    case Role::Operator:
      return "operator";
    case Role::Agent:
      return "agent";
  }
  return "invalid";
}

Config parse_config(const std::string& text, const std::string& src) {
  toml::table root;
  try {
    root = toml::parse(text, src);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(src + ": " + std::string(e.description()) + " at line " +
                             std::to_string(e.source().begin.line));
  }
  common::reject_unknown(root,
                         {"server", "engine", "journal", "instruments", "products", "principals",
                          "templates", "telemetry", "dropcopy", "limits", "market_data", "cluster"},
                         src, "");
  Config c;
  if (const auto* t = root["server"].as_table()) parse_server(*t, c.server, src);
  if (const auto* t = root["telemetry"].as_table()) parse_telemetry(*t, c.telemetry, src);
  if (const auto* t = root["market_data"].as_table()) parse_market_data(*t, c.market_data, src);
  if (const auto* t = root["cluster"].as_table()) parse_cluster(*t, c.cluster, src);
  if (const auto* t = root["engine"].as_table()) {
    // "shards" and "tick_ms" are the keys' names before the glossary gave each word one meaning;
    // still read, never both spellings at once.
    common::reject_unknown(*t,
                           {"partitions", "shards", "wait", "order_capacity", "swarm_capacity",
                            "roll_ms", "tick_ms", "pricing_tick_ms"},
                           src, "engine.");
    for (const auto& [now, before] : {std::pair{"partitions", "shards"}, {"roll_ms", "tick_ms"}})
      if (t->contains(now) && t->contains(before))
        common::config_error(src, std::string("engine.") + before,
                             std::string("an older name of engine.") + now + "; give only one");
    common::read_int(*t, "tick_ms", c.engine.roll_ms, src, "engine.", 1, 60'000);
    common::read_int(*t, "roll_ms", c.engine.roll_ms, src, "engine.", 1, 60'000);
    common::read_int(*t, "pricing_tick_ms", c.engine.pricing_tick_ms, src, "engine.", 10,
                     3'600'000);
    common::read_int(*t, "swarm_capacity", c.engine.swarm_capacity, src, "engine.", 1, 1 << 20);
    common::read_int(*t, "shards", c.engine.partitions, src, "engine.", 1, 64);
    common::read_int(*t, "partitions", c.engine.partitions, src, "engine.", 1, 64);
    common::read_int(*t, "order_capacity", c.engine.order_capacity, src, "engine.", 1, 1 << 28);
    std::string wait = "block";
    common::read_string(*t, "wait", wait, src, "engine.");
    if (wait == "spin")
      c.engine.wait = engine::WaitStrategy::Spin;
    else if (wait == "yield")
      c.engine.wait = engine::WaitStrategy::Yield;
    else if (wait == "block")
      c.engine.wait = engine::WaitStrategy::Block;
    else if (wait == "inline")
      c.engine.wait = engine::WaitStrategy::Inline;
    else
      common::config_error(src, "engine.wait", "must be spin, yield, block or inline");
    // Inline: the I/O thread is every partition's single writer, so there can be only one.
    if (c.engine.wait == engine::WaitStrategy::Inline && c.server.io_threads != 1)
      common::config_error(
          src, "engine.wait",
          "inline needs server.io_threads = 1 (the one I/O thread runs the matching)");
  }
  if (const auto* t = root["journal"].as_table()) {
    common::reject_unknown(*t,
                           {"path", "durability", "segment_bytes", "snapshot_interval", "retention",
                            "archive_path", "keep_snapshots", "snapshot_step_orders"},
                           src, "journal.");
    common::read_string(*t, "path", c.journal.path, src, "journal.");
    std::string d = "sync";
    common::read_string(*t, "durability", d, src, "journal.");
    if (!journal::parse_durability(d, &c.journal.durability))
      common::config_error(src, "journal.durability",
                           "must be none, async, sync, replicated or replicated+sync");
    common::read_int(*t, "segment_bytes", c.journal.segment_bytes, src, "journal.", 4096);
    common::read_int(*t, "snapshot_interval", c.journal.snapshot_interval, src, "journal.", 0);
    std::string r = "keep";
    common::read_string(*t, "retention", r, src, "journal.");
    if (!journal::parse_retention(r, &c.journal.retention))
      common::config_error(src, "journal.retention", "must be keep, delete or archive");
    common::read_string(*t, "archive_path", c.journal.archive_path, src, "journal.");
    if (c.journal.retention == journal::Retention::Archive && c.journal.archive_path.empty())
      common::config_error(src, "journal.archive_path", "is required with retention = \"archive\"");
    common::read_int(*t, "keep_snapshots", c.journal.keep_snapshots, src, "journal.", 2, 1000);
    common::read_int(*t, "snapshot_step_orders", c.journal.snapshot_step_orders, src, "journal.", 1,
                     1u << 30);
  }
  if (const auto* t = root["dropcopy"].as_table()) {
    common::reject_unknown(*t, {"segment_entries", "retain_segments", "ring_entries"}, src,
                           "dropcopy.");
    common::read_int(*t, "segment_entries", c.dropcopy.segment_entries, src, "dropcopy.", 1024);
    common::read_int(*t, "retain_segments", c.dropcopy.retain_segments, src, "dropcopy.", 1,
                     100'000);
    common::read_int(*t, "ring_entries", c.dropcopy.ring_entries, src, "dropcopy.", 1, 1 << 24);
  }
  std::set<engine::InstrumentId> ids;
  if (const auto* arr = root["instruments"].as_array()) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* t = arr->get(i)->as_table();
      const std::string w = "instruments[" + std::to_string(i) + "].";
      if (t == nullptr) common::config_error(src, w, "must be a table");
      c.instruments.push_back(parse_instrument(*t, src, w));
      if (!ids.insert(c.instruments.back().id).second)
        common::config_error(src, w + "id", "duplicate id");
    }
  }
  if (const auto* arr = root["products"].as_array()) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* t = arr->get(i)->as_table();
      const std::string w = "products[" + std::to_string(i) + "].";
      if (t == nullptr) common::config_error(src, w, "must be a table");
      c.products.push_back(parse_product(*t, src, w));
      const engine::Product& p = c.products.back();
      for (std::uint32_t s = 0; s < engine::book_count(p); ++s)
        if (p.rules.id + s > engine::kMaxInstrumentId || !ids.insert(p.rules.id + s).second)
          common::config_error(src, w + "id",
                               "its " + std::to_string(engine::book_count(p)) +
                                   " window books from id " + std::to_string(p.rules.id) +
                                   " overlap another instrument's id");
    }
  }
  std::set<std::string> names;
  std::set<engine::OwnerId> pids;
  std::set<engine::HostId> hosts;
  int agents = 0;
  if (const auto* arr = root["principals"].as_array()) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* t = arr->get(i)->as_table();
      const std::string w = "principals[" + std::to_string(i) + "].";
      if (t == nullptr) common::config_error(src, w, "must be a table");
      Principal p = parse_principal(*t, src, w);
      if (!names.insert(p.name).second) common::config_error(src, w + "name", "duplicate name");
      if (!pids.insert(p.id).second) common::config_error(src, w + "id", "duplicate id");
      if (p.role == Role::Host && !hosts.insert(p.host_id).second)
        common::config_error(src, w + "host_id", "duplicate host_id");
      if (p.role == Role::Agent && agents++ > 0)
        common::config_error(src, w + "role", "at most one principal is the agent");
      c.principals.push_back(std::move(p));
    }
  }
  if (const auto* arr = root["templates"].as_array())
    c.templates = parse_templates(*arr, src, c.instruments);
  parse_limits(root, c, src);  // after [server], [engine] and the principals
  check_cluster(c, src);
  return c;
}

Config load_config(const std::string& path) {
  toml::table root;
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

std::vector<engine::InstrumentSpec> tradable_instruments(const Config& c) {
  return engine::tradable_instruments(c.instruments, c.products);
}

journal::AssemblyConfig assembly_config(const Config& c,
                                        moodycamel::BlockingConcurrentQueue<engine::Event>* output,
                                        std::function<void()> wake) {
  journal::AssemblyConfig a;
  a.partitions = c.engine.partitions;
  a.engine = engine::EngineConfig{c.engine.order_capacity, c.engine.swarm_capacity};
  a.wait = c.engine.wait;
  a.instruments = c.instruments;
  a.products = c.products;
  a.durability = c.journal.durability;
  a.journal_path = c.journal.path;
  a.segment_bytes = c.journal.segment_bytes;
  a.snapshot_interval = c.journal.snapshot_interval;
  a.snapshot_step_orders = c.journal.snapshot_step_orders;
  a.retention = c.journal.retention;
  a.archive_path = c.journal.archive_path;
  a.keep_snapshots = c.journal.keep_snapshots;
  a.state_hash_interval = c.cluster.state_hash_interval;
  a.output = output;
  a.wake = std::move(wake);
  return a;
}

}  // namespace swarmex::gateway
