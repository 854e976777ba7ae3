// End-to-end fixture: a real swarmexd process on loopback and real protocol clients.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <time.h>

#include <cstdio>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "server_process.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/engine/calendar.hpp"

namespace swarmex::e2e {

using namespace std::chrono_literals;
using client::Client;
using engine::CancelReason;
using engine::RejectReason;

// An execution report copied out of the receive buffer.
struct Report {
  wire::ExecKind kind;
  RejectReason reject_reason;
  CancelReason cancel_reason;
  std::uint64_t client_order_id, order_id, stream_seq;
  std::uint32_t instrument, host;
  std::int64_t price, qty, last_qty, last_price, leaves_qty;
  std::string agent = {};         // the agent that placed the order (to its tenant)
  std::string on_behalf_of = {};  // the tenant it was placed for (to the agent)
};

struct ErrorMsg {
  RejectReason reason;
  std::string text;
};

class Conn {
 public:
  explicit Conn(int port) { client_.connect("127.0.0.1", static_cast<std::uint16_t>(port), 5s); }
  Client& client() { return client_; }

  client::LogonResult logon(const std::string& name, wire::Role role,
                            const std::string& token = "") {
    return client_.logon(name, token.empty() ? name + "-token" : token, role);
  }
  // The next message of type T (others skipped except where noted), or null after the timeout.
  const wire::Message* next(wire::Body type, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const wire::Message* m = client_.receive(deadline - std::chrono::steady_clock::now());
      if (m != nullptr && m->body_type() == type) return m;
    }
    return nullptr;
  }
  std::optional<Report> report(std::chrono::milliseconds timeout = 5s) {
    const wire::Message* m = next(wire::Body::ExecutionReport, timeout);
    if (m == nullptr) return std::nullopt;
    const auto* r = m->body_as_ExecutionReport();
    return Report{r->kind(),
                  protocol::to_engine(r->reject_reason()),
                  protocol::to_engine(r->cancel_reason()),
                  r->client_order_id(),
                  r->order_id(),
                  r->stream_seq(),
                  r->instrument(),
                  r->host(),
                  r->price(),
                  r->qty(),
                  r->last_qty(),
                  r->last_price(),
                  r->leaves_qty(),
                  r->agent() ? r->agent()->str() : "",
                  r->on_behalf_of() ? r->on_behalf_of()->str() : ""};
  }
  // The next report, which must be a reject: its reason (None, with a failure, otherwise).
  RejectReason rejection(std::chrono::milliseconds timeout = 5s) {
    auto r = report(timeout);
    EXPECT_TRUE(r);
    if (!r) return RejectReason::None;
    EXPECT_EQ(r->kind, wire::ExecKind::Rejected);
    return r->reject_reason;
  }
  std::optional<ErrorMsg> error(std::chrono::milliseconds timeout = 5s) {
    const wire::Message* m = next(wire::Body::Error, timeout);
    if (m == nullptr) return std::nullopt;
    return ErrorMsg{protocol::to_engine(m->body_as_Error()->reason()),
                    m->body_as_Error()->text() ? m->body_as_Error()->text()->str() : ""};
  }
  // True when the server closed the connection within the timeout.
  bool closed_by_server(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
      while (std::chrono::steady_clock::now() < deadline)
        client_.receive(deadline - std::chrono::steady_clock::now());
    } catch (const std::exception&) {
      return true;
    }
    return false;
  }
  void order(std::uint64_t client_id, std::uint32_t instrument, wire::Side side, std::int64_t price,
             std::int64_t qty, wire::TimeInForce tif = wire::TimeInForce::Gtc) {
    client::OrderSpec o;
    o.client_order_id = client_id;
    o.instrument = instrument;
    o.side = side;
    o.time_in_force = tif;
    o.price = price;
    o.qty = qty;
    client_.new_order(o);
  }

 private:
  Client client_;
};

inline constexpr std::int64_t kSecond = 1'000'000'000;

// The exchange dates delivery windows by CLOCK_REALTIME.
inline std::int64_t realtime_ns() {
  return common::wall_ns();
}

// A scheduled cpu product of pool-a on ids from 100 (pool-a's partition, with the spot
// instruments): the [[products]] table to give swarmexd, and the calendar the tests compute windows
// with.
struct TestProduct {
  std::string toml;
  engine::Product product;
};

inline TestProduct cpu_product(int length_s, int listed_ahead_s, int gate_closure_s) {
  TestProduct t;
  t.toml = "\n[[products]]\nid = 100\nresource = \"cpu\"\npool = \"pool-a\"\nlength_s = " +
           std::to_string(length_s) + "\nlisted_ahead_s = " + std::to_string(listed_ahead_s) +
           "\ngate_closure_s = " + std::to_string(gate_closure_s) +
           "\ntick = 100\nband_min = 100\nband_max = 1000000\n";
  t.product.rules.id = 100;
  t.product.rules.symbol = "cpu.pool-a";
  t.product.length_ns = length_s * kSecond;
  t.product.listed_ahead_ns = listed_ahead_s * kSecond;
  t.product.gate_closure_ns = gate_closure_s * kSecond;
  return t;
}

// One run of the swarmex CLI: its exit code and everything it printed (stdout and stderr).
struct CliRun {
  int exit_code;
  std::string out;
};

// Runs `command` (a shell command line) and collects its output.
inline CliRun run_command(const std::string& command) {
  CliRun r{-1, {}};
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr)
    r.out += buf;
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// How often `what` occurs in `text`.
inline int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

class E2eTest : public ::testing::Test {
 protected:
  void start_server(const std::string& server_extra = "", const std::string& durability = "sync",
                    int partitions = 2, const std::string& extra = "") {
    server_ = std::make_unique<testing::ServerProcess>(
        SWARMEX_SERVER_BINARY, dir_.str(),
        testing::test_config(server_extra, durability, partitions, extra));
    server_->start();
  }
  void SetUp() override { start_server(); }
  void TearDown() override {
    if (server_ && server_->running()) {
      server_->stop();
      if (HasFailure()) std::printf("--- swarmexd output ---\n%s\n", server_->output().c_str());
    }
  }
  std::unique_ptr<Conn> connect() { return std::make_unique<Conn>(server_->port()); }
  std::unique_ptr<Conn> tenant(const std::string& name = "tenant-a") {
    auto c = connect();
    auto r = c->logon(name, wire::Role::Tenant);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }
  std::unique_ptr<Conn> host(const std::string& name = "host-a1") {
    auto c = connect();
    auto r = c->logon(name, wire::Role::Host);
    EXPECT_TRUE(r.ok()) << r.text;
    return c;
  }

  common::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

// A server with 2 s windows listed 8 s ahead, gate closure 1 s (books from id 100): they roll
// within a test.
class RollingWindowsTest : public E2eTest {
 protected:
  void SetUp() override { start_server("", "sync", 2, windows().toml); }
  static const TestProduct& windows() {
    static const TestProduct p = cpu_product(2, 8, 1);
    return p;
  }
  static const engine::Product& product() { return windows().product; }
  // The first window that starts at least `lead_ns` from now, and a window's book id.
  static std::int64_t window_after(std::int64_t lead_ns) {
    return (realtime_ns() + lead_ns) / product().length_ns + 1;
  }
  static std::uint32_t book(std::int64_t window) {
    return 100 + engine::book_of(product(), window);
  }
};

}  // namespace swarmex::e2e
