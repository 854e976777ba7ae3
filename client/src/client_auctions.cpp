// Client: an operator's trading mode (SetTradingMode) and circuit breaker (SetBreaker) for one
// instrument. The exchange's engine checks the values.
#include "swarmex/client/client.hpp"

namespace swarmex::client {

void Client::admin_set_trading_mode(std::uint64_t request_id, std::uint32_t instrument, bool batch,
                                    std::uint32_t interval_ms) {
  admin(request_id, wire::AdminAction::SetTradingMode,
        wire::CreateSetTradingMode(writer().fbb(), instrument,
                                   batch ? wire::TradingMode::Batch : wire::TradingMode::Continuous,
                                   interval_ms)
            .Union());
}

void Client::admin_set_breaker(std::uint64_t request_id, std::uint32_t instrument,
                               std::uint32_t max_move_bps, std::uint32_t window_ms,
                               std::uint32_t cooloff_ms, bool off) {
  admin(request_id, wire::AdminAction::SetBreaker,
        wire::CreateSetBreaker(writer().fbb(), instrument, max_move_bps, window_ms, cooloff_ms, off)
            .Union());
}

}  // namespace swarmex::client
