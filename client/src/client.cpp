#include "swarmex/client/client.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <cstdio>
#include <vector>

#include "client_rx_buffer.hpp"

namespace swarmex::client {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

// Waits for `events` on fd for up to `timeout` (nanosecond resolution, unlike poll()).
void wait_fd(int fd, short events, std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds::zero()) return;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec ts{static_cast<time_t>(secs.count()), static_cast<long>((timeout - secs).count())};
  pollfd p{fd, events, 0};
  ::ppoll(&p, 1, &ts, nullptr);  // EINTR and timeouts both return to the caller's loop
}

}  // namespace

Endpoint parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    throw std::invalid_argument("expected HOST:PORT, got '" + std::string(text) + "'");
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
    throw std::invalid_argument("bad port in '" + std::string(text) + "'");
  return {std::string(host), static_cast<std::uint16_t>(port)};
}

struct Client::Impl {
  explicit Impl(std::uint32_t max_frame_bytes) : rx(max_frame_bytes) {}

  // Writes what the socket takes now; returns the bytes written.
  std::size_t write_now(std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      boost::system::error_code ec;
      const std::size_t n =
          socket.write_some(asio::buffer(bytes.data() + done, bytes.size() - done), ec);
      if (ec) {
        if (would_block(ec)) break;
        throw ClientError("send failed: " + ec.message());
      }
      done += n;
    }
    sent += done;
    return done;
  }

  asio::io_context io;
  tcp::socket socket{io};
  protocol::FrameWriter writer;
  ClientRxBuffer rx;
  std::vector<std::uint8_t> tx;  // queued bytes; tx_done of them already written
  std::size_t tx_done = 0;
  bool batching = false;
  std::chrono::milliseconds send_timeout{10'000};
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::optional<StandbyTerms> standby;  // asked for at every logon
  std::uint64_t history = 0;            // the exchange history known (LogonAck.history)
  std::uint64_t changed_from = 0;       // the last logon found another history than this one
};

Client::Client(std::uint32_t max_frame_bytes) : impl_(std::make_unique<Impl>(max_frame_bytes)) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::connect(std::string_view host, std::uint16_t port, std::chrono::milliseconds timeout) {
  close();
  Impl& s = *impl_;
  const std::string where = std::string(host) + ":" + std::to_string(port);
  tcp::resolver resolver(s.io);
  boost::system::error_code ec;
  const auto endpoints =
      resolver.resolve(std::string(host), std::to_string(port), tcp::resolver::numeric_service, ec);
  if (ec) throw ClientError("cannot resolve " + where + ": " + ec.message());

  bool done = false;
  boost::system::error_code connect_ec;
  asio::async_connect(s.socket, endpoints, [&](const boost::system::error_code& e, const auto&) {
    connect_ec = e;
    done = true;
  });
  s.io.restart();
  s.io.run_for(timeout);
  if (!done) {
    s.socket.close(ec);
    s.io.restart();
    s.io.run();  // lets the cancelled handler run: it refers to this frame
    throw ClientError("connect to " + where + " timed out");
  }
  if (connect_ec) {
    s.socket.close(ec);
    throw ClientError("cannot connect to " + where + ": " + connect_ec.message());
  }
  s.socket.set_option(tcp::no_delay(true));
  s.socket.non_blocking(true);
  s.rx.clear();
  s.tx.clear();
  s.tx_done = 0;
}

void Client::close() noexcept {
  boost::system::error_code ec;
  if (impl_->socket.is_open()) impl_->socket.close(ec);
}

bool Client::is_open() const noexcept {
  return impl_->socket.is_open();
}

int Client::native_handle() const noexcept {
  return impl_->socket.is_open() ? impl_->socket.native_handle() : -1;
}

// ---- sending --------------------------------------------------------------------------------

void Client::send(std::span<const std::uint8_t> frame) {
  Impl& s = *impl_;
  if (!s.socket.is_open()) throw ClientError("send on a closed connection");
  if (s.tx_done == s.tx.size()) {
    // Nothing queued: write straight from the caller's buffer, keep only what did not fit.
    const std::size_t done = s.write_now(frame);
    if (done == frame.size()) return;
    s.tx.assign(frame.begin() + static_cast<std::ptrdiff_t>(done), frame.end());
    s.tx_done = 0;
  } else {
    queue(frame);
  }
  flush();
}

