// The exchange link: the session to swarmexd as this host (logon, the fill subscription from the
// last enacted sequence, supply groups), the asks kept at free capacity, what arrives, and the
// enactment reports sent back.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "swarmex/common/clock.hpp"
#include "swarmex/common/history_id.hpp"
#include "swarmex/common/split_list.hpp"
#include "swarmex/hostctl/daemon.hpp"
#include "swarmex/hostctl/fill_intake.hpp"

namespace swarmex::hostctl {

using Clock = std::chrono::steady_clock;

void Daemon::declare_supply() {
  std::set<std::string> declared;
  for (const SupplyLine& line : config_.supply) {
    const std::string group = is_mig(line.resource) ? "mig" : line.resource;
    if (!declared.insert(group).second) continue;
    std::int64_t capacity = 0;
    if (group == "mig") {
      capacity = mig_.gpu_count();  // the exchange places instances on GPUs [0, capacity)
    } else if (group == "io") {
      // The exchange's group is per resource, bandwidth is per device: it gets the sum, and the
      // controller still checks each device at the fill.
      for (const IoCapacity& d : capacity_.io)
        capacity += d.units;
    } else {
      capacity = capacity_of(capacity_, line.resource, line.device);
    }
    // A product's first book is an instrument of the same group (per host and resource).
    const std::uint32_t on = line.instrument != 0 ? line.instrument : line.product;
    client_.declare_supply(on, capacity);
    spdlog::info("supply group {}: capacity {} declared (instrument {})", group, capacity, on);
  }
}

bool Daemon::connect_and_logon() {
  // A cluster's nodes (docs/cluster.md): its standbys do not listen, so each is tried in turn,
  // from the one that answered last.
  const std::vector<std::string> nodes = split_list(config_.address);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::size_t at = (node_ + i) % nodes.size();
    if (logon_to(nodes[at])) {
      node_ = at;
      return true;
    }
  }
  if (nodes.empty()) spdlog::error("[exchange] address is empty");
  return false;
}

bool Daemon::logon_to(const std::string& address) {
  try {
    client_.close();
    client_.connect(client::parse_endpoint(address), std::chrono::seconds(2));
    ask_for_standby();
    const auto r = client_.logon(config_.principal, config_.token, wire::Role::Host, 0, true);
    if (!r.ok()) {
      spdlog::error("logon as '{}' refused: {} {}", config_.principal, engine::to_string(r.reason),
                    r.text);
      client_.close();
      return false;
    }
    host_id_ = r.host_id;
    standby_active_ = false;  // a standby logon starts on standby
    supply_.reset();
    client_.mass_cancel();  // nothing of an earlier session keeps resting
    holding_ = false;
    if (!meet_history(r.history)) {  // holding: logged on, selling nothing, taking no fill
      last_sent_ = Clock::now();
      connected_ = true;
      spdlog::info("logged on to {} as host {} (id {}), holding: exchange history {} not adopted",
                   address, config_.principal, host_id_, common::format_history_id(r.history));
      return true;
    }
    subscribe_to_fills();
    declare_supply();
    next_listing_ = Clock::now();  // window asks come back with the first listing
    request_windows();
    last_sent_ = Clock::now();
    connected_ = true;
    spdlog::info("logged on to {} as host {} (id {}), fills after {} of history {}{}", address,
                 config_.principal, host_id_, state_.last_seq,
                 common::format_history_id(state_.history),
                 feed_ != nullptr ? " from JetStream" : "");
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("exchange {}: {}", address, e.what());
    client_.close();
    return false;
  }
}

