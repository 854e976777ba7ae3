// Session: the logon. Checks the principal, then hands the connection to the principal's home
// I/O thread (where all its state lives) with whatever was read behind the Logon, and answers
// there, replaying the reports a resuming client missed.
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

void Session::on_logon(const wire::Logon& l) {
  Server& server = thread_.server();
  if (principal_ != nullptr) return send_error(RejectReason::AlreadyLoggedOn, "already logged on");
  const Principal* p =
      server.authenticate(l.principal()->str(), l.token()->str(), static_cast<Role>(l.role()));
  if (p == nullptr) {
    protocol::FrameWriter& w = thread_.writer();
    auto text = w.fbb().CreateString("unknown principal, wrong role or bad token");
    send(w.finish(wire::CreateLogonReject(w.fbb(), wire::RejectReason::BadCredentials, text)));
    spdlog::warn("session {} {}: logon refused for '{}'", id_, remote_, l.principal()->str());
    closing_ = true;
    if (!write_active_) finish_close();
    return;
  }
  // A client whose stream positions belong to another history is told so, not resumed.
  if (l.expect_history() != 0 && l.expect_history() != server.history()) {
    protocol::FrameWriter& w = thread_.writer();
    auto text = w.fbb().CreateString(
        "this exchange is history " + format_history_id(server.history()) + ", not " +
        format_history_id(l.expect_history()) + ": its streams start again at 1");
    send(w.finish(wire::CreateLogonReject(w.fbb(), wire::RejectReason::HistoryMismatch, text,
                                          server.history())));
    spdlog::warn("session {} {}: '{}' expects exchange history {}, this is {}: logon refused", id_,
                 remote_, p->name, format_history_id(l.expect_history()),
                 format_history_id(server.history()));
    closing_ = true;
    if (!write_active_) finish_close();
    return;
  }
  // Hosts cancel on disconnect unless they ask to keep their asks; tenants only when they ask.
  LogonState st{p, l.resume_from_seq(),
                p->role == Role::Host ? !l.keep_orders() : l.cancel_on_disconnect(),
                l.heartbeat_interval_ms(), std::nullopt};
  if (l.standby()) {
    const StandbyTerms terms{l.activate_ppm(), l.deactivate_ppm(),
                             static_cast<std::int64_t>(l.deactivate_after_ms()) * 1'000'000};
    std::string why =
        p->role != Role::Host ? "only hosts log on as standby" : check_standby_terms(terms);
    if (!why.empty()) {
      protocol::FrameWriter& w = thread_.writer();
      auto text = w.fbb().CreateString(why);
      send(w.finish(wire::CreateLogonReject(w.fbb(), wire::RejectReason::InvalidParameter, text)));
      spdlog::warn("session {} {}: standby logon refused for '{}': {}", id_, remote_, p->name, why);
      closing_ = true;
      if (!write_active_) finish_close();
      return;
    }
    st.standby = terms;
  }
  IoThread& home = server.home_of(p->id);
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
  if (ec) return abort("cannot hand over the socket: " + ec.message());
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
    state_ = nullptr;  // never logged on: nothing to undo at the close
    principal_ = nullptr;
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