void Client::queue(std::span<const std::uint8_t> frame) {
  impl_->tx.insert(impl_->tx.end(), frame.begin(), frame.end());
}

void Client::flush() {
  Impl& s = *impl_;
  if (s.tx_done == s.tx.size()) return;
  if (!s.socket.is_open()) throw ClientError("send on a closed connection");
  const auto deadline = Clock::now() + s.send_timeout;
  for (;;) {
    s.tx_done += s.write_now(std::span(s.tx).subspan(s.tx_done));
    if (s.tx_done == s.tx.size()) break;
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) throw ClientError("send timed out: the server reads none");
    wait_fd(s.socket.native_handle(), POLLOUT, left);
  }
  s.tx.clear();  // keeps its capacity
  s.tx_done = 0;
}

std::size_t Client::queued_bytes() const noexcept {
  return impl_->tx.size() - impl_->tx_done;
}

void Client::set_batching(bool on) noexcept {
  impl_->batching = on;
}

void Client::set_send_timeout(std::chrono::milliseconds timeout) noexcept {
  impl_->send_timeout = timeout;
}

std::chrono::milliseconds Client::send_timeout() const noexcept {
  return impl_->send_timeout;
}

void Client::emit(std::span<const std::uint8_t> frame) {
  if (impl_->batching)
    queue(frame);
  else
    send(frame);
}

// ---- receiving ------------------------------------------------------------------------------

const wire::Message* Client::receive(std::chrono::nanoseconds timeout) {
  Impl& s = *impl_;
  // A timeout of years (nanoseconds::max() included) means "wait as long as it takes".
  const auto deadline =
      timeout >= std::chrono::hours(24 * 365) ? Clock::time_point::max() : Clock::now() + timeout;
  for (;;) {
    if (const auto frame = s.rx.next_frame(); !frame.empty()) {
      const wire::Message* msg = nullptr;
      if (const auto r = protocol::decode_frame(frame, &msg); r != engine::RejectReason::None)
        throw ClientError("invalid frame from the server: " + std::string(engine::to_string(r)));
      return msg;
    }
    if (!s.socket.is_open()) throw ClientError("receive on a closed connection");
    const auto room = s.rx.writable();
    boost::system::error_code ec;
    const std::size_t n = s.socket.read_some(asio::buffer(room.data(), room.size()), ec);
    if (!ec) {
      s.rx.commit(n);
      s.received += n;
      continue;
    }
    if (would_block(ec)) {
      const auto left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) return nullptr;
      wait_fd(s.socket.native_handle(), POLLIN, left);
      continue;
    }
    close();
    if (ec == asio::error::eof) throw ClientError("connection closed by the server");
    throw ClientError("receive failed: " + ec.message());
  }
}

bool Client::has_buffered_frame() const noexcept {
  return impl_->rx.has_frame();
}

// ---- session --------------------------------------------------------------------------------

LogonResult Client::logon(std::string_view principal, std::string_view token, wire::Role role,
                          std::uint64_t resume_from_seq, bool cancel_on_disconnect,
                          std::chrono::milliseconds timeout, bool keep_orders) {
  auto& fbb = writer().fbb();
  const auto p = fbb.CreateString(principal.data(), principal.size());
  const auto t = fbb.CreateString(token.data(), token.size());
  const StandbyTerms sb = impl_->standby.value_or(StandbyTerms{});
  send(writer().finish(wire::CreateLogon(fbb, p, t, role, resume_from_seq, cancel_on_disconnect, 0,
                                         keep_orders, impl_->standby.has_value(), sb.activate_ppm,
                                         sb.deactivate_ppm, sb.deactivate_after_ms,
                                         resume_from_seq != 0 ? impl_->history : 0)));
  impl_->changed_from = 0;

  const auto deadline = Clock::now() + timeout;
  LogonResult result;
  for (;;) {
    const auto left = deadline - Clock::now();
    const wire::Message* m = left > Clock::duration::zero() ? receive(left) : nullptr;
    if (m == nullptr)
      throw ClientError("no answer to Logon within " + std::to_string(timeout.count()) + " ms");
    switch (m->body_type()) {
      case wire::Body::LogonAck: {
        const auto* a = m->body_as_LogonAck();
        result.session_id = a->session_id();
        result.principal_id = a->principal_id();
        result.role = a->role();
        result.host_id = a->host_id();
        result.next_stream_seq = a->next_stream_seq();
        result.heartbeat_interval_ms = a->heartbeat_interval_ms();
        result.history = a->history();
        note_history(result);
        return result;
      }
      case wire::Body::LogonReject: {
        const auto* r = m->body_as_LogonReject();
        result.reason = protocol::to_engine(r->reason());
        if (r->text() != nullptr) result.text = r->text()->str();
        result.history = r->history();
        note_history(result);
        return result;
      }
      case wire::Body::Error: {
        const auto* e = m->body_as_Error();
        result.reason = protocol::to_engine(e->reason());
        if (e->text() != nullptr) result.text = e->text()->str();
        return result;
      }
      default:
        break;  // heartbeats, or anything sent ahead of the answer
    }
  }
}

