#include "book_view.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace swarmex::demo {

Level InstrumentView::best_bid() const {
  return bids.empty() ? Level{} : Level{bids.begin()->first, bids.begin()->second};
}

Level InstrumentView::best_ask() const {
  return asks.empty() ? Level{} : Level{asks.begin()->first, asks.begin()->second};
}

BookView::BookView(int port, const std::string& principal, wire::Role role,
                   std::span<const std::uint32_t> instruments) {
  client_.connect("127.0.0.1", static_cast<std::uint16_t>(port), std::chrono::seconds(5));
  const auto r = client_.logon(principal, principal + "-token", role);
  if (!r.ok()) throw std::runtime_error(fmt::format("{} could not log on: {}", principal, r.text));
  for (std::uint32_t i : instruments)
    views_[i];
  client_.subscribe_market_data(instruments, 10);
}

const InstrumentView& BookView::view(std::uint32_t instrument) const {
  static const InstrumentView kEmpty;
  const auto it = views_.find(instrument);
  return it == views_.end() ? kEmpty : it->second;
}

void BookView::poll() {
  while (const wire::Message* m = client_.try_receive())
    apply(*m);
  if (std::chrono::steady_clock::now() - last_sent_ > std::chrono::seconds(1)) {
    client_.heartbeat();
    last_sent_ = std::chrono::steady_clock::now();
  }
}

void BookView::apply(const wire::Message& m) {
  if (const auto* s = m.body_as_BookSnapshot()) {
    InstrumentView& v = views_[s->instrument()];
    v.bids.clear();
    v.asks.clear();
    if (s->bids())
      for (const wire::Level* l : *s->bids())
        v.bids[l->price()] = l->qty();
    if (s->asks())
      for (const wire::Level* l : *s->asks())
        v.asks[l->price()] = l->qty();
  } else if (const auto* u = m.body_as_BookUpdate(); u != nullptr && u->level() != nullptr) {
    InstrumentView& v = views_[u->instrument()];
    const std::int64_t price = u->level()->price();
    const std::int64_t qty = u->level()->qty();
    if (u->side() == wire::Side::Buy) {
      if (qty == 0)
        v.bids.erase(price);
      else
        v.bids[price] = qty;
    } else {
      if (qty == 0)
        v.asks.erase(price);
      else
        v.asks[price] = qty;
    }
  } else if (const auto* t = m.body_as_Trade()) {
    InstrumentView& v = views_[t->instrument()];
    v.last_trade = {t->price(), t->qty()};
    ++v.trades;
  }
}

}  // namespace swarmex::demo
