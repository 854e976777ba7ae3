#include "holdings_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"
#include "swarmex/common/json_text.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::cli {
namespace {

struct HoldingsOptions {
  ConnectionOptions connection;
  std::string tenant;
};

std::string text_of(const flatbuffers::String* s) {
  return s != nullptr ? s->str() : std::string();
}

int run(const HoldingsOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  const std::uint64_t request_id = fresh_id();
  session.client().holdings(request_id, o.tenant);
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() != wire::Body::HoldingList) continue;
    const auto* l = m->body_as_HoldingList();
    if (l->request_id() != request_id) continue;
    if (!l->ok()) {
      const std::string reason(engine::to_string(protocol::to_engine(l->reason())));
      throw CliError("refused: " + reason + ": " + text_of(l->text()), kExitRejected);
    }
    if ((l->holdings() == nullptr || l->holdings()->size() == 0) && !session.json())
      fmt::print("no holdings\n");
    if (l->holdings() != nullptr)
      for (const wire::Holding* h : *l->holdings()) {
        if (session.json())
          fmt::print("{}\n",
                     common::json_text(common::Json{{"type", "holding"},
                                                    {"principal", text_of(l->principal())},
                                                    {"instrument", h->instrument()},
                                                    {"symbol", text_of(h->symbol())},
                                                    {"window_start_ns", h->window_start_ns()},
                                                    {"window_end_ns", h->window_end_ns()},
                                                    {"host", h->host()},
                                                    {"host_name", text_of(h->host_name())},
                                                    {"qty", h->qty()},
                                                    {"spot", h->spot()}}));
        else
          fmt::print("holding {} {} qty={} host={} ({}) [{}, {})\n", text_of(h->symbol()),
                     h->spot() ? "spot lease" : "window", h->qty(), text_of(h->host_name()),
                     h->host(), h->window_start_ns(), h->window_end_ns());
      }
    if (l->truncated() && !session.json()) fmt::print("(more than one answer holds)\n");
    return kExitOk;
  }
  throw CliError("no answer from the server in time");
}

}  // namespace

void add_holdings_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<HoldingsOptions>();
  auto* cmd = app.add_subcommand("holdings", "the capacity you hold: windows by host, spot leases");
  cmd->add_option("--tenant", o->tenant, "operators: whose holdings");
  add_connection_options(*cmd, o->connection);
  cmd->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run(*o); }); });
}

}  // namespace swarmex::cli