void Client::note_history(LogonResult& result) {
  if (result.history == 0) return;  // a server that names none: nothing to compare
  if (impl_->history != 0 && impl_->history != result.history) {
    result.history_changed = true;
    result.previous_history = impl_->history;
    impl_->changed_from = impl_->history;
  }
  impl_->history = result.history;
}

void Client::expect_history(std::uint64_t history) noexcept {
  impl_->history = history;
}

std::uint64_t Client::history() const noexcept {
  return impl_->history;
}

void Client::refuse_old_position(const char* stream, std::uint64_t from_seq) const {
  if (impl_->changed_from == 0) return;
  char text[256];
  std::snprintf(text, sizeof text,
                "%s position %llu belongs to exchange history 0x%016llx; this exchange is history "
                "0x%016llx (its streams start again at 1)",
                stream, static_cast<unsigned long long>(from_seq),
                static_cast<unsigned long long>(impl_->changed_from),
                static_cast<unsigned long long>(impl_->history));
  throw ClientError(text);
}

void Client::set_standby(std::optional<StandbyTerms> terms) {
  impl_->standby = terms;
}

void Client::heartbeat(std::int64_t time_ns) {
  emit(writer().finish(wire::CreateHeartbeat(writer().fbb(), time_ns)));
}

// ---- typed requests -------------------------------------------------------------------------

void Client::new_order(const OrderSpec& o) {
  auto& b = writer().fbb();
  const auto tenant = o.on_behalf_of.empty() ? 0 : b.CreateString(o.on_behalf_of);
  emit(writer().finish(wire::CreateNewOrder(b, o.client_order_id, o.instrument, o.side, o.type,
                                            o.time_in_force, o.price, o.qty, o.min_qty, o.stp,
                                            o.post_only, o.expire_time_ns, o.resale_host, tenant,
                                            o.pegged, o.display_qty)));
}

void Client::new_swarm_order(const SwarmSpec& s) {
  auto& b = writer().fbb();
  const auto legs = s.legs.empty() ? 0 : b.CreateVectorOfStructs(s.legs);
  const auto name = s.template_name.empty() ? 0 : b.CreateString(s.template_name);
  const auto pool = s.pool.empty() ? 0 : b.CreateString(s.pool);
  emit(writer().finish(wire::CreateNewSwarmOrder(b, s.client_order_id, legs, s.placement,
                                                 s.limit_total, s.time_in_force, name,
                                                 s.template_count, pool)));
}

void Client::new_block_order(const BlockOrderSpec& o) {
  auto& b = writer().fbb();
  const auto resource = b.CreateString(o.resource);
  const auto pool = b.CreateString(o.pool);
  const auto qtys = o.qtys.empty() ? 0 : b.CreateVector(o.qtys);
  emit(writer().finish(wire::CreateNewBlockOrder(b, o.client_order_id, resource, pool, o.length_s,
                                                 o.start_ns, o.windows, o.qty, qtys, o.placement,
                                                 o.limit_total, o.time_in_force)));
}

void Client::change_reservation(const ChangeSpec& o) {
  auto& b = writer().fbb();
  const auto resource = b.CreateString(o.resource);
  const auto pool = b.CreateString(o.pool);
  emit(writer().finish(wire::CreateChangeReservation(
      b, o.client_order_id, resource, pool, o.length_s, o.start_ns, o.windows, o.delta_qty,
      o.unit_price, o.host, o.placement, o.time_in_force, o.delta_pct)));
}

void Client::declare_supply(std::uint32_t instrument, std::int64_t capacity) {
  emit(writer().finish(wire::CreateDeclareSupply(writer().fbb(), instrument, capacity)));
}

