#include "catalog_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"
#include "swarmex/common/json_text.hpp"

namespace swarmex::cli {

using protocol::text_of;

namespace {

struct CatalogOptions {
  ConnectionOptions connection;
  std::string pool;
  std::string resource;
};

// 0 means none on the wire: "-" in the table.
std::string price_text(std::int64_t price) {
  return price == 0 ? std::string("-") : std::to_string(price);
}

common::Json entry_json(const wire::CatalogEntry& e) {
  common::Json hosts = common::Json::array();
  if (e.hosts() != nullptr)
    for (const wire::CatalogHost* h : *e.hosts())
      hosts.push_back({{"host", h->host()},
                       {"name", text_of(h->name())},
                       {"capacity", h->capacity()},
                       {"active", h->active()},
                       {"standby", h->standby()}});
  common::Json windows = common::Json::array();
  if (e.windows() != nullptr)
    for (const wire::CatalogWindow* w : *e.windows())
      windows.push_back({{"instrument", w->instrument()},
                         {"symbol", text_of(w->symbol())},
                         {"window_start_ns", w->window_start_ns()},
                         {"window_end_ns", w->window_end_ns()},
                         {"sold", w->sold()},
                         {"best_bid", w->best_bid()},
                         {"best_ask", w->best_ask()},
                         {"last_price", w->last_price()}});
  common::Json curve = common::Json::array();
  if (e.curve() != nullptr)
    for (const wire::CurvePoint* p : *e.curve())
      curve.push_back(
          {{"utilisation_ppm", p->utilisation_ppm()}, {"multiplier_ppm", p->multiplier_ppm()}});
  return common::Json{{"type", "catalog"},
                      {"pool", text_of(e.pool())},
                      {"resource", text_of(e.resource())},
                      {"declared", e.declared()},
                      {"sold_now", e.sold_now()},
                      {"utilisation_ppm", e.utilisation_ppm()},
                      {"best_bid", e.best_bid()},
                      {"best_ask", e.best_ask()},
                      {"last_price", e.last_price()},
                      {"hosts", hosts},
                      {"windows", windows},
                      {"curve", curve}};
}

void print_text(const wire::CatalogEntry& e) {
  fmt::print(
      "{:<10} {:<14} declared={:<6} sold_now={:<6} utilisation={:>7.3f}% bid={} ask={} "
      "last={}\n",
      text_of(e.pool()), text_of(e.resource()), e.declared(), e.sold_now(),
      e.utilisation_ppm() / 10'000.0, price_text(e.best_bid()), price_text(e.best_ask()),
      price_text(e.last_price()));
  if (e.hosts() != nullptr)
    for (const wire::CatalogHost* h : *e.hosts())
      fmt::print("  host {:<16} id={:<4} capacity={:<6} {}\n", text_of(h->name()), h->host(),
                 h->capacity(),
                 h->standby() ? (h->active() ? "active (standby host)" : "standby, not sold")
                              : (h->active() ? "active" : "inactive"));
  if (e.windows() != nullptr)
    for (const wire::CatalogWindow* w : *e.windows())
      if (w->sold() != 0 || w->best_bid() != 0 || w->best_ask() != 0 || w->last_price() != 0)
        fmt::print("  window {:<34} sold={:<6} bid={} ask={} last={}\n", text_of(w->symbol()),
                   w->sold(), price_text(w->best_bid()), price_text(w->best_ask()),
                   price_text(w->last_price()));
}

int run(const CatalogOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  const std::uint64_t request_id = fresh_id();
  session.client().catalog(request_id, o.pool, o.resource);
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() != wire::Body::Catalog) continue;
    const auto* c = m->body_as_Catalog();
    if (c->request_id() != request_id) continue;
    if (c->entries() == nullptr || c->entries()->size() == 0) {
      if (!session.json()) fmt::print("nothing in the catalog matches\n");
      return kExitOk;
    }
    for (const wire::CatalogEntry* e : *c->entries()) {
      if (session.json())
        fmt::print("{}\n", common::json_text(entry_json(*e)));
      else
        print_text(*e);
    }
    if (c->truncated() && !session.json()) fmt::print("(more than one answer holds)\n");
    return kExitOk;
  }
  throw CliError("no answer from the server in time");
}

}  // namespace

void add_catalog_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CatalogOptions>();
  auto* cmd = app.add_subcommand("catalog", "what each pool sells: capacity, sales, prices");
  cmd->add_option("--pool", o->pool, "only this pool");
  cmd->add_option("--resource", o->resource, "only this resource (cpu, mem, mig.1g.10gb, ...)");
  add_connection_options(*cmd, o->connection);
  cmd->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run(*o); }); });
}

}  // namespace swarmex::cli
