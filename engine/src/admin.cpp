// Admin commands: an operator's live change of a spot instrument's trading parameters. Off the
// matching path; the level array may be re-allocated here.
#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {
std::uint64_t Engine::params_hash_of(const OrderBook& book) noexcept {
  const InstrumentSpec& s = book.spec();
  return mix64(0x5041'5241'4d53ull ^ (static_cast<std::uint64_t>(s.id) << 20) ^
               mix64(static_cast<std::uint64_t>(s.band_min) * 0x9E3779B97F4A7C15ull +
                     static_cast<std::uint64_t>(s.band_max) * 0xC2B2AE3D27D4EB4Full +
                     static_cast<std::uint64_t>(s.min_qty) * 0x165667B19E3779F9ull +
                     static_cast<std::uint64_t>(s.max_qty) * 0xD6E8FEB86659FD93ull +
                     static_cast<std::uint64_t>(s.market_protection_ticks) * 0xFF51AFD7ED558CCDull +
                     static_cast<std::uint64_t>(s.tick) * 0xC4CEB9FE1A85EC53ull +
                     static_cast<std::uint64_t>(s.lot)));
}

RejectReason Engine::check_set_params(const SetParams& c, const OrderBook& book,
                                      BookParams* p) const noexcept {
  if (c.owner == 0) return RejectReason::UnknownCommandOwner;
  if (book.product() != OrderBook::kNoProduct) return RejectReason::ScheduledInstrument;
  if (c.band_min < 0 || c.band_max < 0) return RejectReason::InvalidBand;
  if (c.min_qty < 0 || c.max_qty < 0) return RejectReason::InvalidQuantityLimits;
  if (c.market_protection_ticks < 0) return RejectReason::InvalidParameter;
  const InstrumentSpec& s = book.spec();
  *p = BookParams{
      c.band_min != 0 ? c.band_min : s.band_min, c.band_max != 0 ? c.band_max : s.band_max,
      c.min_qty != 0 ? c.min_qty : s.min_qty, c.max_qty != 0 ? c.max_qty : s.max_qty,
      c.market_protection_ticks != 0 ? c.market_protection_ticks : s.market_protection_ticks};
  if (p->band_min % s.tick != 0 || p->band_max % s.tick != 0 || p->band_min > p->band_max ||
      (p->band_max - p->band_min) / s.tick + 1 > kMaxBandLevels)
    return RejectReason::InvalidBand;
  Price base = 0;
  std::int64_t levels = 0;
  if (!book.levels_for(p->band_min, p->band_max, &base, &levels))
    return RejectReason::InvalidBand;  // the band and the resting orders span too many levels
  if (p->min_qty % s.lot != 0 || p->max_qty % s.lot != 0 || p->min_qty > p->max_qty)
    return RejectReason::InvalidQuantityLimits;
  return RejectReason::None;
}

void Engine::on_set_params(const Command& cmd, EventBuffer& out) {
  const SetParams& c = cmd.params;
  OrderBook* book = book_of(c.instrument);
  BookParams p{};
  const RejectReason r =
      book == nullptr ? RejectReason::UnknownInstrument : check_set_params(c, *book, &p);
  if (r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  Event accepted = echo(cmd, EventKind::Accepted);
  put_book_params(accepted, p);
  out.push(accepted);
  if (book->admin_params()) params_hash_ -= params_hash_of(*book);
  book->set_params(p, arena_);
  book->set_admin_params(true);
  if (auto pc = peg_cache_.find(key_of(*book)); pc != peg_cache_.end())
    pc->second.stale = true;  // a new band may move pegged prices
  params_hash_ += params_hash_of(*book);
}

RejectReason Engine::check_create(const NewInstrument& c, InstrumentSpec* spec) const {
  if (c.owner == 0) return RejectReason::UnknownCommandOwner;
  *spec = spec_of(c);
  const InstrumentSpec& s = *spec;
  if (s.id == 0 || s.id > kMaxInstrumentId || books_.size() >= kNoBook)
    return RejectReason::InvalidParameter;
  if (has_instrument(s.id)) return RejectReason::DuplicateInstrument;
  for (const OrderBook& b : books_)
    if (b.spec().symbol == s.symbol) return RejectReason::DuplicateInstrument;
  if (s.symbol.empty() || s.resource.empty() || s.pool.empty() || s.tick <= 0 || s.lot <= 0 ||
      s.market_protection_ticks < 0 || s.window.length_ns <= 0)
    return RejectReason::InvalidParameter;
  if (s.band_min <= 0 || s.band_min % s.tick != 0 || s.band_max < s.band_min ||
      s.band_max % s.tick != 0 || (s.band_max - s.band_min) / s.tick + 1 > kMaxBandLevels)
    return RejectReason::InvalidBand;
  if (s.min_qty <= 0 || s.min_qty % s.lot != 0 || s.max_qty < s.min_qty || s.max_qty % s.lot != 0)
    return RejectReason::InvalidQuantityLimits;
  return validate(s).empty() ? RejectReason::None : RejectReason::InvalidParameter;
}

void Engine::on_create_instrument(const Command& cmd, EventBuffer& out) {
  InstrumentSpec spec;
  if (const RejectReason r = check_create(cmd.create, &spec); r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  Event accepted = echo(cmd, EventKind::Accepted);
  put_book_params(accepted, BookParams{spec.band_min, spec.band_max, spec.min_qty, spec.max_qty,
                                       spec.market_protection_ticks});
  out.push(accepted);
  add_instrument(spec);  // checked above: does not throw
  OrderBook& book = books_.back();
  book.set_admin_params(true);  // a live instrument: its parameters (and id) count in the hash
  params_hash_ += params_hash_of(book);
}

std::uint64_t Engine::fees_hash_of(const OrderBook& book) noexcept {
  const FeeSchedule& f = book.fees();
  return mix64(0x4645'4553ull ^ (static_cast<std::uint64_t>(book.spec().id) << 20) ^
               mix64(static_cast<std::uint64_t>(static_cast<std::uint32_t>(f.maker_bps)) << 32 |
                     static_cast<std::uint32_t>(f.taker_bps)));
}

void Engine::on_set_fees(const Command& cmd, EventBuffer& out) {
  const SetFees& c = cmd.fees;
  OrderBook* book = book_of(c.instrument);
  RejectReason r = RejectReason::None;
  if (c.owner == 0)
    r = RejectReason::UnknownCommandOwner;
  else if (book == nullptr)
    r = RejectReason::UnknownInstrument;
  else
    r = check_fees(c.fees);
  if (r != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(r)));
    return;
  }
  out.push(echo(cmd, EventKind::Accepted));
  if (!book->fees().none()) fees_hash_ -= fees_hash_of(*book);
  book->set_fees(c.fees);
  if (!book->fees().none()) fees_hash_ += fees_hash_of(*book);
}

}  // namespace swarmex::engine
