// The operator dashboard of a real swarmexd: the page and its WebSocket need an operator token,
// and the state pushed over the WebSocket follows trades made through the client library.
#include <utility>  // before Boost 1.74's Asio, which uses std::exchange without it

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;
using nlohmann::json;

struct Reply {
  unsigned status;
  std::string type, body;
};

class DashboardTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server("dashboard_listen = \"127.0.0.1:0\"\ndashboard_max_clients = 3");
  }

  int dashboard_port() const {
    const std::string out = server_->output();
    const std::string marker = "dashboard on http://127.0.0.1:";
    const auto at = out.find(marker);
    EXPECT_NE(at, std::string::npos) << out;
    return at == std::string::npos ? 0 : std::stoi(out.substr(at + marker.size()));
  }

  Reply get(const std::string& target, const std::string& bearer = "") {
    boost::asio::io_context ctx;
    beast::tcp_stream stream(ctx);
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                 static_cast<std::uint16_t>(dashboard_port())));
    http::request<http::empty_body> req(http::verb::get, target, 11);
    req.set(http::field::host, "127.0.0.1");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    return Reply{res.result_int(), std::string(res[http::field::content_type]), res.body()};
  }

  // A WebSocket on /ws with `token`; throws when the server refuses it.
  std::unique_ptr<websocket::stream<tcp::socket>> open_ws(const std::string& token) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(ctx_);
    beast::get_lowest_layer(*ws).connect(tcp::endpoint(
        boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(dashboard_port())));
    ws->handshake("127.0.0.1", "/ws?token=" + token);
    return ws;
  }

  static json next_state(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer buf;
    ws.read(buf);
    return json::parse(beast::buffers_to_string(buf.data()));
  }

  // The pool-a instrument `id` of a state.
  static json instrument(const json& state, int id) {
    for (const json& pool : state.at("pools"))
      for (const json& i : pool.at("instruments"))
        if (i.at("id") == id) return i;
    return json();
  }

  boost::asio::io_context ctx_;
};

TEST_F(DashboardTest, PageNeedsAnOperatorToken) {
  EXPECT_EQ(get("/").status, 401u);
  EXPECT_EQ(get("/?token=tenant-a-token").status, 401u);  // a tenant's token is no operator's
  const Reply wrong = get("/state?token=wrong");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.body.find("pool-a"), std::string::npos);  // no data without the token
  const Reply page = get("/?token=operator-token");
  EXPECT_EQ(page.status, 200u);
  EXPECT_NE(page.type.find("text/html"), std::string::npos) << page.type;
  EXPECT_NE(page.body.find("<!doctype html>"), std::string::npos);
  EXPECT_NE(page.body.find("app.js"), std::string::npos);
  const Reply state = get("/state", "operator-token");  // the header works as well
  EXPECT_EQ(state.status, 200u);
  EXPECT_EQ(json::parse(state.body).at("pools").at(0).at("name"), "pool-a");
  // The page's code is built in (no data in it): served without the token.
  EXPECT_EQ(get("/vendor/uPlot.iife.min.js").status, 200u);
  EXPECT_EQ(get("/app.js").status, 200u);
  EXPECT_EQ(get("/nothing?token=operator-token").status, 404u);
}

TEST_F(DashboardTest, WebSocketNeedsAnOperatorToken) {
  EXPECT_THROW(open_ws("wrong"), beast::system_error);
  EXPECT_THROW(open_ws(""), beast::system_error);
}

TEST_F(DashboardTest, WebSocketStateFollowsTrades) {
  auto ws = open_ws("operator-token");
  const json first = next_state(*ws);
  ASSERT_EQ(first.at("pools").size(), 1u) << first.dump();
  EXPECT_EQ(first.at("pools").at(0).at("name"), "pool-a");
  EXPECT_EQ(instrument(first, 1).at("last_price"), 0);
  EXPECT_TRUE(first.at("pools").at(0).at("tape").empty());

  auto h = host();
  auto t = tenant();
  h->order(1, 1, wire::Side::Sell, 5000, 40);
  ASSERT_TRUE(h->report());
  t->order(1, 1, wire::Side::Buy, 5100, 15);
  ASSERT_TRUE(t->report());

  json state;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    state = next_state(*ws);
    if (instrument(state, 1).at("last_price") != 0) break;
  }
  const json i = instrument(state, 1);
  EXPECT_EQ(i.at("last_price"), 5000) << state.dump();
  EXPECT_EQ(i.at("volume"), 15);
  ASSERT_EQ(i.at("asks").size(), 1u);
  EXPECT_EQ(i.at("asks").at(0), json::array({5000, 25, 1}));  // price, qty, orders
  const json& tape = state.at("pools").at(0).at("tape");
  ASSERT_EQ(tape.size(), 1u);
  EXPECT_EQ(tape.at(0).at("price"), 5000);
  EXPECT_EQ(tape.at(0).at("qty"), 15);
  EXPECT_EQ(tape.at(0).at("side"), "buy");
  EXPECT_EQ(state.at("trades"), 1);
  EXPECT_EQ(state.at("sessions").at("tenant"), 1);
  EXPECT_EQ(state.at("sessions").at("host"), 1);
  // Both orders were measured through every stage.
  for (const json& stage : state.at("latency"))
    EXPECT_EQ(stage.at("since_start").at("count"), 2) << stage.dump();
  bool host_listed = false;
  for (const json& hv : state.at("hosts"))
    if (hv.at("name") == "host-a1") host_listed = hv.at("sessions") == 1;
  EXPECT_TRUE(host_listed) << state.at("hosts").dump();
}

TEST_F(DashboardTest, ConnectionsAreBounded) {
  auto a = open_ws("operator-token");
  auto b = open_ws("operator-token");
  auto c = open_ws("operator-token");
  EXPECT_THROW(open_ws("operator-token"), beast::system_error);  // past dashboard_max_clients
  c.reset();                                                     // a place frees up
  std::unique_ptr<websocket::stream<tcp::socket>> d;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!d && std::chrono::steady_clock::now() < deadline) {
    try {
      d = open_ws("operator-token");
    } catch (const beast::system_error&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(d);
}

}  // namespace
}  // namespace swarmex::e2e
