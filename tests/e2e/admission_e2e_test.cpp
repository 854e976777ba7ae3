// Logon admission against a real swarmexd: connections that never log on cannot lock principals
// out (they are bounded per source address and in total, apart from max_sessions), the last
// session slot is an operator's, and a flood of bad logons is refused (bad_credentials, then
// logon_throttled without checking) while another session is served, until the backoff expires.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

// A raw TCP connection from `source` (a loopback address) that never logs on.
class RawConn {
 public:
  RawConn(int port, const char* source) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = ::inet_addr(source);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src), 0) << source;
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    dst.sin_addr.s_addr = ::inet_addr("127.0.0.1");
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst), 0);
  }
  ~RawConn() { ::close(fd_); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  // Waits up to `timeout` for the server to close the connection; the reason of the Error it
  // sent first, if any (None when closed without one). nullopt: still open.
  std::optional<RejectReason> closed_by_server(std::chrono::milliseconds timeout) {
    std::vector<std::uint8_t> in;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      std::uint8_t buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        in.insert(in.end(), buf, buf + n);
        continue;
      }
      if (in.size() < protocol::kFrameHeaderBytes) return RejectReason::None;
      const std::vector<std::uint8_t> frame(
          in.begin(), in.begin() + static_cast<long>(protocol::kFrameHeaderBytes +
                                                     protocol::read_frame_length(in.data())));
      const wire::Message* m = nullptr;
      protocol::decode_frame(frame, &m);
      if (m == nullptr || m->body_type() != wire::Body::Error) return RejectReason::None;
      return protocol::to_engine(m->body_as_Error()->reason());
    }
  }

 private:
  int fd_;
};

class AdmissionTest : public E2eTest {
 protected:
  void SetUp() override {}
};

TEST_F(AdmissionTest, ConnectionsThatNeverLogOnCannotLockPrincipalsOut) {
  start_server(
      "max_sessions = 3\nreserved_operator_sessions = 1\nmax_pending_per_source = 6\n"
      "max_pending_logons = 20\nlogon_timeout_ms = 20000\nidle_timeout_ms = 20000");
  const int port = server_->port();
  // More connections that never log on than max_sessions: they do not take session slots.
  std::vector<std::unique_ptr<RawConn>> idle;
  for (int i = 0; i < 5; ++i)
    idle.push_back(std::make_unique<RawConn>(port, "127.0.0.1"));
  for (auto& c : idle)
    EXPECT_FALSE(c->closed_by_server(50ms)) << "a pending connection within the bounds is kept";
  auto tenant_a = tenant("tenant-a");  // the 6th pending from 127.0.0.1 until it logs on
  idle.push_back(std::make_unique<RawConn>(port, "127.0.0.1"));
  EXPECT_FALSE(idle.back()->closed_by_server(50ms));
  {  // a 7th from the same address is refused at once
    RawConn over(port, "127.0.0.1");
    EXPECT_EQ(over.closed_by_server(2s), RejectReason::ConnectionLimit);
  }
  // Another address has its own bound.
  std::vector<std::unique_ptr<RawConn>> other;
  for (int i = 0; i < 6; ++i)
    other.push_back(std::make_unique<RawConn>(port, "127.0.0.2"));
  {
    RawConn over(port, "127.0.0.2");
    EXPECT_EQ(over.closed_by_server(2s), RejectReason::ConnectionLimit);
  }
  // 12 pending now; the total bound (20) refuses whatever address they come from.
  for (int i = 0; i < 8; ++i)
    other.push_back(std::make_unique<RawConn>(port, ("127.0.1." + std::to_string(i)).c_str()));
  {
    RawConn over(port, "127.0.2.1");
    EXPECT_EQ(over.closed_by_server(2s), RejectReason::ConnectionLimit);
  }
  other.clear();
  idle.resize(3);  // room for logons from 127.0.0.1 again
  std::this_thread::sleep_for(300ms);
  auto tenant_b = tenant("tenant-b");  // 2 of 3 sessions: the last is an operator's
  auto c = connect();
  auto refused = c->logon("tenant-c", wire::Role::Tenant);
  EXPECT_EQ(refused.reason, RejectReason::SessionLimit) << refused.text;
  EXPECT_TRUE(c->closed_by_server(2s));
  auto op = connect();
  auto ok = op->logon("operator", wire::Role::Operator);
  EXPECT_TRUE(ok.ok()) << ok.text;
  auto op2 = connect();
  EXPECT_EQ(op2->logon("operator", wire::Role::Operator).reason, RejectReason::SessionLimit);
  // The logged-on are served throughout.
  tenant_a->order(1, 1, Side::Buy, 1000, 1);
  auto r = tenant_a->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ExecKind::Accepted);
  // Sessions that close give their slots back.
  tenant_b.reset();
  op.reset();
  std::this_thread::sleep_for(300ms);
  auto again = connect();
  EXPECT_TRUE(again->logon("tenant-c", wire::Role::Tenant).ok());
}

