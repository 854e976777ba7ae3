#include "orders_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"
#include "swarmex/common/json_text.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::cli {
namespace {

struct OrdersOptions {
  ConnectionOptions connection;
  std::string tenant;
};

std::string text_of(const flatbuffers::String* s) {
  return s != nullptr ? s->str() : std::string();
}

int run(const OrdersOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  const std::uint64_t request_id = fresh_id();
  session.client().orders(request_id, o.tenant);
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() != wire::Body::OrderList) continue;
    const auto* l = m->body_as_OrderList();
    if (l->request_id() != request_id) continue;
    if (!l->ok()) {
      const std::string reason(engine::to_string(protocol::to_engine(l->reason())));
      throw CliError("refused: " + reason + ": " + text_of(l->text()), kExitRejected);
    }
    if ((l->orders() == nullptr || l->orders()->size() == 0) && !session.json())
      fmt::print("no resting orders\n");
    if (l->orders() != nullptr)
      for (const wire::OpenOrder* x : *l->orders()) {
        const char* side = x->side() == wire::Side::Buy ? "buy" : "sell";
        if (session.json())
          fmt::print("{}\n",
                     common::json_text(common::Json{{"type", "order"},
                                                    {"principal", text_of(l->principal())},
                                                    {"order_id", x->order_id()},
                                                    {"client_order_id", x->client_order_id()},
                                                    {"instrument", x->instrument()},
                                                    {"symbol", text_of(x->symbol())},
                                                    {"side", side},
                                                    {"price", x->price()},
                                                    {"remaining_qty", x->remaining_qty()},
                                                    {"agent", text_of(x->agent())},
                                                    {"host", x->host()},
                                                    {"swarm", x->swarm()}}));
        else
          fmt::print("order {} client={} {} {} {} @ {}{}{}\n", x->order_id(), x->client_order_id(),
                     text_of(x->symbol()), side, x->remaining_qty(), x->price(),
                     x->swarm() ? " (swarm, limit on the total)" : "",
                     x->agent() != nullptr ? " by agent " + text_of(x->agent()) : "");
      }
    if (l->truncated() && !session.json()) fmt::print("(more than one answer holds)\n");
    return kExitOk;
  }
  throw CliError("no answer from the server in time");
}

}  // namespace

void add_orders_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<OrdersOptions>();
  auto* cmd = app.add_subcommand("orders", "your resting orders (a host: its asks)");
  cmd->add_option("--tenant", o->tenant, "operators: whose orders");
  add_connection_options(*cmd, o->connection);
  cmd->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run(*o); }); });
}

}  // namespace swarmex::cli
