// Session: the logon. Plans it with the server (throttled, verified before, or to check), has
// the token checked on the verifier's threads while reading nothing more, then hands the
// connection to the principal's home I/O thread (where all its state lives) with whatever was
// read behind the Logon, and answers there, replaying the reports a resuming client missed.
#include "session.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstring>

#include "exchange_history.hpp"
#include "io_thread.hpp"
#include "server.hpp"

namespace swarmex::gateway {

using engine::RejectReason;
namespace asio = boost::asio;

namespace {
constexpr const char* kBadCredentials = "unknown principal, wrong role or bad token";
}

void Session::on_logon(const wire::Logon& l) {
  Server& server = thread_.server();
  if (principal_ != nullptr || verifying_)
    return send_error(RejectReason::AlreadyLoggedOn, "already logged on");
  const auto role = static_cast<Role>(l.role());
  logon_ = LogonRequest{
      l.principal()->str(), l.token()->str(), role, nullptr, false, l.resume_from_seq(),
      // Hosts cancel on disconnect unless they keep their asks; tenants when
      // they ask.
      role == Role::Host ? !l.keep_orders() : l.cancel_on_disconnect(), l.heartbeat_interval_ms(),
      l.standby(),
      StandbyTerms{l.activate_ppm(), l.deactivate_ppm(),
                   static_cast<std::int64_t>(l.deactivate_after_ms()) * 1'000'000},
      l.expect_history()};
  Server::LogonPlan plan = server.plan_logon(source_, logon_.name, logon_.token, role);
  logon_.principal = plan.principal;
  logon_.known = plan.known;
  switch (plan.kind) {
    case Server::LogonPlan::Kind::Accept:
      return admit_logon(*plan.principal);
    case Server::LogonPlan::Kind::Throttled:
      return refuse_logon(RejectReason::LogonThrottled,
                          "too many failed logons: try again in " +
                              std::to_string((plan.wait_ns + 999'999) / 1'000'000) + " ms");
    case Server::LogonPlan::Kind::Verify:
      break;
  }
  // The check (PBKDF2) runs on the verifier; its answer comes back to this thread.
  const bool queued = server.verifier().submit(
      logon_.token, std::move(plan.hash), [self = shared_from_this()](bool ok) mutable {
        IoThread& thread = self->thread_;
        asio::post(thread.context(), [self = std::move(self), ok] { self->on_verified(ok); });
      });
  if (!queued)
    return refuse_logon(RejectReason::LogonThrottled, "logon checks are busy: try again later");
  verifying_ = true;  // process_input and read stop here until on_verified
}

void Session::on_verified(bool ok) {
  verifying_ = false;
  if (closing_ || closed_) return;  // timed out meanwhile
  const Principal* p = thread_.server().logon_verified(source_, logon_.name, logon_.token,
                                                       logon_.principal, logon_.known, ok);
  logon_.token.clear();
  if (p == nullptr) return refuse_logon(RejectReason::BadCredentials, kBadCredentials);
  admit_logon(*p);
  if (closing_ || closed_ || migrated_) return;
  process_input();  // what followed the Logon
  if (!closed_) read();
}

void Session::refuse_logon(RejectReason reason, const std::string& text) {
  protocol::FrameWriter& w = thread_.writer();
  auto t = w.fbb().CreateString(text);
  send(w.finish(wire::CreateLogonReject(w.fbb(), protocol::to_wire(reason), t)));
  if (reason == RejectReason::LogonThrottled)
    spdlog::debug("session {} {}: logon throttled for '{}'", id_, remote_, logon_.name);
  else
    spdlog::warn("session {} {}: logon refused for '{}': {}", id_, remote_, logon_.name, text);
  release_pending_slot();
  closing_ = true;
  if (!write_active_) finish_close();
}

void Session::admit_logon(const Principal& principal) {
  const Principal* p = &principal;
  Server& server = thread_.server();
  // A client whose stream positions belong to another history is told so, not resumed.
  if (logon_.expect_history != 0 && logon_.expect_history != server.history()) {
    protocol::FrameWriter& w = thread_.writer();
    auto text = w.fbb().CreateString(
        "this exchange is history " + format_history_id(server.history()) + ", not " +
        format_history_id(logon_.expect_history) + ": its streams start again at 1");
    send(w.finish(wire::CreateLogonReject(w.fbb(), wire::RejectReason::HistoryMismatch, text,
                                          server.history())));
    spdlog::warn("session {} {}: '{}' expects exchange history {}, this is {}: logon refused", id_,
                 remote_, p->name, format_history_id(logon_.expect_history),
                 format_history_id(server.history()));
    release_pending_slot();
    closing_ = true;
    if (!write_active_) finish_close();
    return;
  }
  LogonState st{p, logon_.resume_from_seq, logon_.cancel_on_disconnect,
                logon_.heartbeat_interval_ms, std::nullopt};
  if (logon_.standby) {
    std::string why =
        p->role != Role::Host ? "only hosts log on as standby" : check_standby_terms(logon_.terms);
    if (!why.empty()) return refuse_logon(RejectReason::InvalidParameter, why);
    st.standby = logon_.terms;
  }
  // Logged-on sessions are bounded by max_sessions, the last reserved_operator_sessions of them
  // for operators.
  if (!server.take_session_slot(p->role))
    return refuse_logon(RejectReason::SessionLimit,
                        "server holds its maximum of " +
                            std::to_string(server.config().server.max_sessions) + " sessions" +
                            (p->role == Role::Operator ? "" : " (the last ones for operators)"));
  release_pending_slot();
  IoThread& home = server.home_of(p->id);
  if (&home == &thread_ && refuse_over_session_limit(*p, *thread_.principal(p->id))) return;
  std::vector<std::uint8_t> unread(in_.begin() + static_cast<long>(in_start_),
                                   in_.begin() + static_cast<long>(in_end_));
  in_start_ = in_end_ = 0;
  if (&home == &thread_) {
    principal_ = p;
    cancel_on_disconnect_ = st.cancel_on_disconnect;
    standby_ = st.standby;
    if (st.heartbeat_interval_ms > 0) heartbeat_interval_ms_ = st.heartbeat_interval_ms;
    state_ = thread_.principal(p->id);
    state_->sessions.push_back(this);
    finish_logon(st.resume_from_seq);
    if (!unread.empty()) std::memcpy(in_.data(), unread.data(), unread.size());
    in_end_ = unread.size();
    return;  // process_input continues with what followed the Logon
  }
  // Move the connection to the principal's home thread, where all its state lives.
  boost::system::error_code ec;
  const auto protocol = socket_.local_endpoint(ec).protocol();
  const int fd = socket_.release(ec);
  if (ec) {
    server.release_session_slot();
    return abort("cannot hand over the socket: " + ec.message());
  }
  migrated_ = true;
  const std::uint64_t id = id_;
  const std::int64_t connected = connected_ns_;
  thread_.remove_session(this);  // may destroy *this: touch nothing after it
  asio::post(home.context(), [&home, protocol, fd, id, st, unread = std::move(unread),
                              connected]() mutable {
    asio::ip::tcp::socket sock(home.context());
    boost::system::error_code ec2;
    sock.assign(protocol, fd, ec2);
    if (ec2) {
      ::close(fd);
      home.server().release_session_slot();
      home.server().note_closed();
      return;
    }
    auto s = std::make_shared<Session>(home, std::move(sock), id, st, std::move(unread), connected);
    home.add_session(s);
    s->start();
  });
}

void Session::finish_logon(std::uint64_t resume_from_seq) {
  Server& server = thread_.server();
  protocol::FrameWriter& w = thread_.writer();
  // Resuming after a report this stream never sent (another history's, or a corrupt position,
  // UINT64_MAX included) is refused before anything is replayed: the session is not opened.
  if (resume_from_seq >= state_->next_stream_seq()) {
    const std::string why = "resume_from_seq " + std::to_string(resume_from_seq) +
                            " is past the end of this report stream (last sent " +
                            std::to_string(state_->next_stream_seq() - 1) +
                            ") in exchange history " + format_history_id(server.history());
    spdlog::warn("session {} {}: '{}' logon refused: {}", id_, remote_, principal_->name, why);
    std::erase(state_->sessions, this);
    state_ = nullptr;  // never logged on: nothing to undo at the close but its slot
    principal_ = nullptr;
    server.release_session_slot();
    auto text = w.fbb().CreateString(why);
    send(w.finish(wire::CreateLogonReject(w.fbb(), wire::RejectReason::ResumeBeyondEnd, text,
                                          server.history())));
    closing_ = true;
    if (!write_active_) finish_close();
    return;
  }
  send(w.finish(wire::CreateLogonAck(
      w.fbb(), id_, principal_->id, static_cast<wire::Role>(principal_->role), principal_->host_id,
      state_->next_stream_seq(), heartbeat_interval_ms_, server.history())));
  spdlog::info("session {} {}: {} '{}' logged on{}", id_, remote_, to_string(principal_->role),
               principal_->name, resume_from_seq ? " resuming" : "");
  server.note_logon(*this);
  server.standby_logon(*principal_, thread_.index(), id_, standby_);
  if (resume_from_seq == 0) return;
  const bool complete = state_->replay_reports(
      resume_from_seq, [&](const ExecReport& r) { send(encode(w, r, server.history())); });
  if (!complete)
    send_error(RejectReason::InvalidParameter, "reports after " + std::to_string(resume_from_seq) +
                                                   " are no longer all held (the oldest held is " +
                                                   std::to_string(state_->oldest_report()) +
                                                   "); those held were replayed");
}

}  // namespace swarmex::gateway
