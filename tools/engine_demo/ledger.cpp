#include "ledger.hpp"

#include <fmt/format.h>

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::demo {

using engine::EventKind;
using engine::mix64;

namespace {

constexpr std::size_t kMaxErrors = 20;

bool is_outcome(const Event& e) noexcept {
  return e.kind == EventKind::Accepted || e.kind == EventKind::Rejected;
}

}  // namespace

std::uint64_t fold_event(std::uint64_t digest, const Event& e) noexcept {
  std::uint64_t h = mix64(e.seq ^ static_cast<std::uint64_t>(e.kind) << 56 ^
                          static_cast<std::uint64_t>(e.command) << 48 ^
                          static_cast<std::uint64_t>(e.reason) << 40 ^
                          static_cast<std::uint64_t>(e.side) << 32 ^ e.instrument);
  h = mix64(h ^ e.order_id);
  h = mix64(h ^ e.maker_order_id);
  h = mix64(h ^ (static_cast<std::uint64_t>(e.owner) << 32 | e.maker_owner));
  h = mix64(h ^ e.host);
  h = mix64(h ^ static_cast<std::uint64_t>(e.price));
  h = mix64(h ^ static_cast<std::uint64_t>(e.qty));
  h = mix64(h ^ static_cast<std::uint64_t>(e.leaves_qty));
  h = mix64(h ^ static_cast<std::uint64_t>(e.maker_leaves_qty));
  return mix64(digest + h);
}

Ledger::Ledger(const Market& market, const Plan& plan)
    : market_(market),
      plan_(plan),
      last_seq_(plan.by_partition.size(), 0),
      digest_(plan.by_partition.size(), 0),
      events_(plan.by_partition.size(), 0),
      scripted_events_(plan.scripted),
      leaves_(plan.seller_host.size(), 0) {}

void Ledger::error(std::string message) {
  if (errors_.size() < kMaxErrors)
    errors_.push_back(std::move(message));
  else
    ++errors_dropped_;
}

void Ledger::on_event(std::uint32_t partition, const Event& e) {
  digest_[partition] = fold_event(digest_[partition], e);
  ++events_[partition];
  // Each command yields at least its outcome, so seqs arrive consecutively and a new seq must
  // start with exactly one Accepted / Rejected.
  engine::Seq& last = last_seq_[partition];
  if (e.seq == last + 1) {
    if (!is_outcome(e))
      error(fmt::format("partition {} seq {}: first event is not Accepted/Rejected", partition,
                        e.seq));
    last = e.seq;
  } else if (e.seq != last) {
    error(fmt::format("partition {}: seq {} after {}", partition, e.seq, last));
    last = e.seq;
  } else if (is_outcome(e)) {
    error(fmt::format("partition {} seq {}: a second Accepted/Rejected", partition, e.seq));
  }
  if (!plan_.has(partition, e.seq)) {
    error(fmt::format("partition {}: event for seq {} that was never submitted", partition, e.seq));
    return;
  }
  const std::uint32_t command = plan_.command_at(partition, e.seq);
  if (command < plan_.scripted) scripted_events_[command].emplace_back(partition, e);

  const bool known_order = e.order_id < leaves_.size();
  switch (e.kind) {
    case EventKind::Accepted:
      ++accepted;
      if (e.command == CommandKind::NewOrder && known_order) leaves_[e.order_id] = e.qty;
      break;
    case EventKind::Rejected:
      ++rejected[e.reason < rejected.size() ? e.reason : 0];
      break;
    case EventKind::Fill:
      on_fill(e);
      break;
    case EventKind::Cancelled:
      ++cancelled[e.reason < cancelled.size() ? e.reason : 0];
      if (known_order) leaves_[e.order_id] = 0;
      break;
    case EventKind::Modified:
      if (known_order) leaves_[e.order_id] = e.leaves_qty;
      break;
    case EventKind::BookLevel:
      levels_[{static_cast<std::uint64_t>(e.instrument) << 1 | static_cast<std::uint64_t>(e.side),
               e.price}] = LevelState{e.qty, static_cast<std::uint32_t>(e.leaves_qty)};
      break;
    case EventKind::Incentive:  // the demo sets no pricing policy, trading mode or breaker
    case EventKind::AuctionResult:
    case EventKind::InstrumentState:
      break;
  }
}

void Ledger::on_fill(const Event& e) {
  ++fills;
  filled_qty += e.qty;
  if (e.order_id < leaves_.size()) leaves_[e.order_id] = e.leaves_qty;
  if (e.maker_order_id < leaves_.size()) leaves_[e.maker_order_id] = e.maker_leaves_qty;

  const bool taker_buys = e.side == Side::Buy;
  const OrderId ask = taker_buys ? e.maker_order_id : e.order_id;
  const OwnerId buyer = taker_buys ? e.owner : e.maker_owner;
  const HostId expected_host = ask < plan_.seller_host.size() ? plan_.seller_host[ask] : 0;
  if (e.host == 0 || e.host != expected_host)
    error(fmt::format("fill seq {}: host {} but the ask #{} is host {}", e.seq, e.host, ask,
                      expected_host));
  const InstrumentSpec& spec = market_.product(e.instrument).spec;
  if (e.qty <= 0 || e.price < spec.band_min || e.price > spec.band_max || e.price % spec.tick != 0)
    error(fmt::format("fill seq {}: {} @ {} is off the instrument's rules", e.seq, e.qty, e.price));

  Allocation& a = allocations_[AllocationKey{buyer, e.host, e.instrument}];
  a.qty += e.qty;
  a.notional += e.price * e.qty;
}

void Ledger::finish() {
  for (std::uint32_t s = 0; s < last_seq_.size(); ++s)
    if (last_seq_[s] != plan_.by_partition[s].size())
      error(fmt::format("partition {}: outcomes for {} of {} commands", s, last_seq_[s],
                        plan_.by_partition[s].size()));
  if (errors_dropped_ > 0) errors_.push_back(fmt::format("... and {} more", errors_dropped_));
}

}  // namespace swarmex::demo
