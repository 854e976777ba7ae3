// Everything the gateway keeps per principal. It lives on the principal's home I/O thread and is
// touched by no other thread: client order ids, the gap-free report stream with its replay ring,
// the host fill stream, and the principal's live sessions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "id_map.hpp"
#include "order_quota.hpp"
#include "own_view.hpp"
#include "reports.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

class Session;

struct ClientOrder {
  engine::OrderId order_id;
  engine::InstrumentId instrument;
};

class PrincipalState {
 public:
  PrincipalState(const Principal& p, std::size_t replay_capacity)
      : principal(p),
        replay_capacity_(replay_capacity),
        by_client_(p.id),
        client_of_(~std::uint64_t{p.id}) {}

  const Principal& principal;

  // Client order ids are unique per principal for the life of the journal.
  [[nodiscard]] const ClientOrder* find_client(std::uint64_t client_order_id) const {
    return by_client_.find(client_order_id);
  }
  void remember(std::uint64_t client_order_id, engine::OrderId order_id,
                engine::InstrumentId instrument) {
    by_client_.put(client_order_id, ClientOrder{order_id, instrument});
    client_of_.put(order_id, client_order_id);
  }
  // A resale request's orders: the client order id names the first leg; every leg is its own
  // ask, named by its exchange order id (order_id + i), reported under the request's id.
  void remember(const engine::Resell& r) {
    view.expect_resale(r);
    remember(r.client_order_id, r.order_id, r.legs[0].instrument);
    for (std::uint8_t i = 1; i < r.leg_count; ++i) {
      legs_[r.order_id + i] = ClientOrder{r.order_id + i, r.legs[i].instrument};
      client_of_.put(r.order_id + i, r.client_order_id);
    }
  }
  // A resale leg after the first, restored from a snapshot's ledger (its request's first leg may
  // have ended): the client order id still names the request.
  void remember_leg(std::uint64_t client_order_id, engine::OrderId first, engine::OrderId leg,
                    engine::InstrumentId instrument) {
    legs_[leg] = ClientOrder{leg, instrument};
    client_of_.put(leg, client_order_id);
    if (by_client_.find(client_order_id) == nullptr) {
      by_client_.put(client_order_id, ClientOrder{first, instrument});
      client_of_.put(first, client_order_id);
    }
  }
  // One of this principal's orders, named by client order id or by exchange order id (when both
  // are given they must agree); null when it is not theirs. Sets *client when it was 0.
  [[nodiscard]] const ClientOrder* resolve(std::uint64_t* client, engine::OrderId order_id) const {
    if (*client == 0) *client = client_of(order_id);
    if (auto leg = legs_.find(order_id); leg != legs_.end())
      return client_of(order_id) == *client ? &leg->second : nullptr;
    const ClientOrder* co = *client != 0 ? find_client(*client) : nullptr;
    return co == nullptr || (order_id != 0 && order_id != co->order_id) ? nullptr : co;
  }
  [[nodiscard]] std::uint64_t client_of(engine::OrderId order_id) const {
    const std::uint64_t* client = client_of_.find(order_id);
    return client == nullptr ? 0 : *client;
  }

  // What this principal holds of each delivery window (product, window start) from each host:
  // what a reservation change by percent is of. Derived only from engine output, never from
  // requests: its fill reports (buys add, resales subtract) and, at start-up, the snapshot's
  // holdings (Server::restore_holdings). The engine keeps the authoritative holdings and checks
  // every resale.
  void note_fill(engine::InstrumentId product, std::int64_t window_start_ns, engine::HostId host,
                 engine::Qty qty) {
    held_[{product, window_start_ns, host}] += qty;
  }
  // Held in that window from `host`, or from every host when host is 0.
  [[nodiscard]] engine::Qty held(engine::InstrumentId product, std::int64_t window_start_ns,
                                 engine::HostId host) const {
    engine::Qty sum = 0;
    for (auto it = held_.lower_bound({product, window_start_ns, 0});
         it != held_.end() && std::get<0>(it->first) == product &&
         std::get<1>(it->first) == window_start_ns;
         ++it)
      if (host == 0 || std::get<2>(it->first) == host) sum += it->second;
    return sum;
  }
  [[nodiscard]] const auto& held_windows() const noexcept { return held_; }
  // Windows that started before `time_ns` are delivered: forgets them.
  void forget_windows_before(std::int64_t time_ns) {
    std::erase_if(held_, [&](const auto& kv) { return std::get<1>(kv.first) < time_ns; });
  }

  // Stamps the next stream sequence, keeps the report for replay, returns it.
  const ExecReport& append(ExecReport r);
  const HostFill& append(HostFill f);
  [[nodiscard]] std::uint64_t next_stream_seq() const noexcept { return next_report_seq_; }
  [[nodiscard]] std::uint64_t next_fill_seq() const noexcept { return next_fill_seq_; }
  // Start-up, before anything is appended: `reports` and `fills` were numbered before the
  // snapshots recovery starts from (added up over the partitions' ledgers); they are not held.
  void skip_numbered(std::uint64_t reports, std::uint64_t fills) noexcept {
    next_report_seq_ += reports;
    next_fill_seq_ += fills;
  }
  // Reports / fills with stream_seq > after still held in the ring (oldest first).
  template <typename F>
  bool replay_reports(std::uint64_t after, F&& send) const {
    return replay(reports_, after, next_report_seq_, send);
  }
  template <typename F>
  bool replay_fills(std::uint64_t after, F&& send) const {
    return replay(fills_, after, next_fill_seq_, send);
  }

