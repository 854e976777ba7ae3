// Everything the gateway keeps per principal. It lives on the principal's home I/O thread and is
// touched by no other thread: client order ids, the gap-free report stream with its replay ring,
// the host fill stream, and the principal's live sessions. Every part is bounded
// (docs/operations.md, "Client order ids and report replay").
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "dedup_window.hpp"
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
  std::uint8_t legs = 1;    // a resale request's legs: order_id .. order_id + legs - 1
  std::uint8_t live = 1;    // legs not ended yet; 0: ended, remembered within the dedup horizon
  std::int64_t end_ns = 0;  // when it ended (sequenced time)
};

// What the replay rings and the dedup horizon may hold per principal.
struct PrincipalBounds {
  std::size_t replay_reports = 1'000'000;  // reports in the ring
  std::size_t replay_fills = 1'000'000;    // host fills in the ring
  DedupHorizon dedup;
  std::uint32_t partitions = 1;  // one dedup window per engine partition
};
// What the configuration asks for: `[server] replay_buffer` entries and `replay_buffer_bytes`
// per ring, whichever is fewer (at least one); the dedup horizon.
[[nodiscard]] PrincipalBounds principal_bounds(const Config& config);

class PrincipalState {
 public:
  PrincipalState(const Principal& p, const PrincipalBounds& bounds)
      : principal(p),
        bounds_(bounds),
        by_client_(p.id),
        client_of_(~std::uint64_t{p.id}),
        ended_(std::max<std::uint32_t>(bounds.partitions, 1)) {}
  // Rings of `replay_capacity` entries, the default dedup horizon.
  PrincipalState(const Principal& p, std::size_t replay_capacity)
      : PrincipalState(p, PrincipalBounds{replay_capacity, replay_capacity, {}, 1}) {}

  const Principal& principal;

  // A client order id names one order while it lives and for the dedup horizon after it ended
  // (dedup_window.hpp); then it is forgotten and may be used again.
  [[nodiscard]] const ClientOrder* find_client(std::uint64_t client_order_id) const {
    return by_client_.find(client_order_id);
  }
  // Whether a new order may not use this id at `now_ns` (sequenced time, the wall clock): its
  // order lives, or ended within the horizon.
  [[nodiscard]] bool is_duplicate(std::uint64_t client_order_id, std::int64_t now_ns) const {
    const ClientOrder* co = find_client(client_order_id);
    if (co == nullptr) return false;
    return co->live != 0 || bounds_.dedup.ns <= 0 || co->end_ns >= now_ns - bounds_.dedup.ns;
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
    by_client_.put(r.client_order_id,
                   ClientOrder{r.order_id, r.legs[0].instrument, r.leg_count, r.leg_count});
    client_of_.put(r.order_id, r.client_order_id);
    for (std::uint8_t i = 1; i < r.leg_count; ++i) {
      legs_[r.order_id + i] = ClientOrder{r.order_id + i, r.legs[i].instrument};
      client_of_.put(r.order_id + i, r.client_order_id);
    }
  }
  // Start-up: an order still resting at the snapshot (a resale leg after the first when
  // `leg` != `first`; its request's first leg may have ended).
  void restore_live(std::uint64_t client_order_id, engine::OrderId first, engine::OrderId leg,
                    engine::InstrumentId instrument, std::uint8_t legs) {
    if (leg != first) legs_[leg] = ClientOrder{leg, instrument};
    client_of_.put(leg, client_order_id);
    ClientOrder* co = by_client_.find(client_order_id);
    if (co == nullptr || co->order_id != first || co->live == 0) {
      by_client_.put(client_order_id, ClientOrder{first, instrument, legs, 1});
      client_of_.put(first, client_order_id);
      return;
    }
    ++co->live;
    if (leg == first) co->instrument = instrument;
    co->legs = std::max(co->legs,
                        static_cast<std::uint8_t>(std::max<std::uint64_t>(legs, leg - first + 1)));
  }
  // Start-up: room for `n` more client order ids (restore_live, restore_ended) at once.
  void reserve_ids(std::size_t n) {
    by_client_.reserve(n);
    client_of_.reserve(n);
  }
  // Start-up: orders that ended before the snapshot, within the horizon, oldest first.
  void restore_ended(std::uint32_t partition, const std::deque<EndedOrder>& ended);
  // An event reported to this principal (`maker`: as the maker of a fill) from `partition`: the
  // order it ends, if it is one of theirs, enters the dedup window.
  void note_end(const engine::Event& e, bool maker, std::uint32_t partition, std::int64_t time_ns);

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
  // What the dedup bound is about: ids held (live and ended), the ended ones, resale legs.
  [[nodiscard]] std::size_t client_ids() const noexcept { return by_client_.size(); }
  [[nodiscard]] std::size_t order_ids() const noexcept { return client_of_.size(); }
  [[nodiscard]] std::size_t ended_ids() const noexcept {
    std::size_t n = 0;
    for (const DedupWindow& w : ended_)
      n += w.size();
    return n;
  }
  [[nodiscard]] std::size_t resale_legs() const noexcept { return legs_.size(); }
  [[nodiscard]] const std::deque<EndedOrder>& ended(std::uint32_t partition) const noexcept {
    return ended_[partition % ended_.size()].ended();
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

  void forget(const EndedOrder& o);

  PrincipalBounds bounds_;
  // Grown a few nodes per insert: no insert stalls the thread with a whole rehash. Bounded: live
  // orders plus the dedup windows.
  IdMap<ClientOrder> by_client_;
  IdMap<std::uint64_t> client_of_;
  std::unordered_map<engine::OrderId, ClientOrder> legs_;  // live resale legs after the first
  std::vector<DedupWindow> ended_;                         // by partition
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
  if (reports_.size() > bounds_.replay_reports) reports_.pop_front();
  return reports_.back();
}

inline const HostFill& PrincipalState::append(HostFill f) {
  f.stream_seq = next_fill_seq_++;
  fills_.push_back(f);
  if (fills_.size() > bounds_.replay_fills) fills_.pop_front();
  return fills_.back();
}

}  // namespace swarmex::gateway
