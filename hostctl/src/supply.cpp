#include "swarmex/hostctl/supply.hpp"

#include <algorithm>

namespace swarmex::hostctl {

SupplyBook::SupplyBook(std::vector<SupplyLine> lines)
    : lines_(std::move(lines)), state_(lines_.size()) {}

void SupplyBook::reset() {
  for (Line& l : state_)
    l = Line{};
  line_of_order_.clear();
}

void SupplyBook::on_report(const wire::ExecutionReport& r) {
  if (r.client_order_id() == 0) return;
  auto it = std::find_if(state_.begin(), state_.end(), [&](const Line& l) {
    return l.ask.client_order_id == r.client_order_id();
  });
  if (it == state_.end()) return;  // an ask of an earlier session, or none of ours
  Line& line = *it;
  Ask& a = line.ask;
  switch (r.kind()) {
    case wire::ExecKind::Accepted:
      // The acceptance of a modify or cancel carries no leaves; its Modified or Cancelled
      // report follows. Only a new ask's acceptance says what rests.
      if (a.order_id != 0) return;
      a.order_id = r.order_id();
      a.leaves = r.leaves_qty();
      a.in_flight = false;
      line_of_order_[a.order_id] = static_cast<std::size_t>(it - state_.begin());
      break;
    case wire::ExecKind::Modified:
      a.leaves = r.leaves_qty();
      a.in_flight = false;
      break;
    case wire::ExecKind::Filled:
      a.leaves = r.leaves_qty();
      line.reported_filled += r.last_qty();
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
  if (a.leaves == 0 && !a.in_flight) a = Ask{};  // gone: the next plan places a new one
}

void SupplyBook::on_fill(std::uint64_t sell_order_id, std::int64_t qty) {
  auto it = line_of_order_.find(sell_order_id);
  if (it != line_of_order_.end()) state_[it->second].seen_filled += qty;
}

std::int64_t SupplyBook::unseen(const std::string& resource, const std::string& device) const {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < lines_.size(); ++i)
    if (lines_[i].resource == resource && lines_[i].device == device)
      sum += std::max<std::int64_t>(0, state_[i].reported_filled - state_[i].seen_filled);
  return sum;
}

std::vector<SupplyAction> SupplyBook::plan(const std::vector<std::int64_t>& free_qty,
                                           std::uint64_t& next_client_order_id) {
  std::vector<SupplyAction> out;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    Ask& a = state_[i].ask;
    if (a.in_flight) continue;
    const SupplyLine& line = lines_[i];
    std::int64_t want = std::max<std::int64_t>(0, free_qty[i]);
    if (line.max_qty > 0) want = std::min(want, line.max_qty);
    if (want == a.leaves) continue;
    SupplyAction act;
    act.instrument = line.instrument;
    act.price = line.reserve_price;
    if (a.client_order_id == 0) {
      act.kind = SupplyAction::Kind::New;
      act.qty = want;
      act.client_order_id = next_client_order_id++;
      a.client_order_id = act.client_order_id;
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