TEST_F(AdmissionTest, PendingConnectionsAreClosedAtTheLogonTimeout) {
  start_server("max_pending_per_source = 2\nlogon_timeout_ms = 300");
  const int port = server_->port();
  RawConn a(port, "127.0.0.3"), b(port, "127.0.0.3");
  EXPECT_EQ(a.closed_by_server(3s), RejectReason::NotLoggedOn);
  EXPECT_EQ(b.closed_by_server(3s), RejectReason::NotLoggedOn);
  RawConn c(port, "127.0.0.3");  // their slots are free again
  EXPECT_FALSE(c.closed_by_server(100ms));
}

TEST_F(AdmissionTest, BadLogonFloodIsRefusedAndBacksOffWhileOthersAreServed) {
  start_server(
      "logon_backoff_after = 3\nlogon_backoff_base_ms = 500\nlogon_backoff_max_ms = 1500\n"
      "logon_verify_queue = 8");
  auto witness = tenant("tenant-b");
  // An unknown principal and a wrong token get the same answer.
  auto unknown = connect()->logon("nobody", wire::Role::Tenant, "x");
  auto wrong = connect()->logon("tenant-a", wire::Role::Tenant, "wrong-token");
  EXPECT_EQ(unknown.reason, RejectReason::BadCredentials);
  EXPECT_EQ(wrong.reason, RejectReason::BadCredentials);
  EXPECT_EQ(unknown.text, wrong.text);

  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, throttled{0}, other{0};
  std::thread flood([&] {
    const int port = server_->port();
    for (int i = 0; i < 60; ++i) {
      try {
        Conn c(port);
        const auto r = i % 2 == 0 ? c.logon("tenant-a", wire::Role::Tenant, "guess")
                                  : c.logon("nobody-" + std::to_string(i), wire::Role::Tenant, "x");
        (r.reason == RejectReason::BadCredentials   ? bad
         : r.reason == RejectReason::LogonThrottled ? throttled
                                                    : other)++;
      } catch (const std::exception&) {
        other++;
      }
    }
    done = true;
  });
  // The witness is served while the flood runs.
  std::uint64_t id = 1;
  int served = 0;
  while (!done) {
    witness->order(++id, 1, Side::Buy, 1000, 1);
    auto r = witness->report(2s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, ExecKind::Accepted);
    ++served;
  }
  flood.join();
  EXPECT_GT(served, 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(throttled.load(), 0) << "the backoff never kicked in";
  EXPECT_EQ(bad + throttled, 60);
  // While backing off, even the right token is refused without being checked.
  EXPECT_EQ(connect()->logon("tenant-a", wire::Role::Tenant).reason, RejectReason::LogonThrottled);
  // Once it expires (at most logon_backoff_max_ms), the right token logs on.
  std::this_thread::sleep_for(1600ms);
  auto r = connect()->logon("tenant-a", wire::Role::Tenant);
  EXPECT_TRUE(r.ok()) << r.text;
}

}  // namespace
}  // namespace swarmex::e2e
