// Session: framing and buffers (reads into one buffer, frames copied aligned, one outbound
// buffer written at the end of a drain), and the connection's life (timeouts, close, detach).
#include "session.hpp"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <spdlog/spdlog.h>

#include <cstring>

#include "io_thread.hpp"
#include "server.hpp"
#include "swarmex/common/clock.hpp"

namespace swarmex::gateway {

using engine::RejectReason;
namespace asio = boost::asio;

Session::Session(IoThread& thread, asio::ip::tcp::socket socket, std::uint64_t id)
    : thread_(thread),
      socket_(std::move(socket)),
      id_(id),
      connected_ns_(steady_ns()),
      last_rx_ns_(connected_ns_),
      last_tx_ns_(connected_ns_),
      heartbeat_interval_ms_(thread.server().config().server.heartbeat_interval_ms),
      tokens_(thread.server().config().server.rate_burst),
      tokens_at_ns_(connected_ns_) {
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  const auto ep = socket_.remote_endpoint(ec);
  remote_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  const auto& sc = thread.server().config().server;
  in_.resize(static_cast<std::size_t>(sc.max_frame_bytes) + protocol::kFrameHeaderBytes +
             64 * 1024);
  pending_.reserve(64 * 1024);
  writing_.reserve(64 * 1024);
}

Session::Session(IoThread& thread, asio::ip::tcp::socket socket, std::uint64_t id,
                 const LogonState& logon, std::vector<std::uint8_t> unread,
                 std::int64_t connected_ns)
    : Session(thread, std::move(socket), id) {
  connected_ns_ = connected_ns;
  principal_ = logon.principal;
  resume_from_seq_ = logon.resume_from_seq;
  cancel_on_disconnect_ = logon.cancel_on_disconnect;
  standby_ = logon.standby;
  if (logon.heartbeat_interval_ms > 0) heartbeat_interval_ms_ = logon.heartbeat_interval_ms;
  if (!unread.empty()) std::memcpy(in_.data(), unread.data(), unread.size());
  in_end_ = unread.size();
}

void Session::start() {
  if (principal_ != nullptr) {  // arrived on the home thread after logon
    if (refuse_over_session_limit(*principal_, *thread_.principal(principal_->id))) return;
    state_ = thread_.principal(principal_->id);
    state_->sessions.push_back(this);
    finish_logon(resume_from_seq_);
    process_input();
    if (closed_) return;
  }
  read();
}

void Session::read() {
  if (closing_ || migrated_ || verifying_) return;
  if (in_end_ == in_.size()) {  // compact: unread bytes to the front
    std::memmove(in_.data(), in_.data() + in_start_, in_end_ - in_start_);
    in_end_ -= in_start_;
    in_start_ = 0;
  }
  socket_.async_read_some(
      asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        if (self->closed_ || self->migrated_) return;
        if (ec) {
          if (ec != asio::error::eof && ec != asio::error::operation_aborted)
            spdlog::info("session {} {}: read: {}", self->id_, self->remote_, ec.message());
          return self->abort(ec == asio::error::eof ? "peer closed" : ec.message());
        }
        self->in_end_ += n;
        self->last_rx_ns_ = steady_ns();
        self->process_input();
        self->read();
      });
}

void Session::process_input() {
  const std::uint32_t max_frame = thread_.server().config().server.max_frame_bytes;
  while (!closing_ && !migrated_ && !verifying_ &&
         in_end_ - in_start_ >= protocol::kFrameHeaderBytes) {
    const std::uint32_t len = protocol::read_frame_length(in_.data() + in_start_);
    switch (protocol::check_frame_length(len, max_frame)) {
      case protocol::FrameCheck::TooSmall:
        return close(RejectReason::MalformedMessage,
                     "frame length " + std::to_string(len) + " is below the minimum of " +
                         std::to_string(protocol::kMinMessageBytes));
      case protocol::FrameCheck::TooLarge:
        return close(RejectReason::MalformedMessage, "frame length " + std::to_string(len) +
                                                         " exceeds the maximum of " +
                                                         std::to_string(max_frame));
      case protocol::FrameCheck::Ok:
        break;
    }
    const std::size_t frame_bytes = protocol::kFrameHeaderBytes + len;
    if (in_end_ - in_start_ < frame_bytes) {
      if (partial_since_ns_ == 0) partial_since_ns_ = steady_ns();
      if (in_start_ > 0 && in_.size() - in_start_ < frame_bytes) {  // make room for the rest
        std::memmove(in_.data(), in_.data() + in_start_, in_end_ - in_start_);
        in_end_ -= in_start_;
        in_start_ = 0;
      }
      return;
    }
    partial_since_ns_ = 0;
    std::span<const std::uint8_t> frame(in_.data() + in_start_, frame_bytes);
    if (reinterpret_cast<std::uintptr_t>(frame.data()) % 8 != 0) {
      aligned_.assign(frame.begin(), frame.end());
      frame = aligned_;
    }
    in_start_ += frame_bytes;
    ++messages_in_;
    const wire::Message* msg = nullptr;
    const RejectReason verdict = protocol::decode_frame(frame, &msg);
    if (msg == nullptr) {  // not even verifiable: the stream cannot be trusted any more
      return close(verdict, verdict == RejectReason::UnknownMessage ? "unknown message type"
                                                                    : "frame failed verification");
    }
    if (verdict == RejectReason::UnknownMessage) {
      send_error(verdict, "unknown message type");
      continue;
    }
    handle(*msg, verdict);
  }
  if (in_start_ == in_end_) in_start_ = in_end_ = 0;
}

