// What a NATS or JetStream call that failed says: the client's status, JetStream's error code
// (0 when the server gave none) and the text of the client's last error.
#pragma once

#include <stdexcept>
#include <string>

namespace swarmex::cluster {

class NatsError : public std::runtime_error {
 public:
  NatsError(const std::string& what, int status, int js_code)
      : std::runtime_error(what), status_(status), js_code_(js_code) {}
  [[nodiscard]] int status() const noexcept { return status_; }
  [[nodiscard]] int js_code() const noexcept { return js_code_; }

 private:
  int status_;
  int js_code_;
};

// "<what>: <status text> (<last error>, js <code>)".
std::string describe(const std::string& what, int status, int js_code = 0);
[[noreturn]] void throw_nats(const std::string& what, int status, int js_code = 0);

}  // namespace swarmex::cluster