  // The oldest stream sequence still held (the next one when none is).
  [[nodiscard]] std::uint64_t oldest_report() const noexcept {
    return reports_.empty() ? next_report_seq_ : reports_.front().stream_seq;
  }
  [[nodiscard]] std::uint64_t oldest_fill() const noexcept {
    return fills_.empty() ? next_fill_seq_ : fills_.front().stream_seq;
  }

  // Usage telemetry, hosts only: the tenants this host holds capacity for, as the fills the
  // exchange sent it say (tenant -> the latest lease end of them). At most one entry per
  // configured tenant. A report may trail its lease's end by `grace_ns`.
  void note_holder(engine::OwnerId tenant, std::int64_t lease_end_ns) {
    std::int64_t& end = holders_[tenant];
    end = std::max(end, lease_end_ns);
  }
  [[nodiscard]] const std::unordered_map<engine::OwnerId, std::int64_t>& holders() const noexcept {
    return holders_;
  }
  [[nodiscard]] bool holds_for(engine::OwnerId tenant, std::int64_t now_ns,
                               std::int64_t grace_ns) const {
    auto it = holders_.find(tenant);
    return it != holders_.end() && it->second > now_ns - grace_ns;
  }
  // The host's memory as its last DeclareSupply of a mem instrument says (bytes; 0: none yet).
  std::int64_t declared_memory_bytes = 0;
  // Usage reports: the host's token bucket (telemetry.reports_per_s, burst reports_burst). Over
  // it a report is refused; the session stays.
  [[nodiscard]] bool take_usage_token(std::int64_t now_ns, double per_s, double burst) {
    if (usage_tokens_at_ns_ == 0) usage_tokens_ = burst;
    usage_tokens_ = std::min(
        burst, usage_tokens_ + static_cast<double>(now_ns - usage_tokens_at_ns_) * per_s / 1e9);
    usage_tokens_at_ns_ = now_ns;
    if (usage_tokens_ < 1.0) return false;
    usage_tokens_ -= 1.0;
    return true;
  }

  OwnView view;  // resting orders and spot leases, for OrdersRequest / HoldingsRequest

  // Fair share (principal.limits): its orders in each partition's pool, and its requests over all
  // its sessions, a token bucket (limits.requests_per_s, burst limits.requests_burst).
  OrderQuota orders;
  [[nodiscard]] bool take_request_token(std::int64_t now_ns) {
    const PrincipalLimits& l = principal.limits;
    if (request_tokens_at_ns_ == 0) request_tokens_ = l.requests_burst;
    // Its sessions' clocks are read apart: never back in time.
    const std::int64_t elapsed = std::max<std::int64_t>(0, now_ns - request_tokens_at_ns_);
    request_tokens_ = std::min(
        l.requests_burst, request_tokens_ + static_cast<double>(elapsed) * l.requests_per_s / 1e9);
    request_tokens_at_ns_ = std::max(request_tokens_at_ns_, now_ns);
    if (request_tokens_ < 1.0) return false;
    request_tokens_ -= 1.0;
    return true;
  }

  std::vector<Session*> sessions;       // logged on
  std::vector<Session*> fill_sessions;  // hosts subscribed to fills

 private:
  // False when the ring no longer holds everything after `after` (nor does the journal replayed
  // at start-up: what came before the snapshot recovery started from is not held).
  template <typename Ring, typename F>
  static bool replay(const Ring& ring, std::uint64_t after, std::uint64_t next, F& send) {
    if (after + 1 >= next) return true;
    const std::uint64_t oldest = ring.empty() ? next : ring.front().stream_seq;
    for (const auto& r : ring)
      if (r.stream_seq > after) send(r);
    return after + 1 >= oldest;
  }

  std::size_t replay_capacity_;
  // Grown a few nodes per insert: no insert stalls the thread with a whole rehash.
  IdMap<ClientOrder> by_client_;
  IdMap<std::uint64_t> client_of_;
  std::unordered_map<engine::OrderId, ClientOrder> legs_;  // resale legs after the first
  std::map<std::tuple<engine::InstrumentId, std::int64_t, engine::HostId>, engine::Qty> held_;
  std::unordered_map<engine::OwnerId, std::int64_t> holders_;
  double usage_tokens_ = 0;
  double request_tokens_ = 0;
  std::int64_t request_tokens_at_ns_ = 0;
  std::int64_t usage_tokens_at_ns_ = 0;
  std::deque<ExecReport> reports_;
  std::deque<HostFill> fills_;
  std::uint64_t next_report_seq_ = 1;
  std::uint64_t next_fill_seq_ = 1;
};

inline const ExecReport& PrincipalState::append(ExecReport r) {
  r.stream_seq = next_report_seq_++;
  reports_.push_back(r);
  if (reports_.size() > replay_capacity_) reports_.pop_front();
  return reports_.back();
}

inline const HostFill& PrincipalState::append(HostFill f) {
  f.stream_seq = next_fill_seq_++;
  fills_.push_back(f);
  if (fills_.size() > replay_capacity_) fills_.pop_front();
  return fills_.back();
}

}  // namespace swarmex::gateway
