// RAII over a NATS connection and its JetStream context (libnats). A connection reconnects by
// itself (to any server of its list) until it is destroyed; the JetStream context is only a
// handle on it.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <string>
#include <vector>

namespace swarmex::cluster {

struct ConnectOptions {
  std::vector<std::string> servers;  // nats://host:port, at least one
  std::string name = "swarmex";      // shown by the servers (connz)
  int timeout_ms = 2000;             // each connect attempt
  int reconnect_wait_ms = 100;
  int max_reconnect = -1;  // -1: forever
};

// Splits "nats://a:1,nats://b:2" (commas or spaces) into URLs.
std::vector<std::string> split_servers(const std::string& list);

class Connection {
 public:
  explicit Connection(const ConnectOptions& options);  // throws NatsError
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  [[nodiscard]] natsConnection* get() const noexcept { return nc_; }
  [[nodiscard]] bool connected() const noexcept;
  [[nodiscard]] std::string connected_url() const;

 private:
  natsOptions* opts_ = nullptr;
  natsConnection* nc_ = nullptr;
};

class JetStream {
 public:
  // `wait_ms`: how long each JetStream API call and publish waits for its answer.
  explicit JetStream(Connection& connection, std::int64_t wait_ms = 2000);  // throws NatsError
  ~JetStream();
  JetStream(const JetStream&) = delete;
  JetStream& operator=(const JetStream&) = delete;

  [[nodiscard]] jsCtx* get() const noexcept { return js_; }
  [[nodiscard]] Connection& connection() const noexcept { return connection_; }
  [[nodiscard]] std::int64_t wait_ms() const noexcept { return wait_ms_; }

 private:
  Connection& connection_;
  jsCtx* js_ = nullptr;
  std::int64_t wait_ms_;
};

}  // namespace swarmex::cluster
