#include "autopilot_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"
#include "swarmex/common/json_text.hpp"

namespace swarmex::cli {

using protocol::text_of;

namespace {

struct AutopilotOptions {
  ConnectionOptions connection;
  client::AutopilotSpec grant;
};

// Waits for the AutopilotAck of an on / off and prints it.
int await_ack(Session& session, std::uint64_t request_id, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() != wire::Body::AutopilotAck) continue;
    const auto* a = m->body_as_AutopilotAck();
    if (a->request_id() != request_id) continue;
    const std::string reason(engine::to_string(protocol::to_engine(a->reason())));
    if (session.json())
      fmt::print("{}\n", common::Json{{"type", "autopilot_ack"},
                                      {"ok", a->ok()},
                                      {"reason", reason},
                                      {"text", text_of(a->text())}}
                             .dump());
    else
      fmt::print("{}\n", a->ok() ? text_of(a->text()) : "refused: " + reason);
    return a->ok() ? kExitOk : kExitRejected;
  }
  throw CliError("no answer from the server in time");
}

int run_on(const AutopilotOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  session.client().autopilot_set(o.grant);
  return await_ack(session, o.grant.request_id, o.connection.timeout_ms);
}

int run_off(const AutopilotOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  session.client().autopilot_off(o.grant.request_id, o.grant.resource, o.grant.pool);
  return await_ack(session, o.grant.request_id, o.connection.timeout_ms);
}

int run_status(const AutopilotOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  session.client().autopilot_status(1);
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() != wire::Body::AutopilotGrants) continue;
    const auto* grants = m->body_as_AutopilotGrants()->grants();
    if (grants == nullptr || grants->size() == 0) {
      if (!session.json()) fmt::print("no autopilot grants\n");
      return kExitOk;
    }
    for (const wire::AutopilotGrantInfo* g : *grants) {
      const std::string product =
          g->length_s() == 0 ? std::string("spot") : fmt::format("{}s windows", g->length_s());
      if (session.json())
        fmt::print("{}\n", common::Json{{"type", "autopilot_grant"},
                                        {"tenant", text_of(g->tenant())},
                                        {"resource", text_of(g->resource())},
                                        {"pool", text_of(g->pool())},
                                        {"length_s", g->length_s()},
                                        {"max_unit_price", g->max_unit_price()},
                                        {"budget_per_hour", g->budget_per_hour()},
                                        {"target", g->target()}}
                               .dump());
      else
        fmt::print(
            "autopilot tenant={} {} {} {} max_unit_price={} budget_per_hour={} "
            "target={}\n",
            text_of(g->tenant()), text_of(g->resource()), text_of(g->pool()), product,
            g->max_unit_price(), g->budget_per_hour(), g->target());
    }
    return kExitOk;
  }
  throw CliError("no answer from the server in time");
}

}  // namespace

void add_autopilot_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<AutopilotOptions>();
  o->grant.request_id = 1;
  auto* cmd = app.add_subcommand("autopilot", "let the exchange buy ahead of your demand");
  cmd->require_subcommand(1);
  auto* on = cmd->add_subcommand("on", "let the agent buy a resource for you, within limits");
  auto* off = cmd->add_subcommand(
      "off", "withdraw it: the agent's resting bids for you are cancelled at once");
  auto* status = cmd->add_subcommand("status", "the grants in force");
  for (CLI::App* c : {on, off}) {
    c->add_option("--resource", o->grant.resource, "cpu, mem, ...")->required();
    c->add_option("--pool", o->grant.pool, "the pool")->required();
  }
  on->add_option("--length-s", o->grant.length_s, "the window product's length (0: spot)")
      ->capture_default_str();
  on->add_option("--max-price", o->grant.max_unit_price, "the most paid per unit-hour")->required();
  on->add_option("--budget-per-hour", o->grant.budget_per_hour,
                 "the most committed per hour (price x units x hours)")
      ->required();
  on->add_option("--target", o->grant.target, "the forecast quantile bought, in (0, 1)")
      ->capture_default_str();
  for (CLI::App* c : {on, off, status})
    add_connection_options(*c, o->connection);
  on->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_on(*o); }); });
  off->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_off(*o); }); });
  status->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_status(*o); }); });
}

}  // namespace swarmex::cli
