// A one-connection server on loopback for client tests: a thread accepts one connection and runs
// a script against a blocking socket.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <thread>
#include <vector>

#include "swarmex/protocol/codec.hpp"

namespace swarmex::client::testing {

class FakeServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using Script = std::function<void(Socket&)>;

  explicit FakeServer(Script script)
      : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this, script = std::move(script)] {
      Socket socket(io_);
      acceptor_.accept(socket);
      socket.set_option(boost::asio::ip::tcp::no_delay(true));
      script(socket);
    });
  }
  ~FakeServer() { thread_.join(); }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // One whole frame (header included), or empty at end of stream.
  static std::vector<std::uint8_t> read_frame(Socket& socket) {
    std::vector<std::uint8_t> frame(protocol::kFrameHeaderBytes);
    boost::system::error_code ec;
    boost::asio::read(socket, boost::asio::buffer(frame), ec);
    if (ec) return {};
    frame.resize(protocol::kFrameHeaderBytes + protocol::read_frame_length(frame.data()));
    boost::asio::read(socket,
                      boost::asio::buffer(frame.data() + protocol::kFrameHeaderBytes,
                                          frame.size() - protocol::kFrameHeaderBytes),
                      ec);
    if (ec) return {};
    return frame;
  }

  static void write(Socket& socket, std::span<const std::uint8_t> bytes) {
    boost::asio::write(socket, boost::asio::buffer(bytes.data(), bytes.size()));
  }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace swarmex::client::testing
