#include "config_limits.hpp"

#include <algorithm>

#include "swarmex/common/toml_read.hpp"

namespace swarmex::gateway {

namespace {

// The keys `t` gives, over `l`; each names itself as `w` + key in an error.
void read_limits(const toml::table& t, PrincipalLimits& l, const Config& c, const std::string& src,
                 const std::string& w) {
  common::reject_unknown(t,
                         {"resting_orders_per_partition", "sessions", "subscriptions",
                          "depth_levels", "requests_per_s", "requests_burst"},
                         src, w);
  // Below the pool: one principal never takes the last of a partition's orders from the others.
  const std::uint32_t cap = c.engine.order_capacity;
  if (const toml::node* n = t.get("resting_orders_per_partition")) {
    const auto* i = n->as_integer();  // never value<int64_t>: a huge float would overflow
    if (i == nullptr || i->get() < 1 || i->get() >= cap)
      common::config_error(src, w + "resting_orders_per_partition",
                           "must be an integer in [1, engine.order_capacity - 1] (order_capacity "
                           "is " +
                               std::to_string(cap) + ")");
    l.resting_orders_per_partition = static_cast<std::uint32_t>(i->get());
  }
  common::read_int(t, "sessions", l.sessions, src, w, 1, 1'000'000);
  common::read_int(t, "subscriptions", l.subscriptions, src, w, 1, 1'000'000);
  common::read_int(t, "depth_levels", l.depth_levels, src, w, 1, 1000);
  for (const char* key : {"requests_per_s", "requests_burst"}) {
    const toml::node* n = t.get(key);
    if (n == nullptr) continue;
    const auto v = n->value<double>();
    if (!v || *v <= 0 || (std::string(key) == "requests_burst" && *v < 1))
      common::config_error(src, w + key,
                           std::string(key) == "requests_burst" ? "must be a number >= 1"
                                                                : "must be a positive number");
    (std::string(key) == "requests_burst" ? l.requests_burst : l.requests_per_s) = *v;
  }
}

}  // namespace

void parse_limits(const toml::table& root, Config& c, const std::string& src) {
  if (const toml::node* n = root.get("limits")) {
    const toml::table* t = n->as_table();
    if (t == nullptr) common::config_error(src, "limits", "must be a table of role tables");
    common::reject_unknown(*t, {"tenant", "host", "operator", "agent"}, src, "limits.");
    for (const Role r : {Role::Tenant, Role::Host, Role::Operator, Role::Agent}) {
      const std::string name = to_string(r);
      const toml::node* rn = t->get(name);
      if (rn == nullptr) continue;
      if (rn->as_table() == nullptr) common::config_error(src, "limits." + name, "must be a table");
      read_limits(*rn->as_table(), c.role_limits[static_cast<std::size_t>(r)], c, src,
                  "limits." + name + ".");
    }
  }
  const toml::array* arr = root["principals"].as_array();
  for (std::size_t i = 0; i < c.principals.size(); ++i) {
    Principal& p = c.principals[i];
    p.limits = c.role_limits[static_cast<std::size_t>(p.role)];
    const toml::table* pt = arr != nullptr ? arr->get(i)->as_table() : nullptr;
    if (const toml::node* n = pt != nullptr ? pt->get("limits") : nullptr) {
      const std::string w = "principals[" + std::to_string(i) + "].limits";
      if (n->as_table() == nullptr) common::config_error(src, w, "must be a table");
      read_limits(*n->as_table(), p.limits, c, src, w + ".");
    }
    PrincipalLimits& l = p.limits;
    if (l.resting_orders_per_partition == 0)
      l.resting_orders_per_partition = std::max<std::uint32_t>(1, c.engine.order_capacity / 16);
    if (l.requests_per_s == 0) l.requests_per_s = c.server.rate_limit_per_s;
    if (l.requests_burst == 0) l.requests_burst = c.server.rate_burst;
  }
}

}  // namespace swarmex::gateway
