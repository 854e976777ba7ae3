#include "session.hpp"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <spdlog/spdlog.h>

#include <cstring>

#include "io_thread.hpp"
#include "server.hpp"

namespace swarmex::gateway {

using engine::RejectReason;
namespace asio = boost::asio;

std::int64_t steady_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

namespace {
constexpr std::int64_t kMs = 1'000'000;
}

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
  if (logon.heartbeat_interval_ms > 0) heartbeat_interval_ms_ = logon.heartbeat_interval_ms;
  if (!unread.empty()) std::memcpy(in_.data(), unread.data(), unread.size());
  in_end_ = unread.size();
}

void Session::start() {
  if (principal_ != nullptr) {  // arrived on the home thread after logon
    state_ = thread_.principal(principal_->id);
    state_->sessions.push_back(this);
    finish_logon(resume_from_seq_);
    process_input();
    if (closed_) return;
  }
  read();
}

void Session::read() {
  if (closing_ || migrated_) return;
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
  while (!closing_ && !migrated_ && in_end_ - in_start_ >= protocol::kFrameHeaderBytes) {
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

void Session::handle(const wire::Message& m, RejectReason verdict) {
  if (m.body_type() == wire::Body::Logon) return on_logon(*m.body_as_Logon());
  if (principal_ == nullptr) return close(RejectReason::NotLoggedOn, "log on first");
  const bool order = m.body_type() == wire::Body::NewOrder ||
                     m.body_type() == wire::Body::NewSwarmOrder ||
                     m.body_type() == wire::Body::NewBlockOrder ||
                     m.body_type() == wire::Body::ChangeReservation;  // answered by a report
  if (verdict != RejectReason::None && !order) return send_error(verdict, "invalid message");
  if (m.body_type() == wire::Body::Heartbeat) return;
  if (!take_token(last_rx_ns_)) {
    if (m.body_type() == wire::Body::NewOrder) {
      const auto* o = m.body_as_NewOrder();
      return reject_order(RejectReason::RateLimited, o->client_order_id(), 0, o->instrument(),
                          static_cast<engine::Side>(o->side()), o->price(), o->qty());
    }
    if (m.body_type() == wire::Body::NewSwarmOrder) {
      const auto* o = m.body_as_NewSwarmOrder();
      return reject_order(RejectReason::RateLimited, o->client_order_id(), 0, 0, engine::Side::Buy,
                          o->limit_total(), 0);
    }
    if (m.body_type() == wire::Body::NewBlockOrder) {
      const auto* o = m.body_as_NewBlockOrder();
      return reject_order(RejectReason::RateLimited, o->client_order_id(), 0, 0, engine::Side::Buy,
                          o->limit_total(), 0);
    }
    if (m.body_type() == wire::Body::ChangeReservation) {
      const auto* o = m.body_as_ChangeReservation();
      return reject_order(RejectReason::RateLimited, o->client_order_id(), 0, 0,
                          o->delta_qty() < 0 ? engine::Side::Sell : engine::Side::Buy,
                          o->unit_price(), 0);
    }
    return send_error(RejectReason::RateLimited, "message rate limit exceeded");
  }
  switch (m.body_type()) {
    case wire::Body::NewOrder:
      return on_new_order(*m.body_as_NewOrder(), verdict);
    case wire::Body::NewSwarmOrder:
      return on_swarm_order(*m.body_as_NewSwarmOrder(), verdict);
    case wire::Body::NewBlockOrder:
      return on_block_order(*m.body_as_NewBlockOrder(), verdict);
    case wire::Body::ChangeReservation:
      return on_change_reservation(*m.body_as_ChangeReservation(), verdict);
    case wire::Body::CancelOrder:
      return on_cancel(*m.body_as_CancelOrder());
    case wire::Body::ModifyOrder:
      return on_modify(*m.body_as_ModifyOrder());
    case wire::Body::MassCancel:
      return on_mass_cancel(*m.body_as_MassCancel());
    case wire::Body::SubscribeMarketData:
      return on_subscribe_market_data(*m.body_as_SubscribeMarketData());
    case wire::Body::SubscribeFills:
      return on_subscribe_fills(*m.body_as_SubscribeFills());
    case wire::Body::EnactmentReport:
      return on_enactment(*m.body_as_EnactmentReport());
    case wire::Body::DeclareSupply:
      return on_declare_supply(*m.body_as_DeclareSupply());
    case wire::Body::Admin:
      return on_admin(*m.body_as_Admin());
    default:
      return send_error(RejectReason::UnknownMessage, "not a message a client sends");
  }
}

bool Session::take_token(std::int64_t now_ns) {
  const auto& sc = thread_.server().config().server;
  tokens_ = std::min(sc.rate_burst, tokens_ + static_cast<double>(now_ns - tokens_at_ns_) *
                                                  sc.rate_limit_per_s / 1e9);
  tokens_at_ns_ = now_ns;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    rate_rejects_in_row_ = 0;
    return true;
  }
  // A client that keeps flooding after being told is cut off.
  if (++rate_rejects_in_row_ > static_cast<std::uint64_t>(sc.rate_burst) * 10)
    close(RejectReason::RateLimited, "flooding past the rate limit");
  return false;
}

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
  // Hosts cancel on disconnect unless they ask to keep their asks; tenants only when they ask.
  LogonState st{p, l.resume_from_seq(),
                p->role == Role::Host ? !l.keep_orders() : l.cancel_on_disconnect(),
                l.heartbeat_interval_ms()};
  IoThread& home = server.home_of(p->id);
  std::vector<std::uint8_t> unread(in_.begin() + static_cast<long>(in_start_),
                                   in_.begin() + static_cast<long>(in_end_));
  in_start_ = in_end_ = 0;
  if (&home == &thread_) {
    principal_ = p;
    cancel_on_disconnect_ = st.cancel_on_disconnect;
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

}  // namespace swarmex::gateway

namespace swarmex::gateway {

void Session::finish_logon(std::uint64_t resume_from_seq) {
  Server& server = thread_.server();
  protocol::FrameWriter& w = thread_.writer();
  send(w.finish(wire::CreateLogonAck(w.fbb(), id_, principal_->id,
                                     static_cast<wire::Role>(principal_->role), principal_->host_id,
                                     state_->next_stream_seq(), heartbeat_interval_ms_)));
  spdlog::info("session {} {}: {} '{}' logged on{}", id_, remote_, to_string(principal_->role),
               principal_->name, resume_from_seq ? " resuming" : "");
  server.note_logon(*this);
  if (resume_from_seq == 0) return;
  const bool complete =
      state_->replay_reports(resume_from_seq, [&](const ExecReport& r) { send(encode(w, r)); });
  if (!complete)
    send_error(RejectReason::InvalidParameter, "reports after " + std::to_string(resume_from_seq) +
                                                   " are no longer all held (the oldest held is " +
                                                   std::to_string(state_->oldest_report()) +
                                                   "); those held were replayed");
}

void Session::reject_order(RejectReason why, std::uint64_t client_order_id, engine::OrderId id,
                           engine::InstrumentId instrument, engine::Side side, engine::Price price,
                           engine::Qty qty) {
  // Refused before the engine: not journaled, so not on the replayable stream (stream_seq 0)
  // and answered to this session only.
  ExecReport r{};
  r.kind = wire::ExecKind::Rejected;
  r.reject_reason = why;
  r.client_order_id = client_order_id;
  r.order_id = id;
  r.instrument = instrument;
  r.side = side;
  r.price = price;
  r.qty = qty;
  r.time_ns = wall_ns();
  send(encode(thread_.writer(), r));
}

void Session::on_new_order(const wire::NewOrder& o, RejectReason verdict) {
  Server& server = thread_.server();
  const auto side = static_cast<engine::Side>(o.side());
  auto reject = [&](RejectReason why) {
    reject_order(why, o.client_order_id(), 0, o.instrument(), side, o.price(), o.qty());
  };
  if (verdict != RejectReason::None) return reject(verdict);
  // Tenants buy and hosts sell; a tenant sells only what it holds, naming the host (resale).
  if (o.resale_host() != 0) return on_resale(o, reject);
  if (principal_->role == Role::Operator ||
      (principal_->role == Role::Tenant && side != engine::Side::Buy) ||
      (principal_->role == Role::Host && side != engine::Side::Sell))
    return reject(RejectReason::WrongRole);
  if (o.client_order_id() == 0) return reject(RejectReason::MalformedMessage);
  if (state_->find_client(o.client_order_id()) != nullptr)
    return reject(RejectReason::DuplicateClientOrderId);
  if (server.journal_failed()) return reject(RejectReason::JournalUnavailable);
  engine::Command c;
  c.kind = engine::CommandKind::NewOrder;
  engine::NewOrder& n = c.new_order;
  n.order_id = server.next_order_id();
  n.instrument = o.instrument();
  n.owner = principal_->id;
  n.host = principal_->role == Role::Host ? principal_->host_id : 0;
  n.side = side;
  n.type = static_cast<engine::OrderType>(o.type());
  n.tif = static_cast<engine::TimeInForce>(o.time_in_force());
  n.stp = static_cast<engine::StpMode>(o.stp());
  n.post_only = o.post_only();
  n.price = o.price();
  n.qty = o.qty();
  n.min_qty = o.min_qty();
  n.client_order_id = o.client_order_id();
  state_->remember(n.client_order_id, n.order_id, n.instrument);
  server.exchange().submit(c);
}

void Session::on_cancel(const wire::CancelOrder& c) {
  Server& server = thread_.server();
  std::uint64_t client = c.orig_client_order_id();
  const ClientOrder* co = state_->resolve(&client, c.order_id());
  if (co == nullptr)  // not this principal's: leak nothing
    return reject_order(RejectReason::UnknownOrder, client, c.order_id(), c.instrument(),
                        engine::Side::Buy, 0, 0);
  if (server.journal_failed())
    return reject_order(RejectReason::JournalUnavailable, client, co->order_id, co->instrument,
                        engine::Side::Buy, 0, 0);
  engine::Command cmd;
  cmd.kind = engine::CommandKind::CancelOrder;
  cmd.cancel = engine::CancelOrder{co->order_id, principal_->id, co->instrument};
  server.exchange().submit(cmd);
}

void Session::on_modify(const wire::ModifyOrder& m) {
  Server& server = thread_.server();
  std::uint64_t client = m.orig_client_order_id();
  const ClientOrder* co = state_->resolve(&client, m.order_id());
  if (co == nullptr)
    return reject_order(RejectReason::UnknownOrder, client, m.order_id(), m.instrument(),
                        engine::Side::Buy, m.price(), m.qty());
  if (server.journal_failed())
    return reject_order(RejectReason::JournalUnavailable, client, co->order_id, co->instrument,
                        engine::Side::Buy, m.price(), m.qty());
  engine::Command cmd;
  cmd.kind = engine::CommandKind::ModifyOrder;
  cmd.modify =
      engine::ModifyOrder{co->order_id, principal_->id, co->instrument, m.price(), m.qty()};
  server.exchange().submit(cmd);
}

void Session::on_mass_cancel(const wire::MassCancel& m) {
  engine::Command cmd;
  cmd.kind = engine::CommandKind::MassCancel;
  cmd.mass_cancel = engine::MassCancel{principal_->id, m.instrument()};
  thread_.server().exchange().submit(cmd);
}

void Session::on_subscribe_market_data(const wire::SubscribeMarketData& s) {
  std::vector<engine::InstrumentId> ids;
  if (s.instruments() != nullptr) ids.assign(s.instruments()->begin(), s.instruments()->end());
  thread_.server().subscribe_market_data(thread_.index(), id_, std::move(ids),
                                         std::min<std::uint32_t>(s.depth(), 1000));
}

void Session::on_subscribe_fills(const wire::SubscribeFills& s) {
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts subscribe to fills");
  if (s.host_id() != principal_->host_id)
    return send_error(RejectReason::NotYourHost, "fills of another host");
  protocol::FrameWriter& w = thread_.writer();
  const bool complete =
      state_->replay_fills(s.from_seq(), [&](const HostFill& f) { send(encode(w, f)); });
  if (!complete)
    send_error(RejectReason::InvalidParameter, "fills after " + std::to_string(s.from_seq()) +
                                                   " are no longer all held (the oldest held is " +
                                                   std::to_string(state_->oldest_fill()) +
                                                   "); those held were replayed");
  auto& subs = state_->fill_sessions;
  if (std::find(subs.begin(), subs.end(), this) == subs.end()) subs.push_back(this);
}

void Session::on_declare_supply(const wire::DeclareSupply& d) {
  Server& server = thread_.server();
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts declare supply");
  if (!server.has_instrument(d.instrument()))
    return reject_order(RejectReason::UnknownInstrument, 0, 0, d.instrument(), engine::Side::Sell,
                        0, d.capacity());
  if (server.journal_failed())
    return reject_order(RejectReason::JournalUnavailable, 0, 0, d.instrument(), engine::Side::Sell,
                        0, d.capacity());
  engine::Command cmd;
  cmd.kind = engine::CommandKind::SetSupply;
  cmd.supply =
      engine::SupplyCapacity{principal_->id, principal_->host_id, d.instrument(), d.capacity()};
  server.exchange().submit(cmd);
}

void Session::on_enactment(const wire::EnactmentReport& r) {
  if (principal_->role != Role::Host)
    return send_error(RejectReason::WrongRole, "only hosts report enactments");
  thread_.server().note_enactment(*principal_, r.fill_stream_seq(), r.enforced(),
                                  r.fill_to_enforced_ns(),
                                  r.reason() ? r.reason()->str() : std::string());
}

void Session::on_admin(const wire::Admin& a) {
  // Listing instruments is public (what trades, and which ids the windows have); the rest is
  // the operators'.
  if (principal_->role != Role::Operator && a.action_type() != wire::AdminAction::ListInstruments) {
    protocol::FrameWriter& w = thread_.writer();
    auto text = w.fbb().CreateString("only operators send Admin");
    return send(w.finish(
        wire::CreateAdminAck(w.fbb(), a.request_id(), false, wire::RejectReason::WrongRole, text)));
  }
  thread_.server().admin(thread_.index(), id_, principal_->id, a);
}

void Session::send_error(RejectReason reason, const std::string& text) {
  protocol::FrameWriter& w = thread_.writer();
  auto t = w.fbb().CreateString(text);
  send(w.finish(wire::CreateError(w.fbb(), static_cast<wire::RejectReason>(reason), t)));
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
    if (!flush_due_) {
      flush_due_ = true;
      thread_.flush_after_drain(shared_from_this());
    }
    return;
  }
  flush();
}

void Session::flush() {
  flush_due_ = false;
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
    return;
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
                      if (self->closing_) self->finish_close();
                    });
}

