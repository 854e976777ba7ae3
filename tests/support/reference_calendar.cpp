// The reference book's delivery windows: window w of a product covers [w * length, (w + 1) *
// length) and trades while start - listed_ahead <= now < start - gate_closure; it trades on book
// w mod books. Found by scanning the few windows around `now`, not by the engine's arithmetic.
#include <algorithm>
#include <stdexcept>

#include "reference_book.hpp"

namespace swarmex::testing {

using namespace swarmex::engine;

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (q * b > a) --q;
  return q;
}

}  // namespace

void ReferenceBook::add_product(const Product& p) {
  if (!validate(p).empty()) throw std::invalid_argument("reference: bad product");
  // As many windows as can trade at once (ceil(ahead / length)), and one more.
  const auto books =
      static_cast<std::uint32_t>((p.listed_ahead_ns + p.length_ns - 1) / p.length_ns + 1);
  for (std::uint32_t s = 0; s < books; ++s) {
    InstrumentSpec spec = p.rules;
    spec.id = p.rules.id + s;
    spec.window = Window{false, 0, p.length_ns};
    add_instrument(spec);
    books_.back().product = static_cast<int>(products_.size());
  }
  products_.push_back(ProductRef{p, books});
  roll(nullptr);  // lists the windows trading now; the books are empty
}

std::int64_t ReferenceBook::window_trading(const ProductRef& pr, std::uint32_t book,
                                           std::int64_t now_ns) const {
  const Product& p = pr.p;
  const std::int64_t first = floor_div(now_ns + p.gate_closure_ns, p.length_ns);
  const std::int64_t last = floor_div(now_ns + p.listed_ahead_ns, p.length_ns) + 1;
  for (std::int64_t w = first; w <= last; ++w) {
    const std::int64_t start = w * p.length_ns;
    const bool listed = start - p.listed_ahead_ns <= now_ns && now_ns < start - p.gate_closure_ns;
    const std::int64_t books = pr.books;
    if (listed && ((w % books) + books) % books == book) return w;
  }
  return kIdle;
}

bool ReferenceBook::trading(const Book& b) const {
  if (b.product < 0) return true;
  if (b.window == kIdle) return false;
  const Product& p = products_[static_cast<std::size_t>(b.product)].p;
  return now_ns_ < b.window * p.length_ns - p.gate_closure_ns;
}

void ReferenceBook::on_roll(const Command& cmd, EventBuffer& out) {
  out.push(echo(cmd, EventKind::Accepted));
  calendar_ns_ = std::max(calendar_ns_, cmd.time_ns);
  for (Group& g : groups_)
    fold(g, calendar_ns_);
  roll(&out);
}

void ReferenceBook::roll(EventBuffer* out) {
  for (const ProductRef& pr : products_) {
    for (std::uint32_t s = 0; s < pr.books; ++s) {
      Book& b = *find_book(pr.p.rules.id + s);
      const std::int64_t w = window_trading(pr, s, calendar_ns_);
      if (w == b.window) continue;
      if (out != nullptr && b.window != kIdle) close_window(b, *out);
      // The old window is being delivered: what was held there is no longer resold.
      std::erase_if(holdings_, [&](const auto& h) { return std::get<0>(h.first) == b.spec.id; });
      b.window = w;
    }
  }
}

void ReferenceBook::close_window(Book& b, EventBuffer& out) {
  for (const Side s : {Side::Buy, Side::Sell}) {
    auto& levels = b.levels[static_cast<int>(s)];
    for (const Price p : prices_best_first(b, s)) {
      Fifo& fifo = levels[p];
      while (!fifo.empty()) {
        out.push(cancelled(b, fifo.front(), CancelReason::GateClosed));
        remove(b, fifo, fifo.begin(), true);
      }
      emit_level(b, s, p, out);
      levels.erase(p);
    }
  }
}

}  // namespace swarmex::testing