void Client::cancel_order(std::uint32_t instrument, OrderRef ref, std::string_view on_behalf_of) {
  auto& b = writer().fbb();
  const auto tenant = on_behalf_of.empty() ? 0 : b.CreateString(on_behalf_of);
  emit(writer().finish(
      wire::CreateCancelOrder(b, ref.client_order_id, ref.order_id, instrument, tenant)));
}

void Client::modify_order(std::uint32_t instrument, OrderRef ref, std::int64_t price,
                          std::int64_t qty) {
  emit(writer().finish(wire::CreateModifyOrder(writer().fbb(), ref.client_order_id, ref.order_id,
                                               instrument, price, qty)));
}

void Client::mass_cancel(std::uint32_t instrument) {
  emit(writer().finish(wire::CreateMassCancel(writer().fbb(), instrument)));
}

void Client::subscribe_market_data(std::span<const std::uint32_t> instruments,
                                   std::uint32_t depth) {
  auto& fbb = writer().fbb();
  const auto list = fbb.CreateVector(instruments.data(), instruments.size());
  emit(writer().finish(wire::CreateSubscribeMarketData(fbb, list, depth)));
}

void Client::subscribe_fills(std::uint32_t host_id, std::uint64_t from_seq) {
  if (from_seq != 0) refuse_old_position("fill stream", from_seq);
  emit(writer().finish(wire::CreateSubscribeFills(writer().fbb(), host_id, from_seq)));
}

void Client::enactment_report(std::uint64_t fill_stream_seq, bool enforced, std::string_view reason,
                              std::int64_t fill_to_enforced_ns) {
  auto& fbb = writer().fbb();
  const auto text = fbb.CreateString(reason.data(), reason.size());
  emit(writer().finish(
      wire::CreateEnactmentReport(fbb, fill_stream_seq, enforced, text, fill_to_enforced_ns)));
}

void Client::admin(std::uint64_t request_id, wire::AdminAction type,
                   flatbuffers::Offset<void> action) {
  emit(writer().finish(wire::CreateAdmin(writer().fbb(), request_id, type, action)));
}

void Client::admin_create_instrument(std::uint64_t request_id, const InstrumentSpec& s) {
  auto& fbb = writer().fbb();
  const auto symbol = fbb.CreateString(s.symbol);
  const auto resource = fbb.CreateString(s.resource);
  const auto pool = fbb.CreateString(s.pool);
  const auto info = wire::CreateInstrumentInfo(
      fbb, s.id, symbol, resource, pool, s.tick, s.lot, s.min_qty, s.max_qty, s.band_min,
      s.band_max, s.market_protection_ticks, false, false, 0, s.lease_s * 1'000'000'000);
  admin(request_id, wire::AdminAction::CreateInstrument,
        wire::CreateCreateInstrument(fbb, info).Union());
}

void Client::admin_set_params(std::uint64_t request_id, const ParamsSpec& p) {
  admin(request_id, wire::AdminAction::SetParams,
        wire::CreateSetParams(writer().fbb(), p.instrument, p.band_min, p.band_max, p.min_qty,
                              p.max_qty, p.market_protection_ticks)
            .Union());
}

void Client::admin_halt(std::uint64_t request_id, std::uint32_t instrument) {
  admin(request_id, wire::AdminAction::Halt, wire::CreateHalt(writer().fbb(), instrument).Union());
}

void Client::admin_resume(std::uint64_t request_id, std::uint32_t instrument) {
  admin(request_id, wire::AdminAction::Resume,
        wire::CreateResume(writer().fbb(), instrument).Union());
}

void Client::admin_take_snapshot(std::uint64_t request_id) {
  admin(request_id, wire::AdminAction::TakeSnapshot,
        wire::CreateTakeSnapshot(writer().fbb()).Union());
}

void Client::admin_list_instruments(std::uint64_t request_id) {
  admin(request_id, wire::AdminAction::ListInstruments,
        wire::CreateListInstruments(writer().fbb()).Union());
}

void Client::admin_list_sessions(std::uint64_t request_id) {
  admin(request_id, wire::AdminAction::ListSessions,
        wire::CreateListSessions(writer().fbb()).Union());
}

protocol::FrameWriter& Client::writer() noexcept {
  return impl_->writer;
}

std::uint64_t Client::bytes_sent() const noexcept {
  return impl_->sent;
}

std::uint64_t Client::bytes_received() const noexcept {
  return impl_->received;
}

}  // namespace swarmex::client
