// The delivery windows that product lines sell: the controller asks the exchange which windows
// trade now (ListInstruments, a request any session may make) every window_refresh_ms, and each
// product line gets an ask on every one of its windows whose gate is still open.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "swarmex/common/clock.hpp"
#include "swarmex/hostctl/daemon.hpp"

namespace swarmex::hostctl {

using Clock = std::chrono::steady_clock;

void Daemon::request_windows() {
  const bool products = std::any_of(config_.supply.begin(), config_.supply.end(),
                                    [](const SupplyLine& l) { return l.product != 0; });
  if (!products || !connected_ || Clock::now() < next_listing_) return;
  client_.admin_list_instruments(++listing_request_);
  next_listing_ = Clock::now() + std::chrono::milliseconds(config_.window_refresh_ms);
  last_sent_ = Clock::now();
}

void Daemon::take_listing(const wire::AdminAck& ack) {
  if (!ack.ok()) {
    spdlog::warn("instrument listing refused: {}", ack.text() ? ack.text()->str() : "");
    return;
  }
  const std::vector<ListedInstrument> listing = read_listing(ack);
  const std::int64_t now = common::wall_ns();
  for (std::size_t i = 0; i < config_.supply.size(); ++i) {
    const SupplyLine& line = config_.supply[i];
    if (line.product == 0) continue;
    const bool learned = series_[i].length_ns != 0;
    const std::vector<TradingWindow> windows = product_windows(listing, line.product, series_[i]);
    if (!learned && series_[i].length_ns != 0)
      spdlog::info("product {}: {} windows of {} s in {} ({} trading now)", line.product,
                   series_[i].resource, series_[i].length_ns / 1'000'000'000, series_[i].pool,
                   windows.size());
    // A line must sell what its product trades: a window fill is enacted as its book's resource.
    if (series_[i].resource != line.resource) {
      if (!learned && series_[i].length_ns != 0)
        spdlog::error("product {} trades {}, its supply line says {}: nothing offered",
                      line.product, series_[i].resource, line.resource);
      continue;
    }
    supply_.list_windows(i, windows, now);
  }
}

}  // namespace swarmex::hostctl
