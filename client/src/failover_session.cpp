#include "swarmex/client/failover_session.hpp"

#include <stdexcept>
#include <thread>

namespace swarmex::client {

FailoverSession::FailoverSession(const std::vector<std::string>& servers, std::string principal,
                                 std::string token, wire::Role role)
    : principal_(std::move(principal)), token_(std::move(token)), role_(role) {
  for (const auto& s : servers)
    servers_.push_back(parse_endpoint(s));
  if (servers_.empty()) throw std::invalid_argument("no server given");
}

LogonResult FailoverSession::connect(std::chrono::milliseconds per_server,
                                     std::chrono::milliseconds total) {
  const auto deadline = std::chrono::steady_clock::now() + total;
  LogonResult last;
  last.reason = engine::RejectReason::NotLeader;
  last.text = "no server answered";
  for (std::size_t attempt = 0;; ++attempt) {
    const std::size_t i = (current_ + attempt) % servers_.size();
    try {
      client_.close();
      client_.connect(servers_[i], per_server);
      if (history_ != 0) client_.expect_history(history_);
      last = client_.logon(principal_, token_, role_, last_seq_, false, per_server);
      if (last.ok()) {
        current_ = i;
        ++connects_;
        history_ = last.history;
        return last;
      }
      if (last.reason != engine::RejectReason::NotLeader) return last;  // not the node's fault
    } catch (const std::exception& e) {
      last.reason = engine::RejectReason::NotLeader;
      last.text = servers_[i].host + ":" + std::to_string(servers_[i].port) + ": " + e.what();
    }
    if (std::chrono::steady_clock::now() >= deadline) return last;
    // Once round the list: wait a little (an election takes seconds), then round again.
    if ((attempt + 1) % servers_.size() == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace swarmex::client
