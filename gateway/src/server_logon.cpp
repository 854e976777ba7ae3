// Server: logon admission. Connections that have not logged on are bounded apart from the
// logged-on sessions; tokens are checked on the verifier's threads; failed logons back off per
// source address and per principal name; an unknown name costs what a wrong token does.
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "server.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/token_hash.hpp"

namespace swarmex::gateway {

namespace {

// The iteration count of a stored hash (pbkdf2-sha256$<iterations>$...), or the default.
int iterations_of(const std::string& hash) {
  const auto a = hash.find('$');
  const auto b = a == std::string::npos ? a : hash.find('$', a + 1);
  if (b == std::string::npos) return common::kDefaultTokenIterations;
  try {
    return std::max(1, std::stoi(hash.substr(a + 1, b - a - 1)));
  } catch (const std::exception&) {
    return common::kDefaultTokenIterations;
  }
}

}  // namespace

void Server::init_logons() {
  const ServerConfig& sc = config_.server;
  AdmissionLimits limits;
  limits.max_pending = sc.max_pending_logons;
  limits.max_pending_per_source = sc.max_pending_per_source;
  limits.backoff_entries = sc.logon_backoff_entries;
  limits.known_principals = config_.principals.size();
  limits.policy.after_failures = sc.logon_backoff_after;
  limits.policy.base_ns = static_cast<std::int64_t>(sc.logon_backoff_base_ms) * common::kNsPerMs;
  limits.policy.max_ns = static_cast<std::int64_t>(sc.logon_backoff_max_ms) * common::kNsPerMs;
  // A key is forgotten a while after its longest block could have ended.
  limits.policy.forget_ns = 2 * limits.policy.max_ns;
  admission_ = std::make_unique<Admission>(limits);
  verifier_ = std::make_unique<LogonVerifier>(sc.logon_verify_threads, sc.logon_verify_queue);
  // A dummy principal's hash, of the most iterations any principal's has: checking a token
  // against it costs what checking a real one does.
  int iterations = 0;
  for (const Principal& p : config_.principals)
    iterations = std::max(iterations, iterations_of(p.token_hash));
  unsigned char secret[16];
  if (RAND_bytes(secret, sizeof secret) != 1) throw std::runtime_error("no randomness");
  dummy_hash_ =
      common::hash_token(std::string(reinterpret_cast<const char*>(secret), sizeof secret),
                         iterations > 0 ? iterations : common::kDefaultTokenIterations);
}

Server::LogonPlan Server::plan_logon(const std::string& source, const std::string& name,
                                     const std::string& token, Role role) {
  LogonPlan plan;
  auto it = by_name_.find(name);
  plan.known = it != by_name_.end();
  if (plan.known && it->second->role == role) plan.principal = it->second;
  const std::int64_t now = common::steady_ns();
  // The name's backoff holds whatever the token: guesses are not checked while it runs.
  plan.wait_ns = admission_->principal_blocked_for(name, plan.known, now);
  if (plan.wait_ns > 0) {
    plan.kind = LogonPlan::Kind::Throttled;
    return plan;
  }
  if (plan.principal != nullptr) {  // verified before: a constant-time compare, no PBKDF2
    std::lock_guard lock(mu_);
    auto v = verified_tokens_.find(name);
    if (v != verified_tokens_.end() && v->second.size() == token.size() &&
        CRYPTO_memcmp(v->second.data(), token.data(), token.size()) == 0) {
      plan.kind = LogonPlan::Kind::Accept;
      return plan;
    }
  }
  // The address's backoff: a client sharing it with whoever fails still gets in with a token
  // checked before (above).
  plan.wait_ns = admission_->source_blocked_for(source, now);
  if (plan.wait_ns > 0) {
    plan.kind = LogonPlan::Kind::Throttled;
    return plan;
  }
  plan.kind = LogonPlan::Kind::Verify;
  plan.hash = plan.principal != nullptr ? plan.principal->token_hash : dummy_hash_;
  return plan;
}

const Principal* Server::logon_verified(const std::string& source, const std::string& name,
                                        const std::string& token, const Principal* principal,
                                        bool known, bool ok) {
  if (ok && principal != nullptr) {
    admission_->note_success(name, known);
    std::lock_guard lock(mu_);
    verified_tokens_[name] = token;
    return principal;
  }
  admission_->note_failure(source, name, known, common::steady_ns());
  return nullptr;
}

bool Server::take_session_slot(Role role) {
  const std::uint32_t max = config_.server.max_sessions;
  const std::uint32_t limit =
      role == Role::Operator ? max : max - config_.server.reserved_operator_sessions;
  std::uint32_t n = logged_on_sessions_.load(std::memory_order_relaxed);
  do {
    if (n >= limit) return false;
  } while (!logged_on_sessions_.compare_exchange_weak(n, n + 1, std::memory_order_acq_rel));
  return true;
}

void Server::refuse_connection(boost::asio::ip::tcp::socket& socket, Admission::Verdict why) {
  // Encoded once; written only if the socket takes it now (it is a fresh one: it does).
  static const std::vector<std::uint8_t> frames[2] = {
      [] {
        protocol::FrameWriter w;
        auto t = w.fbb().CreateString("too many connections not logged on from this address");
        auto f = w.finish(wire::CreateError(w.fbb(), wire::RejectReason::ConnectionLimit, t));
        return std::vector<std::uint8_t>(f.begin(), f.end());
      }(),
      [] {
        protocol::FrameWriter w;
        auto t = w.fbb().CreateString("too many connections not logged on");
        auto f = w.finish(wire::CreateError(w.fbb(), wire::RejectReason::ConnectionLimit, t));
        return std::vector<std::uint8_t>(f.begin(), f.end());
      }()};
  const auto& frame = frames[why == Admission::Verdict::SourceFull ? 0 : 1];
  [[maybe_unused]] const ssize_t n =
      ::send(socket.native_handle(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  boost::system::error_code ec;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
  spdlog::debug("connection refused: {}", why == Admission::Verdict::SourceFull
                                              ? "its address's pending bound"
                                              : "the pending bound");
}

}  // namespace swarmex::gateway