void Session::send_error(RejectReason reason, const std::string& text) {
  protocol::FrameWriter& w = thread_.writer();
  auto t = w.fbb().CreateString(text);
  send(w.finish(wire::CreateError(w.fbb(), protocol::to_wire(reason), t)));
}

void Session::send(std::span<const std::uint8_t> frame) {
  if (closed_ || migrated_) return;
  if (pending_.size() + frame.size() > thread_.server().config().server.outbound_queue_bytes) {
    spdlog::warn("session {} {}: outbound backlog over {} bytes: slow reader disconnected", id_,
                 remote_, thread_.server().config().server.outbound_queue_bytes);
    return abort(engine::to_string(RejectReason::SlowConsumer).data());
  }
  pending_.insert(pending_.end(), frame.begin(), frame.end());
  ++messages_out_;
  last_tx_ns_ = steady_ns();
  if (thread_.draining() && !closing_) {
    // Reports before market data: a session with anything but market data is flushed first.
    if (!md_send_ && !flush_first_) {
      flush_first_ = true;
      thread_.flush_after_drain(shared_from_this(), true);
    } else if (md_send_ && !flush_due_ && !flush_first_) {
      flush_due_ = true;
      thread_.flush_after_drain(shared_from_this(), false);
    }
    return;
  }
  flush();
}

void Session::flush() {
  flush_due_ = false;
  flush_first_ = false;
  if (write_active_ || pending_.empty() || closed_) return;
  // Try the socket directly first: when it takes everything, as it mostly does, the frames leave
  // now and no completion handler has to run (each one is another turn of the event loop).
  const ssize_t n = ::send(socket_.native_handle(), pending_.data(), pending_.size(),
                           MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    return abort(std::strerror(errno));
  const auto sent = n > 0 ? static_cast<std::size_t>(n) : 0;
  if (sent == pending_.size()) {
    pending_.clear();
    return refresh_dirty_books();  // when a conflated subscriber has caught up
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(sent));
  std::swap(pending_, writing_);
  write_active_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->write_active_ = false;
                      self->writing_.clear();
                      if (self->closed_) return;
                      if (ec) return self->abort(ec.message());
                      if (!self->pending_.empty()) return self->flush();
                      if (self->closing_) return self->finish_close();
                      self->refresh_dirty_books();
                    });
}

void Session::close(RejectReason reason, const std::string& text) {
  if (closing_ || closed_) return;
  spdlog::info("session {} {}: closing: {} ({})", id_, remote_, engine::to_string(reason), text);
  release_pending_slot();  // it will not log on now: the slot is free at once
  send_error(reason, text);
  flush();  // now, even mid-drain: the Error goes out before the socket closes
  closing_ = true;
  if (!write_active_) finish_close();
}

void Session::abort(const std::string& why) {
  if (closed_) return;
  spdlog::debug("session {} {}: closed: {}", id_, remote_, why);
  finish_close();
}

void Session::release_pending_slot() {
  if (!pending_slot_) return;
  pending_slot_ = false;
  thread_.server().admission().release(source_);
}

void Session::finish_close() {
  if (closed_) return;
  closed_ = true;
  release_pending_slot();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  // Leave the lists later: a close can happen inside a loop over them (a slow reader found by
  // send()). Until then send() is a no-op, since closed_ is set.
  asio::post(thread_.context(), [self = shared_from_this()] { self->detach(); });
}

void Session::detach() {
  if (state_ != nullptr) {
    std::erase(state_->sessions, this);
    std::erase(state_->fill_sessions, this);
    thread_.server().note_logoff(*this, *state_);
    thread_.server().drop_usage_follower(id_);
  }
  if (principal_ != nullptr) thread_.server().release_session_slot();
  thread_.server().note_closed();
  thread_.remove_session(this);  // the posted handler still holds a reference
}

void Session::housekeeping(std::int64_t now_ns) {
  if (closed_) return;
  const auto& sc = thread_.server().config().server;
  if (closing_) {  // an answer still being written: not past twice the logon timeout
    if (principal_ == nullptr &&
        now_ns - connected_ns_ > 2 * sc.logon_timeout_ms * common::kNsPerMs)
      abort("closing past the logon timeout");
    return;
  }
  if (principal_ == nullptr && now_ns - connected_ns_ > sc.logon_timeout_ms * common::kNsPerMs)
    return close(RejectReason::NotLoggedOn,
                 "no logon within " + std::to_string(sc.logon_timeout_ms) + " ms");
  if (partial_since_ns_ != 0 &&
      now_ns - partial_since_ns_ > sc.partial_frame_timeout_ms * common::kNsPerMs)
    return close(RejectReason::MalformedMessage, "a frame stalled half-way");
  if (now_ns - last_rx_ns_ > sc.idle_timeout_ms * common::kNsPerMs)
    return close(RejectReason::IdleTimeout,
                 "nothing received for " + std::to_string(sc.idle_timeout_ms) + " ms");
  pump_drop_copy();
  check_market_data_stuck(now_ns);
  if (closed_) return;
  if (principal_ != nullptr && now_ns - last_tx_ns_ > heartbeat_interval_ms_ * common::kNsPerMs) {
    protocol::FrameWriter& w = thread_.writer();
    send(w.finish(wire::CreateHeartbeat(w.fbb(), wall_ns())));
  }
}

}  // namespace swarmex::gateway
