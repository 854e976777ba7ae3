// How the CLI prints a batch auction's result (with its supply and demand curves) and a
// circuit breaker's halt or resume (docs/auctions.md).
#pragma once

#include <string>

#include "swarmex/common/json_text.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::cli {

common::Json auction_json(const wire::AuctionResult& a);
std::string format_auction(const wire::AuctionResult& a);
common::Json instrument_state_json(const wire::InstrumentState& s);
std::string format_instrument_state(const wire::InstrumentState& s);

}  // namespace swarmex::cli
