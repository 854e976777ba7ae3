// The [market_data] table: how subscriptions are de-duplicated and slow readers conflated.
#include <toml++/toml.h>

#include "swarmex/common/toml_read.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

void parse_market_data(const toml::table& t, MarketDataSection& s, const std::string& src) {
  const std::string w = "market_data.";
  common::reject_unknown(
      t, {"conflate_backlog_bytes", "stuck_timeout_ms", "resnapshot_interval_ms"}, src, w);
  common::read_int(t, "conflate_backlog_bytes", s.conflate_backlog_bytes, src, w, 1024,
                   std::int64_t{1} << 30);
  common::read_int(t, "stuck_timeout_ms", s.stuck_timeout_ms, src, w, 50, 86'400'000);
  common::read_int(t, "resnapshot_interval_ms", s.resnapshot_interval_ms, src, w, 0, 86'400'000);
}

}  // namespace swarmex::gateway
