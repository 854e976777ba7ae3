#include "dashboard_http.hpp"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <list>

#include "dashboard.hpp"
#include "dashboard_assets.hpp"
#include "dashboard_auth.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/gateway/asio.hpp"

namespace swarmex::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(10);
constexpr std::uint32_t kMaxRequestBytes = 16 * 1024;
constexpr std::size_t kMaxClientMessageBytes = 4096;
// No script, style or connection to anywhere but this server; never framed.
constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class WsSession;

}  // namespace

struct DashboardHttp::State {
  State(Dashboard& d, const Config& c)
      : dashboard(d),
        auth(c.principals),
        address(c.server.dashboard_address),
        port(c.server.dashboard_port),
        max_clients(c.server.dashboard_max_clients) {}
  Dashboard& dashboard;
  DashboardAuth auth;
  std::string address;
  std::uint16_t port;
  std::uint32_t max_clients;
  std::uint32_t clients = 0;  // open connections, HTTP and WebSocket
  asio::io_context ctx{1};
  tcp::acceptor acceptor{ctx};
  asio::steady_timer push_timer{ctx};
  std::list<std::weak_ptr<WsSession>> sockets;
  bool running = false;

  void accept();
  void push();
};

namespace {

// Holds one of the max_clients places while a connection is open (the dashboard thread).
class Place {
 public:
  explicit Place(DashboardHttp::State& s) : s_(s) { ++s_.clients; }
  ~Place() { --s_.clients; }
  Place(const Place&) = delete;
  Place& operator=(const Place&) = delete;

 private:
  DashboardHttp::State& s_;
};

std::string_view view(beast::string_view s) {
  return {s.data(), s.size()};
}

std::string token_of(const http::request<http::string_body>& req) {
  std::string token = query_param(view(req.target()), "token");
  if (!token.empty()) return token;
  const std::string_view auth = view(req[http::field::authorization]);
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer)
    return std::string(auth.substr(kBearer.size()));
  return {};
}

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(DashboardHttp::State& s, tcp::socket socket) : place_(s), ws_(std::move(socket)) {}

  void start(http::request<http::string_body> req, DashboardHttp::State& s) {
    // A client that stops answering pings is closed after the idle timeout.
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::seconds(30);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(kMaxClientMessageBytes);
    ws_.text(true);
    s.sockets.push_back(weak_from_this());
    req_ = std::move(req);
    ws_.async_accept(req_, [self = shared_from_this(), &s](beast::error_code ec) {
      if (ec) return;
      self->open_ = true;
      self->read();
      self->send(std::make_shared<const std::string>(
          s.dashboard.render(common::wall_ns())));  // at once: the page fills without a wait
    });
  }
  // A new state: sent unless the last one is still being written (a slow client skips it).
  void send(std::shared_ptr<const std::string> state) {
    if (!open_ || writing_) return;
    writing_ = true;
    ws_.async_write(asio::buffer(*state),
                    [self = shared_from_this(), state](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (ec) self->open_ = false;
                    });
  }
  void close() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void read() {  // what the page sends is read and dropped; a close ends the session
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->open_ = false;
        return;
      }
      self->in_.clear();
      self->read();
    });
  }

  Place place_;
  websocket::stream<beast::tcp_stream> ws_;
  http::request<http::string_body> req_;  // the upgrade, while it is answered
  beast::flat_buffer in_;
  bool open_ = false;
  bool writing_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(DashboardHttp::State& s, tcp::socket socket)
      : s_(s), place_(s), stream_(std::move(socket)) {}

  void start() {
    parser_.header_limit(kMaxRequestBytes);
    parser_.body_limit(kMaxRequestBytes);
    stream_.expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->serve(self->parser_.release());
                     });
  }

 private:
  void serve(http::request<http::string_body> req) {
    const std::string_view target = view(req.target());
    const std::string_view path = target.substr(0, target.find('?'));
    if (req.method() != http::verb::get && req.method() != http::verb::head)
      return reply(req, http::status::method_not_allowed, "text/plain", "GET only\n");
    const bool data = path == "/" || path == "/index.html" || path == "/state" || path == "/ws";
    if (data && !s_.auth.check(token_of(req), common::steady_ns()))
      return reply(req, http::status::unauthorized, "text/plain",
                   "an operator token is required: ?token=... or Authorization: Bearer ...\n");
    if (path == "/ws") {
      if (!websocket::is_upgrade(req))
        return reply(req, http::status::bad_request, "text/plain", "WebSocket upgrade expected\n");
      stream_.expires_never();
      auto ws = std::make_shared<WsSession>(s_, stream_.release_socket());
      return ws->start(std::move(req), s_);
    }
    if (path == "/state")
      return reply(req, http::status::ok, "application/json",
                   s_.dashboard.render(common::wall_ns()));
    const DashboardAsset* asset = find_dashboard_asset(path == "/" ? "/index.html" : path);
    if (asset == nullptr) return reply(req, http::status::not_found, "text/plain", "not found\n");
    reply(req, http::status::ok, std::string(asset->content_type), std::string(asset->bytes));
  }

  void reply(const http::request<http::string_body>& req, http::status status,
             const std::string& type, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(status, req.version());
    res->set(http::field::server, "swarmexd");
    res->set(http::field::content_type, type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    res->set("Referrer-Policy", "no-referrer");
    res->set("Content-Security-Policy", kPolicy);
    if (status == http::status::unauthorized) res->set(http::field::www_authenticate, "Bearer");
    res->keep_alive(false);
    res->body() = std::move(body);
    res->prepare_payload();
    if (req.method() == http::verb::head) res->body().clear();
    stream_.expires_after(kReadTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code, std::size_t) {
                        beast::error_code ec;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
                      });
  }

  DashboardHttp::State& s_;
  Place place_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
};

}  // namespace

