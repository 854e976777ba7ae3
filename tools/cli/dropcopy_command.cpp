#include "dropcopy_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"
#include "message_format.hpp"

namespace swarmex::cli {
namespace {

struct DropCopyOptions {
  ConnectionOptions connection;
  std::uint64_t from_seq = 1;
  bool follow = false;
  double for_s = 0;  // with --follow: stop after this long (0: until interrupted)
};

int run_dropcopy(const DropCopyOptions& o) {
  Session session(o.connection, wire::Role::Operator);
  // Drop copy sequences belong to one exchange history: --history holds a later run to this one.
  if (!session.json())
    fmt::print(stderr, "exchange history {}\n", history_name(session.logon().history));
  session.client().subscribe_drop_copy(o.from_seq);
  const auto end = o.for_s > 0 ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(o.for_s))
                               : Clock::now() + std::chrono::hours(24 * 365);
  // Without --follow the answer is complete at DropCopyStatus{caught_up}; the server sends it
  // after every report held, however many, so only silence times out.
  auto quiet_deadline = [&] {
    return o.follow ? end : Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  };
  std::uint64_t printed = 0;
  while (const wire::Message* m = session.next(quiet_deadline())) {
    if (m->body_type() == wire::Body::DropCopyReport) {
      session.print(*m);
      ++printed;
    } else if (m->body_type() == wire::Body::DropCopyStatus) {
      const auto* s = m->body_as_DropCopyStatus();
      if (session.json())
        session.print(*m);
      else
        fmt::print(stderr, "{} reports; next_seq={} (oldest kept {})\n", printed, s->next_seq(),
                   s->oldest_seq());
      if (!o.follow) return kExitOk;
    }
  }
  if (!o.follow) throw CliError("no answer from the server in time");
  return kExitOk;
}

}  // namespace

void add_dropcopy_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DropCopyOptions>();
  auto* cmd = app.add_subcommand(
      "dropcopy", "operators: every execution report of every principal, in sequence");
  cmd->add_option("--from-seq", o->from_seq,
                  "first drop copy sequence wanted (1: the oldest kept; 0: only new ones)")
      ->capture_default_str();
  cmd->add_flag("--follow", o->follow, "after what is kept, print each new report as it comes");
  cmd->add_option("--for", o->for_s, "with --follow: stop after SECONDS");
  add_connection_options(*cmd, o->connection);
  cmd->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_dropcopy(*o); }); });
}

}  // namespace swarmex::cli