void Daemon::handle(const wire::Message& m, std::vector<Received>& burst) {
  switch (m.body_type()) {
    case wire::Body::Fill:
      take_fill(*m.body_as_Fill(), burst);
      break;
    case wire::Body::ExecutionReport:
      supply_.on_report(*m.body_as_ExecutionReport());
      if (const auto* r = m.body_as_ExecutionReport(); r->kind() == wire::ExecKind::Rejected)
        spdlog::warn("ask {} on instrument {} refused: {}", r->client_order_id(), r->instrument(),
                     engine::to_string(protocol::to_engine(r->reject_reason())));
      break;
    case wire::Body::AdminAck:
      take_listing(*m.body_as_AdminAck());
      break;
    case wire::Body::Activate:
      activate(*m.body_as_Activate());
      break;
    case wire::Body::Deactivate:
      deactivate(*m.body_as_Deactivate());
      break;
    case wire::Body::InterruptionNotice: {
      // The exchange's warning that a lease ends soon; reclaiming happens at the end itself.
      const auto* n = m.body_as_InterruptionNotice();
      spdlog::info("notice: tenant {}'s {} units on instrument {} end at {} ns", n->tenant(),
                   n->qty(), n->instrument(), n->lease_end_ns());
      break;
    }
    case wire::Body::Error: {
      const auto* e = m.body_as_Error();
      spdlog::error("exchange says: {} {}", engine::to_string(protocol::to_engine(e->reason())),
                    e->text() ? e->text()->str() : "");
      // The fill stream ends before this host's position: the exchange lost fills this host
      // enacted (or is another history). Nothing is skipped: hold until adopted.
      if (protocol::to_engine(e->reason()) == engine::RejectReason::ResumeBeyondEnd && !holding_)
        hold(state_.history, "the exchange's fill stream ends before this host's position " +
                                 std::to_string(state_.last_seq));
      break;
    }
    default:
      break;
  }
}

std::int64_t Daemon::free_capacity(const AskSlot& slot) {
  const SupplyLine& line = supply_.lines()[slot.line];
  const std::int64_t unseen = supply_.unseen(line.resource, line.device);
  if (!is_mig(line.resource))
    return free_for(slot, line, capacity_, state_.book, unseen, common::wall_ns());
  const std::int64_t free = mig_.free_count(line.resource);
  std::int64_t not_created = 0;  // sold, window not started: instances not made (or pre-staged)
  for (const auto& [seq, a] : state_.book.all())
    if (a.state == AllocationState::Pending && a.resource == line.resource)
      not_created += a.qty - std::count_if(a.mig.begin(), a.mig.end(),
                                           [](const MigInstanceRecord& r) { return r.created(); });
  return free - not_created - unseen;
}

void Daemon::update_supply() {
  if (!connected_ || !selling()) return;
  supply_.close_gates(common::wall_ns());
  const auto actions = supply_.plan([this](const AskSlot& s) { return free_capacity(s); },
                                    state_.next_client_order_id);
  for (const SupplyAction& act : actions) {
    switch (act.kind) {
      case SupplyAction::Kind::New: {
        client::OrderSpec o;
        o.client_order_id = act.client_order_id;
        o.instrument = act.instrument;
        o.side = wire::Side::Sell;
        o.price = act.price;
        o.qty = act.qty;
        o.pegged = act.pegged;
        client_.new_order(o);
        break;
      }
      case SupplyAction::Kind::Modify:
        client_.modify_order(act.instrument, client::OrderRef{act.client_order_id, 0}, act.price,
                             act.qty);
        break;
      case SupplyAction::Kind::Cancel:
        client_.cancel_order(act.instrument, client::OrderRef{act.client_order_id, 0});
        break;
    }
    last_sent_ = Clock::now();
  }
}

void Daemon::send_report(std::uint64_t seq, bool ok, const std::string& why,
                         std::int64_t latency_ns) {
  if (!connected_) return;  // the exchange is away; the log line is the record
  try {
    client_.enactment_report(seq, ok, why, latency_ns);
    last_sent_ = Clock::now();
  } catch (const client::ClientError& e) {
    spdlog::warn("enactment report {}: {}", seq, e.what());
    connected_ = false;
  }
}

}  // namespace swarmex::hostctl