void DashboardHttp::State::accept() {
  acceptor.async_accept(ctx, [this](beast::error_code ec, tcp::socket socket) {
    if (!running || !acceptor.is_open()) return;
    if (!ec) {
      if (clients >= max_clients) {
        beast::error_code ignored;
        socket.close(ignored);  // a browser must never take capacity from trading
      } else {
        std::make_shared<HttpSession>(*this, std::move(socket))->start();
      }
    }
    accept();
  });
}

void DashboardHttp::State::push() {
  sockets.remove_if([](const std::weak_ptr<WsSession>& w) { return w.expired(); });
  // Rendered every tick, watched or not: the stage counts and the history keep moving.
  auto state = std::make_shared<const std::string>(dashboard.render(common::wall_ns()));
  for (const auto& w : sockets)
    if (auto s = w.lock()) s->send(state);
  push_timer.expires_after(std::chrono::nanoseconds(Dashboard::kPushNs));
  push_timer.async_wait([this](beast::error_code ec) {
    if (!ec && running) push();
  });
}

DashboardHttp::DashboardHttp(Dashboard& dashboard, const Config& config)
    : state_(std::make_unique<State>(dashboard, config)) {}

DashboardHttp::~DashboardHttp() {
  stop();
}

void DashboardHttp::start() {
  State& s = *state_;
  const tcp::endpoint ep(asio::ip::make_address(s.address), s.port);
  s.acceptor.open(ep.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  s.acceptor.bind(ep);
  s.acceptor.listen();
  port_ = s.acceptor.local_endpoint().port();
  s.running = true;
  asio::post(s.ctx, [&s] {
    s.accept();
    s.push();
  });
  thread_ = std::thread([&s] { s.ctx.run(); });
  started_ = true;
}

void DashboardHttp::stop() {
  if (!started_) return;
  started_ = false;
  State& s = *state_;
  s.ctx.stop();
  thread_.join();
  // The thread is gone: what is left is closed here; the connections' handlers (which own them)
  // are destroyed with the context.
  s.running = false;
  beast::error_code ec;
  s.acceptor.close(ec);
  s.push_timer.cancel();
  for (const auto& w : s.sockets)
    if (auto ws = w.lock()) ws->close();
}

}  // namespace swarmex::gateway
