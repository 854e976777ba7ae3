// A bare TCP echo server on loopback (one thread, epoll): the baseline that the gateway's
// latency is compared with, over the same kind of socket (TCP_NODELAY).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace swarmex::loadgen {

class EchoServer {
 public:
  EchoServer();  // listens on 127.0.0.1, an ephemeral port; throws std::runtime_error
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  void run();

  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd that wakes the thread to stop
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace swarmex::loadgen
