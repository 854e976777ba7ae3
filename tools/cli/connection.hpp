// What every networked subcommand shares: the connection and credential flags (or SWARMEX_*
// environment variables), logging on, receiving with heartbeats, and exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "swarmex/client/client.hpp"

namespace swarmex::cli {

// Exit codes of the networked subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;     // usage, connection, timeout, logon refused
inline constexpr int kExitRejected = 2;  // the server answered with a reject

// A failure to report to the user (one line on stderr) with its exit code.
class CliError : public std::runtime_error {
 public:
  explicit CliError(const std::string& what, int exit_code = kExitError)
      : std::runtime_error(what), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

struct ConnectionOptions {
  std::string server = "127.0.0.1:7400";
  std::string principal;
  std::string token;
  std::string role;  // empty: the subcommand's default role
  int timeout_ms = 5000;
  bool json = false;
  bool keep_orders = false;  // hosts: asks stay after the command exits
  std::string history;       // --history: the exchange history expected (0x...); another refuses
};

// --server --principal --token --role --timeout-ms --json on `command`.
void add_connection_options(CLI::App& command, ConnectionOptions& options);

// Runs a subcommand body, turning CliError / ClientError / other exceptions into a message on
// stderr and an exit code.
void run_guarded(int& exit_code, const std::function<int()>& body);

using Clock = std::chrono::steady_clock;

// A logged-on connection.
class Session {
 public:
  // Connects and logs on; throws CliError when either fails.
  Session(const ConnectionOptions& options, wire::Role default_role,
          bool cancel_on_disconnect = false);

  client::Client& client() noexcept { return client_; }
  [[nodiscard]] const client::LogonResult& logon() const noexcept { return logon_; }
  [[nodiscard]] bool json() const noexcept { return json_; }

  // The next message other than a heartbeat, or nullptr at `deadline`. Sends heartbeats while
  // it waits, so long follows are not closed as idle; throws CliError on an Error message.
  const wire::Message* next(Clock::time_point deadline);

  // Prints a message: one line (JSON) or one block (text).
  void print(const wire::Message& message) const;

 private:
  client::Client client_;
  client::LogonResult logon_;
  bool json_ = false;
  std::chrono::milliseconds heartbeat_interval_{2000};
  Clock::time_point last_sent_;
};

// A client_order_id / request_id unlikely to repeat across invocations: microseconds since the
// epoch.
std::uint64_t fresh_id();

}  // namespace swarmex::cli
