#include "connection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <thread>

#include "message_format.hpp"
#include "swarmex/common/history_id.hpp"
#include "swarmex/common/split_list.hpp"

namespace swarmex::cli {
namespace {

wire::Role parse_role(const std::string& name) {
  if (name == "tenant") return wire::Role::Tenant;
  if (name == "host") return wire::Role::Host;
  if (name == "operator") return wire::Role::Operator;
  if (name == "agent") return wire::Role::Agent;
  throw CliError("unknown role '" + name + "' (tenant, host, operator or agent)");
}

}  // namespace

void add_connection_options(CLI::App& command, ConnectionOptions& options) {
  command
      .add_option("--server", options.server,
                  "swarmexd address HOST:PORT, or a cluster's nodes HOST:PORT,HOST:PORT,... (the "
                  "one leading answers)")
      ->envname("SWARMEX_SERVER")
      ->capture_default_str();
  command.add_option("--principal", options.principal, "principal name")
      ->envname("SWARMEX_PRINCIPAL");
  command.add_option("--token", options.token, "principal's token")->envname("SWARMEX_TOKEN");
  command.add_option("--role", options.role, "tenant, host or operator (default: per command)")
      ->envname("SWARMEX_ROLE")
      ->check(CLI::IsMember({"tenant", "host", "operator", "agent"}));
  command
      .add_option("--timeout-ms", options.timeout_ms,
                  "connect / logon timeout (a refused connection is retried until then)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_flag("--json", options.json, "one JSON object per line");
  command.add_option("--history", options.history,
                     "the exchange history (0x..., as printed by fills / dropcopy) whose stream "
                     "positions you hold: another history is refused (exit 2), never resumed");
  command.add_flag("--keep-orders", options.keep_orders,
                   "hosts: leave asks resting when the command exits (default: they are cancelled "
                   "with the session, as for every host that disconnects)");
}

void run_guarded(int& exit_code, const std::function<int()>& body) {
  try {
    exit_code = body();
  } catch (const CliError& e) {
    fmt::print(stderr, "swarmex: {}\n", e.what());
    exit_code = e.exit_code();
  } catch (const std::exception& e) {
    fmt::print(stderr, "swarmex: {}\n", e.what());
    exit_code = kExitError;
  }
}

Session::Session(const ConnectionOptions& options, wire::Role default_role,
                 bool cancel_on_disconnect)
    : json_(options.json) {
  if (options.principal.empty())
    throw CliError("no principal: give --principal or set SWARMEX_PRINCIPAL");
  if (options.token.empty()) throw CliError("no token: give --token or set SWARMEX_TOKEN");
  const wire::Role role = options.role.empty() ? default_role : parse_role(options.role);
  std::vector<client::Endpoint> endpoints;
  try {
    for (const std::string& item : split_list(options.server))
      endpoints.push_back(client::parse_endpoint(item));
  } catch (const std::invalid_argument& e) {
    throw CliError(std::string("--server: ") + e.what());
  }
  if (endpoints.empty()) throw CliError("--server: no address");
  const std::chrono::milliseconds timeout(options.timeout_ms);
  // A refused connection is retried until the timeout: a command may follow swarmexd's start,
  // and a cluster's standbys do not listen (the next node in the list is tried).
  const auto give_up = Clock::now() + timeout;
  if (!options.history.empty()) {
    const std::uint64_t expected = common::parse_history_id(options.history);
    if (expected == 0) throw CliError("--history: not a history id: " + options.history);
    client_.expect_history(expected);
  }
  std::size_t at = 0;
  const auto next_node = [&] {
    at = (at + 1) % endpoints.size();
    if (at == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  for (;;) {
    try {
      client_.connect(endpoints[at], timeout);
    } catch (const client::ClientError& e) {
      const bool refused = std::string_view(e.what()).find("refused") != std::string_view::npos;
      if (!refused || Clock::now() + std::chrono::milliseconds(50) >= give_up) throw;
      next_node();
      continue;
    }
    // A node that does not lead says so at logon: the others are tried.
    logon_ = client_.logon(options.principal, options.token, role, 0, cancel_on_disconnect, timeout,
                           options.keep_orders);
    if (logon_.reason != engine::RejectReason::NotLeader || Clock::now() >= give_up) break;
    client_.close();
    next_node();
  }
  if (logon_.ok() && logon_.history_changed)
    throw CliError(fmt::format("exchange history changed: expected {}, this exchange is {} (a new "
                               "journal: its streams start again at 1)",
                               history_name(logon_.previous_history), history_name(logon_.history)),
                   kExitRejected);
  if (!logon_.ok())
    throw CliError(fmt::format("logon refused: {}{}{}", engine::to_string(logon_.reason),
                               logon_.text.empty() ? "" : ": ", logon_.text));
  if (logon_.heartbeat_interval_ms > 0)
    heartbeat_interval_ = std::chrono::milliseconds(logon_.heartbeat_interval_ms);
  last_sent_ = Clock::now();
}

const wire::Message* Session::next(Clock::time_point deadline) {
  for (;;) {
    const auto now = Clock::now();
    if (now - last_sent_ >= heartbeat_interval_) {
      client_.heartbeat();
      last_sent_ = now;
    }
    if (now >= deadline) return nullptr;
    const auto wait = std::min(deadline, last_sent_ + heartbeat_interval_) - now;
    const wire::Message* m = client_.receive(wait);
    if (m == nullptr || m->body_type() == wire::Body::Heartbeat) continue;
    if (m->body_type() == wire::Body::Error) {
      const auto* e = m->body_as_Error();
      throw CliError(fmt::format("server error: {}{}{}",
                                 engine::to_string(protocol::to_engine(e->reason())),
                                 e->text() ? ": " : "", e->text() ? e->text()->str() : ""));
    }
    return m;
  }
}

void Session::print(const wire::Message& message) const {
  fmt::print("{}\n", format_message(message, json_));
  std::fflush(stdout);  // followers are often piped into other tools
}

std::uint64_t fresh_id() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace swarmex::cli
