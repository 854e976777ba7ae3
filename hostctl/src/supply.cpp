#include "swarmex/hostctl/supply.hpp"

#include <algorithm>
#include <limits>

namespace swarmex::hostctl {

std::int64_t free_for(const AskSlot& slot, const SupplyLine& line, const HostCapacity& capacity,
                      const AllocationBook& book, std::int64_t unseen, std::int64_t now_ns) {
  const std::int64_t from = slot.spot() ? now_ns : slot.window.start_ns;
  const std::int64_t to =
      slot.spot() ? std::numeric_limits<std::int64_t>::max() : slot.window.end_ns;
  return capacity_of(capacity, line.resource, line.device) -
         book.peak(line.resource, line.device, from, to) - unseen;
}

SupplyBook::SupplyBook(std::vector<SupplyLine> lines) : lines_(std::move(lines)) {
  reset();
}

void SupplyBook::reset() {
  slots_.clear();
  by_client_id_.clear();
  by_order_id_.clear();
  for (std::size_t i = 0; i < lines_.size(); ++i)
    if (lines_[i].product == 0) slots_[Key{i, lines_[i].instrument}].at = AskSlot{i, {}};
}

void SupplyBook::list_windows(std::size_t line, const std::vector<TradingWindow>& windows,
                              std::int64_t now_ns) {
  for (const TradingWindow& w : windows) {
    if (w.gate_ns <= now_ns || w.end_ns <= w.start_ns) continue;
    const Key key{line, w.instrument};
    auto it = slots_.find(key);
    // A book trades its next window long after the last one's gate: whatever is still kept of
    // that one is over.
    if (it != slots_.end() && it->second.at.window.start_ns != w.start_ns && it->second.closed)
      forget(it);
    if (slots_.count(key) == 0) slots_[key].at = AskSlot{line, w};
  }
}

void SupplyBook::close_gates(std::int64_t now_ns) {
  for (auto it = slots_.begin(); it != slots_.end();) {
    Slot& s = it->second;
    auto next = std::next(it);
    if (!s.at.spot() && s.at.window.gate_ns <= now_ns) {
      s.closed = true;
      if (!s.ask.in_flight && s.reported_filled <= s.seen_filled) forget(it);
    }
    it = next;
  }
}

void SupplyBook::forget(std::map<Key, Slot>::iterator it) {
  by_client_id_.erase(it->second.ask.client_order_id);
  for (const std::uint64_t id : it->second.order_ids)
    by_order_id_.erase(id);
  slots_.erase(it);
}

void SupplyBook::on_report(const wire::ExecutionReport& r) {
  if (r.client_order_id() == 0) return;
  const auto found = by_client_id_.find(r.client_order_id());
  if (found == by_client_id_.end()) return;  // an ask of an earlier session, or none of ours
  const Key key = found->second;
  Slot& slot = slots_.at(key);
  Ask& a = slot.ask;
  switch (r.kind()) {
    case wire::ExecKind::Accepted:
      // The acceptance of a modify or cancel carries no leaves; its Modified or Cancelled
      // report follows. Only a new ask's acceptance says what rests.
      if (a.order_id != 0) return;
      a.order_id = r.order_id();
      a.leaves = r.leaves_qty();
      a.in_flight = false;
      by_order_id_[a.order_id] = key;
      slot.order_ids.push_back(a.order_id);
      break;
    case wire::ExecKind::Modified:
      a.leaves = r.leaves_qty();
      a.in_flight = false;
      break;
    case wire::ExecKind::Filled:
      a.leaves = r.leaves_qty();
      slot.reported_filled += r.last_qty();
      break;
    case wire::ExecKind::Rejected:
      // A refused new ask leaves nothing resting; a refused modify or cancel, the ask as it was.
      if (a.order_id == 0) a.leaves = 0;
      a.in_flight = false;
      break;
    case wire::ExecKind::Cancelled:
    case wire::ExecKind::Expired:
      a.leaves = 0;
      a.in_flight = false;
      break;
  }
  if (a.leaves == 0 && !a.in_flight) {  // gone: the next plan places a new one
    by_client_id_.erase(a.client_order_id);
    a = Ask{};
  }
}

void SupplyBook::on_fill(std::uint64_t sell_order_id, std::int64_t qty) {
  auto it = by_order_id_.find(sell_order_id);
  if (it != by_order_id_.end()) slots_.at(it->second).seen_filled += qty;
}

std::int64_t SupplyBook::unseen(const std::string& resource, const std::string& device) const {
  std::int64_t sum = 0;
  for (const auto& [key, s] : slots_)
    if (lines_[key.first].resource == resource && lines_[key.first].device == device)
      sum += std::max<std::int64_t>(0, s.reported_filled - s.seen_filled);
  return sum;
}

std::int64_t SupplyBook::offered(std::size_t line, std::uint32_t instrument) const {
  const auto it = slots_.find(Key{line, instrument == 0 ? lines_[line].instrument : instrument});
  return it == slots_.end() ? 0 : it->second.ask.leaves;
}

std::vector<SupplyAction> SupplyBook::plan(
    const std::function<std::int64_t(const AskSlot&)>& free_of,
    std::uint64_t& next_client_order_id) {
  std::vector<SupplyAction> out;
  for (auto& [key, slot] : slots_) {
    Ask& a = slot.ask;
    if (a.in_flight || slot.closed) continue;  // past its gate the exchange expires what rests
    const SupplyLine& line = lines_[key.first];
    std::int64_t want = std::max<std::int64_t>(0, free_of(slot.at));
    if (line.max_qty > 0) want = std::min(want, line.max_qty);
    if (want == a.leaves) continue;
    SupplyAction act;
    act.instrument = key.second;
    act.price = line.reserve_price;
    act.pegged = line.pegged;
    if (a.client_order_id == 0) {
      act.kind = SupplyAction::Kind::New;
      act.qty = want;
      act.client_order_id = next_client_order_id++;
      a.client_order_id = act.client_order_id;
      by_client_id_[a.client_order_id] = key;
    } else if (want == 0) {
      act.kind = SupplyAction::Kind::Cancel;
      act.client_order_id = a.client_order_id;
    } else {
      act.kind = SupplyAction::Kind::Modify;
      act.qty = want;
      act.client_order_id = a.client_order_id;
    }
    a.in_flight = true;
    out.push_back(act);
  }
  return out;
}

}  // namespace swarmex::hostctl
