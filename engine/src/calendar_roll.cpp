// Delivery windows in the engine: scheduled products own a fixed set of window books (allocated at
// configuration, reused window after window). A Roll advances the calendar; each book whose
// trading window changed expires what rested in its old window (gate closure) and lists the new
// one, in that sequenced step. Orders for a window past gate closure are refused even before the
// Roll arrives (OrderBook::trading_at), so gate closure is exact to the command's time. Books
// always hold the windows trading at calendar_ns_ (a pure function), which is what a snapshot
// restores and what dates a window fill's lease (Engine::lease_of).
#include <algorithm>
#include <stdexcept>

#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

void Engine::add_product(const Product& p) {
  if (const std::string err = validate(p); !err.empty())
    throw std::invalid_argument("product " + p.rules.symbol + ": " + err);
  if (products_.size() >= OrderBook::kNoProduct) throw std::invalid_argument("too many products");
  const std::uint32_t books = book_count(p);
  if (static_cast<std::uint64_t>(p.rules.id) + books - 1 > kMaxInstrumentId)
    throw std::invalid_argument("product " + p.rules.symbol + ": book ids run past the largest id");
  for (std::uint32_t s = 0; s < books; ++s)
    if (has_instrument(p.rules.id + s))
      throw std::invalid_argument("product " + p.rules.symbol + ": book id " +
                                  std::to_string(p.rules.id + s) + " is taken");
  const auto first_book = static_cast<std::uint16_t>(books_.size());
  const auto product = static_cast<std::uint16_t>(products_.size());
  for (std::uint32_t s = 0; s < books; ++s) {
    add_instrument(book_spec(p, s));
    books_.back().set_product(product);
  }
  products_.push_back(ProductBooks{p, first_book, books});
  roll_calendar(0, nullptr);  // its books list the windows trading at the calendar time
}

const Product* Engine::product_of(InstrumentId id) const noexcept {
  const OrderBook* b = book_of(id);
  return b == nullptr || b->product() == OrderBook::kNoProduct ? nullptr
                                                               : &products_[b->product()].product;
}

void Engine::on_roll(const Command& cmd, EventBuffer& out) {
  out.push(echo(cmd, EventKind::Accepted));
  calendar_ns_ = std::max(calendar_ns_, cmd.time_ns);  // wall clocks step back; windows do not
  for (auto& [key, group] : supply_)                   // leases that ended no longer limit anything
    group.forget_before(calendar_ns_);
  if (calendar_ns_ >= next_roll_ns_) roll_calendar(cmd.seq, &out);
}

void Engine::roll_calendar(Seq seq, EventBuffer* out) noexcept {
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const ProductBooks& ps : products_) {
    for (std::uint32_t s = 0; s < ps.books; ++s) {
      OrderBook& book = books_[ps.first_book + s];
      const std::int64_t w = trading_window(ps.product, s, calendar_ns_);
      if (w == book.window()) continue;
      if (out != nullptr && book.window() != kNoWindow) close_window(book, seq, *out);
      // What the closed window held is delivered now, no longer resold.
      if (!holdings_.empty()) holdings_.clear_instrument(book.spec().id);
      if (w == kNoWindow)
        book.list_window(kNoWindow, 0, 0);  // idle until its next window is listed
      else
        book.list_window(w, window_start_ns(ps.product, w), gate_close_ns(ps.product, w));
    }
    next = std::min(next, next_change_ns(ps.product, calendar_ns_));
  }
  next_roll_ns_ = next;
}

void Engine::close_window(OrderBook& book, Seq seq, EventBuffer& out) noexcept {
  for (const Side s : {Side::Buy, Side::Sell}) {
    BookSide& side = book.side(s);
    while (!side.empty()) {
      const auto lvl = static_cast<std::uint32_t>(side.best());
      while (side.level(lvl).head != kNil)
        cancel_resting(book, side.level(lvl).head, CancelReason::GateClosed, seq, out);
      emit_level(book, s, lvl, seq, out);
    }
  }
  if (!swarms_.empty()) cancel_swarms_of(0, book.spec().id, CancelReason::GateClosed, seq, out);
}

}  // namespace swarmex::engine
