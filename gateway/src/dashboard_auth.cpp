#include "dashboard_auth.hpp"

#include <openssl/sha.h>

#include "swarmex/common/token_hash.hpp"

namespace swarmex::gateway {

DashboardAuth::DashboardAuth(const std::vector<Principal>& principals) {
  for (const Principal& p : principals)
    if (p.role == Role::Operator) operator_hashes_.push_back(p.token_hash);
}

bool DashboardAuth::check(std::string_view token, std::int64_t now_ns) {
  if (token.empty() || token.size() > 1024) return false;
  Digest d;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  if (verified_.contains(d)) return true;
  const std::int64_t second = now_ns / 1'000'000'000;
  if (second != failure_second_) {
    failure_second_ = second;
    failures_ = 0;
  }
  if (failures_ >= kFailuresPerSecond) return false;
  const std::string t(token);
  for (const std::string& hash : operator_hashes_) {
    ++hashes_run_;
    if (common::verify_token(t, hash)) {
      if (verified_.size() >= kRemembered) verified_.erase(verified_.begin());
      verified_.insert(d);
      return true;
    }
  }
  ++failures_;
  return false;
}

std::string query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name || eq == std::string_view::npos) continue;
    std::string out;
    const std::string_view v = pair.substr(eq + 1);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      if (v[i] == '+') {
        out += ' ';
      } else if (v[i] == '%' && i + 2 < v.size() && hex(v[i + 1]) >= 0 && hex(v[i + 2]) >= 0) {
        out += static_cast<char>(hex(v[i + 1]) * 16 + hex(v[i + 2]));
        i += 2;
      } else {
        out += v[i];
      }
    }
    return out;
  }
  return {};
}

}  // namespace swarmex::gateway
