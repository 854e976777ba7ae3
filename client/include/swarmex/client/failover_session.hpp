// A session with a cluster of swarmexd nodes (docs/cluster.md): the list of their endpoints, of
// which one leads at a time (the standbys do not listen). connect() tries them in turn, starting
// with the one in use, until one logs on; after a lost connection the caller connects again and
// the report stream resumes after the last sequence the caller noted, in the same exchange
// history (a new history is reported as LogonResult::history_changed, as with one server).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/client/client.hpp"

namespace swarmex::client {

class FailoverSession {
 public:
  // `servers`: "host:port" of every node (parse_endpoint). Throws std::invalid_argument.
  FailoverSession(const std::vector<std::string>& servers, std::string principal, std::string token,
                  wire::Role role);

  // Until a node accepts the logon or `total` runs out: each node within `per_server`. A
  // refused connection, a timeout or a not_leader reject moves on to the next node. Returns the
  // last node's result (reason not None when none logged on).
  LogonResult connect(std::chrono::milliseconds per_server, std::chrono::milliseconds total);

  Client& client() noexcept { return client_; }
  // The caller has seen the report with this stream sequence (the resume point).
  void note_report(std::uint64_t stream_seq) noexcept {
    if (stream_seq > last_seq_) last_seq_ = stream_seq;
  }
  [[nodiscard]] std::uint64_t last_seq() const noexcept { return last_seq_; }
  // The node in use (an index into the list).
  [[nodiscard]] std::size_t current() const noexcept { return current_; }
  [[nodiscard]] std::size_t connects() const noexcept { return connects_; }

 private:
  std::vector<Endpoint> servers_;
  std::string principal_;
  std::string token_;
  wire::Role role_;
  Client client_;
  std::size_t current_ = 0;
  std::size_t connects_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t history_ = 0;
};

}  // namespace swarmex::client
