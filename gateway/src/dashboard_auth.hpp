// The dashboard's token check: the token of any operator principal (the one it logs on with),
// verified against its PBKDF2 hash on the dashboard thread only. A verified token is remembered
// by its SHA-256 (never the token itself), so a WebSocket or a page reload does not hash again;
// failed checks are limited to kFailuresPerSecond, so wrong tokens cannot keep the thread busy.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

class DashboardAuth {
 public:
  static constexpr std::size_t kRemembered = 16;
  static constexpr std::uint32_t kFailuresPerSecond = 10;

  explicit DashboardAuth(const std::vector<Principal>& principals);

  // True when `token` is an operator's; `now_ns` (steady) paces the failures.
  bool check(std::string_view token, std::int64_t now_ns);
  [[nodiscard]] std::uint64_t hashes_run() const noexcept { return hashes_run_; }

 private:
  using Digest = std::array<std::uint8_t, 32>;
  std::vector<std::string> operator_hashes_;
  std::set<Digest> verified_;
  std::int64_t failure_second_ = 0;
  std::uint32_t failures_ = 0;
  std::uint64_t hashes_run_ = 0;
};

// The value of `name` in a URL's query string, percent-decoded; empty when absent.
std::string query_param(std::string_view target, std::string_view name);

}  // namespace swarmex::gateway
