#include "own_view_command.hpp"

#include <fmt/format.h>

#include <functional>
#include <memory>

#include "connection.hpp"
#include "swarmex/common/json_text.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::cli {

using protocol::text_of;

namespace {

struct OwnViewOptions {
  ConnectionOptions connection;
  std::string tenant;
};

// Sends one request and prints the answer of type `List` (OrderList or HoldingList): each item
// as a JSON line or a text line, "none" when there is none.
template <typename List, typename Item>
int run_list(
    const OwnViewOptions& o, wire::Body type,
    const std::function<void(client::Client&, std::uint64_t)>& ask,
    const std::function<const flatbuffers::Vector<flatbuffers::Offset<Item>>*(const List&)>&
        items_of,
    const char* none, const std::function<void(const Session&, const List&, const Item&)>& print) {
  Session session(o.connection, wire::Role::Tenant);
  const std::uint64_t request_id = fresh_id();
  ask(session.client(), request_id);
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() != type) continue;
    const auto* l = static_cast<const List*>(m->body());
    if (l->request_id() != request_id) continue;
    if (!l->ok()) {
      const std::string reason(engine::to_string(protocol::to_engine(l->reason())));
      throw CliError("refused: " + reason + ": " + text_of(l->text()), kExitRejected);
    }
    const auto* items = items_of(*l);
    if ((items == nullptr || items->size() == 0) && !session.json()) fmt::print("{}\n", none);
    if (items != nullptr)
      for (const Item* x : *items)
        print(session, *l, *x);
    if (l->truncated() && !session.json()) fmt::print("(more than one answer holds)\n");
    return kExitOk;
  }
  throw CliError("no answer from the server in time");
}

void print_order(const Session& session, const wire::OrderList& l, const wire::OpenOrder& x) {
  const char* side = x.side() == wire::Side::Buy ? "buy" : "sell";
  if (session.json())
    fmt::print("{}\n", common::json_text(common::Json{{"type", "order"},
                                                      {"principal", text_of(l.principal())},
                                                      {"order_id", x.order_id()},
                                                      {"client_order_id", x.client_order_id()},
                                                      {"instrument", x.instrument()},
                                                      {"symbol", text_of(x.symbol())},
                                                      {"side", side},
                                                      {"price", x.price()},
                                                      {"remaining_qty", x.remaining_qty()},
                                                      {"agent", text_of(x.agent())},
                                                      {"host", x.host()},
                                                      {"swarm", x.swarm()}}));
  else
    fmt::print("order {} client={} {} {} {} @ {}{}{}\n", x.order_id(), x.client_order_id(),
               text_of(x.symbol()), side, x.remaining_qty(), x.price(),
               x.swarm() ? " (swarm, limit on the total)" : "",
               x.agent() != nullptr ? " by agent " + text_of(x.agent()) : "");
}

void print_holding(const Session& session, const wire::HoldingList& l, const wire::Holding& h) {
  if (session.json())
    fmt::print("{}\n", common::json_text(common::Json{{"type", "holding"},
                                                      {"principal", text_of(l.principal())},
                                                      {"instrument", h.instrument()},
                                                      {"symbol", text_of(h.symbol())},
                                                      {"window_start_ns", h.window_start_ns()},
                                                      {"window_end_ns", h.window_end_ns()},
                                                      {"host", h.host()},
                                                      {"host_name", text_of(h.host_name())},
                                                      {"qty", h.qty()},
                                                      {"spot", h.spot()}}));
  else
    fmt::print("holding {} {} qty={} host={} ({}) [{}, {})\n", text_of(h.symbol()),
               h.spot() ? "spot lease" : "window", h.qty(), text_of(h.host_name()), h.host(),
               h.window_start_ns(), h.window_end_ns());
}

}  // namespace

void add_own_view_commands(CLI::App& app, int& exit_code) {
  auto orders = std::make_shared<OwnViewOptions>();
  auto* cmd = app.add_subcommand("orders", "your resting orders (a host: its asks)");
  cmd->add_option("--tenant", orders->tenant, "operators: whose orders");
  add_connection_options(*cmd, orders->connection);
  cmd->callback([&exit_code, orders] {
    run_guarded(exit_code, [orders] {
      return run_list<wire::OrderList, wire::OpenOrder>(
          *orders, wire::Body::OrderList,
          [&](client::Client& c, std::uint64_t id) { c.orders(id, orders->tenant); },
          [](const wire::OrderList& l) { return l.orders(); }, "no resting orders", print_order);
    });
  });

  auto holdings = std::make_shared<OwnViewOptions>();
  cmd = app.add_subcommand("holdings", "the capacity you hold: windows by host, spot leases");
  cmd->add_option("--tenant", holdings->tenant, "operators: whose holdings");
  add_connection_options(*cmd, holdings->connection);
  cmd->callback([&exit_code, holdings] {
    run_guarded(exit_code, [holdings] {
      return run_list<wire::HoldingList, wire::Holding>(
          *holdings, wire::Body::HoldingList,
          [&](client::Client& c, std::uint64_t id) { c.holdings(id, holdings->tenant); },
          [](const wire::HoldingList& l) { return l.holdings(); }, "no holdings", print_holding);
    });
  });
}

}  // namespace swarmex::cli
