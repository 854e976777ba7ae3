// Exchange histories: the fills in the state (and its fill stream position) belong to one
// exchange history (LogonAck.history, a journal's lineage). An exchange restarted on a new journal
// is another history whose fill stream starts again at 1: its fills are no duplicates of the old
// ones, and the old history's allocations mean nothing to it. The controller never skips such
// fills silently: it logs an error naming both histories, stops selling and takes no fill, until
// the history is adopted (`[exchange] on_new_history = "adopt"`, or an operator's
// `swarmex-hostctl adopt-history ID`). Adopting ends every allocation of the old history (its
// tenants' workloads stopped, cgroups removed, MIG instances destroyed, as at a window's end),
// forgets them, and takes the new history's fills from its start (docs/hostctl.md).
#include <spdlog/spdlog.h>

#include <set>

#include "swarmex/common/history_id.hpp"
#include "swarmex/hostctl/daemon.hpp"

namespace swarmex::hostctl {

using common::format_history_id;

bool Daemon::meet_history(std::uint64_t history) {
  if (history == 0) {  // a swarmexd that names none: positions cannot be checked
    if (!warned_no_history_)
      spdlog::warn(
          "the exchange names no history (an older swarmexd): fill positions are not "
          "checked against it");
    warned_no_history_ = true;
    return true;
  }
  if (state_.history == history) return true;
  if (state_.history == 0) {
    spdlog::warn(
        "the state names no exchange history (a new state, or one an older controller "
        "wrote): adopting history {} with fill position {}",
        format_history_id(history), state_.last_seq);
    state_.history = history;
    unsaved_ = true;
    save_state();
    return true;
  }
  const std::uint64_t requested = read_adopt_request(config_.state_dir);
  if (config_.adopt_new_history || requested == history) {
    spdlog::error(
        "the exchange is history {}, this host's fills belong to history {}: adopting "
        "it ({})",
        format_history_id(history), format_history_id(state_.history),
        config_.adopt_new_history ? "on_new_history = \"adopt\""
                                  : "an operator's adopt-history request");
    adopt_history(history);
    return true;
  }
  hold(history, "the exchange at " + config_.address + " is history " + format_history_id(history) +
                    ", but this host's fills (position " + std::to_string(state_.last_seq) +
                    ") belong to history " + format_history_id(state_.history) +
                    " (a new journal?)");
  return false;
}

void Daemon::hold(std::uint64_t history, const std::string& why) {
  holding_ = true;
  foreign_history_ = history;
  if (feed_ != nullptr) feed_->stop();  // no fill taken while holding
  next_adopt_check_ = {};
  std::size_t active = 0;
  for (const auto& [seq, a] : state_.book.all())
    active += a.state == AllocationState::Active || a.state == AllocationState::Pending;
  spdlog::error(
      "{}: NOT selling and NOT taking its fills; {} allocations of history {} stay "
      "enforced. To adopt it (those allocations end, the new history's fills are "
      "enacted from its start): swarmex-hostctl --config FILE adopt-history {} (or "
      "[exchange] on_new_history = \"adopt\")",
      why, active, format_history_id(state_.history), format_history_id(history));
  if (!connected_ && !client_.is_open()) return;
  try {
    client_.mass_cancel();  // whatever rests of this host's asks goes
  } catch (const client::ClientError& e) {
    spdlog::warn("cancelling the asks: {}", e.what());
  }
  supply_.reset();
}

void Daemon::check_adoption() {
  const auto now = std::chrono::steady_clock::now();
  if (!holding_ || now < next_adopt_check_) return;
  next_adopt_check_ = now + std::chrono::milliseconds(250);
  const std::uint64_t requested = read_adopt_request(config_.state_dir);
  if (requested == 0) return;
  if (requested != foreign_history_) {
    spdlog::error("adopt-history names {}, but the exchange is history {}: request ignored",
                  format_history_id(requested), format_history_id(foreign_history_));
    remove_adopt_request(config_.state_dir);
    return;
  }
  spdlog::warn("adopt-history {}: confirmed by an operator", format_history_id(requested));
  adopt_history(requested);
  connected_ = false;  // log on again: asks and the fill subscription of the adopted history
  client_.close();
}

void Daemon::adopt_history(std::uint64_t history) {
  const std::uint64_t old = state_.history;
  std::size_t ended = 0;
  std::set<std::string> tenants;
  std::vector<std::uint64_t> seqs;
  for (const auto& [seq, a] : state_.book.all())
    seqs.push_back(seq);
  for (const std::uint64_t seq : seqs) {
    Allocation& a = *state_.book.find(seq);
    if (a.state == AllocationState::Active || a.state == AllocationState::Pending) {
      ++ended;
      tenants.insert(a.tenant);
    }
    if (!a.mig.empty()) mig_.destroy(a);
  }
  std::vector<std::string> removed;
  for (const TenantOutcome& o : enactor_->reconcile({}, &removed))
    if (!o.ok) spdlog::error("ending {}'s allocations: {}", o.tenant, o.why);
  for (const std::string& t : removed)
    spdlog::warn(
        "history {}: tenant '{}' holds nothing here any more: workload stopped, cgroup "
        "removed",
        format_history_id(old), t);
  spdlog::warn(
      "adopted exchange history {} (was {}): {} allocations of {} tenants of the old "
      "history ended and forgotten (position {}); fills of the new history are taken "
      "from its start",
      format_history_id(history), format_history_id(old), ended, tenants.size(), state_.last_seq);
  state_.book = AllocationBook{};
  state_.last_seq = 0;
  state_.history = history;
  staged_tenants_.clear();
  staged_.clear();
  stage_blocked_.clear();
  holding_ = false;
  foreign_history_ = 0;
  remove_adopt_request(config_.state_dir);
  unsaved_ = true;
  save_state();
  saver_->flush();
}

}  // namespace swarmex::hostctl
