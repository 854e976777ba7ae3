#include "fills_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "connection.hpp"
#include "message_format.hpp"

namespace swarmex::cli {
namespace {

struct FillsOptions {
  ConnectionOptions connection;
  std::uint32_t host_id = 0;
  std::uint64_t from_seq = 0;
  double follow_s = 0;
  int settle_ms = 300;
};

int run_fills(const FillsOptions& o) {
  Session session(o.connection, wire::Role::Host);
  const std::uint32_t host_id = o.host_id != 0 ? o.host_id : session.logon().host_id;
  // Stream positions belong to one exchange history: --history holds a later run to this one.
  if (!session.json())
    fmt::print(stderr, "exchange history {}\n", history_name(session.logon().history));
  session.client().subscribe_fills(host_id, o.from_seq);

  // Without --follow the replay ends when the stream has been quiet for settle_ms.
  const bool follow = o.follow_s > 0;
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.follow_s));
  const auto settle = std::chrono::milliseconds(o.settle_ms);
  // The first fill may take a moment longer (the server looks up the replay).
  auto quiet = Clock::now() + std::max(settle, std::chrono::milliseconds(1000));
  std::uint64_t fills = 0;
  while (const wire::Message* m = session.next(follow ? end : quiet)) {
    if (m->body_type() != wire::Body::Fill) continue;
    session.print(*m);
    ++fills;
    quiet = Clock::now() + settle;
  }
  if (!session.json()) fmt::print(stderr, "{} fills for host {}\n", fills, host_id);
  return kExitOk;
}

}  // namespace

void add_fills_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<FillsOptions>();
  auto* fills = app.add_subcommand("fills", "print a host's fills (host role)");
  fills->add_option("--host-id", o->host_id, "default: the logged-on host's id");
  fills->add_option("--from-seq", o->from_seq, "replay from this fill stream sequence")
      ->capture_default_str();
  fills->add_option("--follow", o->follow_s, "keep printing live fills for SECONDS");
  fills->add_option("--settle-ms", o->settle_ms, "without --follow: stop after this quiet time")
      ->capture_default_str();
  add_connection_options(*fills, o->connection);
  fills->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_fills(*o); }); });
}

}  // namespace swarmex::cli
