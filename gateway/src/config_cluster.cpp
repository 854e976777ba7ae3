// The [cluster] table: the NATS JetStream cluster behind durability "replicated" and
// "replicated+sync", and this node's part in it (docs/cluster.md).
#include <unistd.h>

#include <cctype>
#include <functional>

#include <toml++/toml.h>

#include "swarmex/common/toml_read.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

namespace {

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (const char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

// cluster.<key>: a list of strings each `ok` accepts; else start-up stops with `what`.
void read_list(const toml::table& t, const char* key, std::vector<std::string>& out,
               const std::string& src, const char* what,
               const std::function<bool(const std::string&)>& ok) {
  const std::string where = std::string("cluster.") + key;
  if (!t.contains(key)) return;
  const auto* a = t[key].as_array();
  if (a == nullptr) common::config_error(src, where, what);
  for (const auto& v : *a) {
    const auto str = v.value<std::string>();
    if (!str || !ok(*str)) common::config_error(src, where, what);
    out.push_back(*str);
  }
}

}  // namespace

void parse_cluster(const toml::table& t, ClusterSection& s, const std::string& src) {
  const std::string w = "cluster.";
  common::reject_unknown(t,
                         {"servers", "name", "node", "replicas", "publish_timeout_ms",
                          "lease_ttl_ms", "lease_renew_ms", "pools", "pool_map", "fill_fanout",
                          "fill_fanout_per_host", "state_hash_interval"},
                         src, w);
  read_list(t, "servers", s.servers, src, "must be a list of nats://host:port URLs",
            [](const std::string& v) { return v.rfind("nats://", 0) == 0; });
  common::read_string(t, "name", s.name, src, w);
  if (!valid_name(s.name))
    common::config_error(src, "cluster.name", "must be 1 to 64 of [A-Za-z0-9_-]");
  common::read_string(t, "node", s.node, src, w);
  if (!s.node.empty() && !valid_name(s.node))
    common::config_error(src, "cluster.node", "must be 1 to 64 of [A-Za-z0-9_-]");
  common::read_int(t, "replicas", s.replicas, src, w, 1, 5);
  common::read_int(t, "publish_timeout_ms", s.publish_timeout_ms, src, w, 100, 600'000);
  common::read_int(t, "lease_ttl_ms", s.lease_ttl_ms, src, w, 500, 600'000);
  common::read_int(t, "lease_renew_ms", s.lease_renew_ms, src, w, 50, 600'000);
  read_list(t, "pools", s.pools, src, "must be a list of pool names",
            [](const std::string& v) { return !v.empty(); });
  common::read_string(t, "pool_map", s.pool_map, src, w);
  if (!valid_name(s.pool_map))
    common::config_error(src, "cluster.pool_map", "must be 1 to 64 of [A-Za-z0-9_-]");
  common::read_bool(t, "fill_fanout", s.fill_fanout, src, w);
  common::read_int(t, "fill_fanout_per_host", s.fill_fanout_per_host, src, w, 1, 100'000'000);
  common::read_int(t, "state_hash_interval", s.state_hash_interval, src, w, 1, 100'000'000);
}

void check_cluster(const Config& c, const std::string& src) {
  const bool replicated = journal::replicated(c.journal.durability);
  if (replicated && c.cluster.servers.empty())
    common::config_error(src, "journal.durability",
                         "replicated needs [cluster] servers (the NATS JetStream cluster)");
  if (replicated && c.cluster.lease_renew_ms * 2 > c.cluster.lease_ttl_ms)
    common::config_error(src, "cluster.lease_renew_ms", "must be at most half of lease_ttl_ms");
  if (!c.cluster.pools.empty() && !replicated)
    common::config_error(src, "cluster.pools", "serving some pools needs a replicated journal");
  for (const std::string& pool : c.cluster.pools) {
    bool known = false;
    for (const engine::InstrumentSpec& i : c.instruments)
      known = known || i.pool == pool;
    for (const engine::Product& p : c.products)
      known = known || p.rules.pool == pool;
    if (!known)
      common::config_error(src, "cluster.pools", "no instrument is in pool '" + pool + "'");
  }
  if (c.cluster.fill_fanout && !replicated)
    common::config_error(src, "cluster.fill_fanout",
                         "needs journal.durability replicated or replicated+sync (a cluster)");
}

// This node's id: [cluster] node, else the host name.
std::string cluster_node_id(const ClusterSection& s) {
  if (!s.node.empty()) return s.node;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "swarmexd";
  std::string id;
  for (const char* p = host; *p != '\0'; ++p)
    id += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '-';
  return id;
}

}  // namespace swarmex::gateway