void Session::close(RejectReason reason, const std::string& text) {
  if (closing_ || closed_) return;
  spdlog::info("session {} {}: closing: {} ({})", id_, remote_, engine::to_string(reason), text);
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

void Session::finish_close() {
  if (closed_) return;
  closed_ = true;
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
  }
  thread_.server().note_closed();
  thread_.remove_session(this);  // the posted handler still holds a reference
}

void Session::housekeeping(std::int64_t now_ns) {
  if (closing_ || closed_) return;
  const auto& sc = thread_.server().config().server;
  if (principal_ == nullptr && now_ns - connected_ns_ > sc.logon_timeout_ms * kMs)
    return close(RejectReason::NotLoggedOn,
                 "no logon within " + std::to_string(sc.logon_timeout_ms) + " ms");
  if (partial_since_ns_ != 0 && now_ns - partial_since_ns_ > sc.partial_frame_timeout_ms * kMs)
    return close(RejectReason::MalformedMessage, "a frame stalled half-way");
  if (now_ns - last_rx_ns_ > sc.idle_timeout_ms * kMs)
    return close(RejectReason::IdleTimeout,
                 "nothing received for " + std::to_string(sc.idle_timeout_ms) + " ms");
  if (principal_ != nullptr && now_ns - last_tx_ns_ > heartbeat_interval_ms_ * kMs) {
    protocol::FrameWriter& w = thread_.writer();
    send(w.finish(wire::CreateHeartbeat(w.fbb(), wall_ns())));
  }
}

}  // namespace swarmex::gateway
