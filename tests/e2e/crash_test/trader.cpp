#include "trader.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace swarmex::crash {

using namespace std::chrono_literals;
using engine::RejectReason;
using wire::ExecKind;

Trader::Trader(std::string name, wire::Role role, std::uint32_t host_id, std::uint64_t seed)
    : name_(std::move(name)), role_(role), host_id_(host_id), rng_(seed) {}

std::uint64_t Trader::acked() const {
  return static_cast<std::uint64_t>(std::count_if(orders_.begin(), orders_.end(),
                                                  [](const auto& kv) { return kv.second.acked; }));
}

client::LogonResult Trader::logon(client::Client& c, std::uint64_t resume_from_seq) {
  protocol::FrameWriter& w = c.writer();
  c.send(w.finish(wire::CreateLogonDirect(w.fbb(), name_.c_str(), (name_ + "-token").c_str(), role_,
                                          resume_from_seq)));
  client::LogonResult r;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    const wire::Message* m = c.receive(100ms);
    if (m == nullptr) continue;
    if (m->body_type() == wire::Body::LogonAck) {
      r.next_stream_seq = m->body_as_LogonAck()->next_stream_seq();
      return r;
    }
    if (m->body_type() == wire::Body::LogonReject) {
      r.reason = RejectReason::BadCredentials;
      return r;
    }
  }
  r.reason = RejectReason::NotLoggedOn;
  return r;
}

void Trader::apply(const wire::ExecutionReport& r) {
  if (r.stream_seq() != 0) last_stream_seq_ = std::max(last_stream_seq_, r.stream_seq());
  auto it = orders_.find(r.client_order_id());
  if (it == orders_.end()) return;
  OrderLog& o = it->second;
  switch (r.kind()) {
    case ExecKind::Accepted:
      if (r.order_id() != 0 && o.order_id == 0) {  // the order's own acceptance
        o.order_id = r.order_id();
        o.acked = true;
        o.leaves = r.leaves_qty();
      }
      break;
    case ExecKind::Rejected:
      if (!o.acked) o.done = true;
      break;
    case ExecKind::Filled:
      o.leaves = r.leaves_qty();
      if (o.leaves == 0) o.done = true;
      break;
    case ExecKind::Cancelled:
      o.leaves = 0;
      o.done = true;
      break;
    case ExecKind::Modified:
      o.leaves = r.leaves_qty();
      break;
    default:
      break;
  }
}

void Trader::trade(int port, const std::atomic<bool>& stop) {
  try {
    client::Client c;
    c.connect("127.0.0.1", static_cast<std::uint16_t>(port), 2s);
    if (!logon(c, 0).ok()) return;
    if (role_ == wire::Role::Host) c.subscribe_fills(host_id_, 0);
    const bool host = role_ == wire::Role::Host;
    while (!stop.load()) {
      const std::uint64_t dice = rng_() % 100;
      std::vector<std::uint64_t> live;
      for (const auto& [id, o] : orders_)
        if (o.acked && !o.done) live.push_back(id);
      if (dice < 60 || live.empty()) {
        client::OrderSpec o;
        o.client_order_id = next_client_id_++;
        o.instrument =
            (rng_() % 2) ? 1 : 2;  // both pool-a, one partition: one deterministic stream
        o.side = host ? wire::Side::Sell : wire::Side::Buy;
        // Prices around 5,000 overlap, so many orders trade.
        o.price = (host ? 4800 + 100 * static_cast<std::int64_t>(rng_() % 6)
                        : 4700 + 100 * static_cast<std::int64_t>(rng_() % 6));
        o.qty = 1 + static_cast<std::int64_t>(rng_() % 9);
        o.time_in_force =
            (!host && rng_() % 4 == 0) ? wire::TimeInForce::Ioc : wire::TimeInForce::Gtc;
        o.stp = wire::StpMode::None;
        orders_[o.client_order_id] = OrderLog{0, o.instrument, false, false, o.qty};
        c.new_order(o);
      } else if (dice < 85) {
        const std::uint64_t id = live[rng_() % live.size()];
        c.cancel_order(orders_[id].instrument, client::OrderRef{id, 0});
      } else {
        const std::uint64_t id = live[rng_() % live.size()];
        const std::int64_t price =
            (host ? 4800 : 4700) + 100 * static_cast<std::int64_t>(rng_() % 6);
        c.modify_order(orders_[id].instrument, client::OrderRef{id, 0}, price,
                       1 + static_cast<std::int64_t>(rng_() % 9));
      }
      // Take what arrived; wait a little so acknowledgements keep up with sending.
      for (const wire::Message* m = c.receive(200us); m != nullptr; m = c.try_receive()) {
        if (m->body_type() == wire::Body::ExecutionReport) apply(*m->body_as_ExecutionReport());
        if (m->body_type() == wire::Body::Fill) {
          const auto* f = m->body_as_Fill();
          fills_seen_.push_back(
              FillKey{f->engine_seq(), f->buy_order_id(), f->sell_order_id(), f->qty()});
          last_fill_seq_ = std::max(last_fill_seq_, f->stream_seq());
        }
      }
    }
  } catch (const std::exception&) {
    // The server was killed: what we saw so far is the client-side log.
  }
}

void Trader::verify(int port, std::uint64_t* lost, std::uint64_t* mismatches,
                    std::vector<std::string>* why) {
  client::Client c;
  c.connect("127.0.0.1", static_cast<std::uint16_t>(port), 5s);
  // Resume after the last report we saw: the server replays exactly what the crash kept from us.
  if (!logon(c, last_stream_seq_).ok()) {
    ++*mismatches;
    why->push_back(name_ + ": cannot log on after restart");
    return;
  }
  if (role_ == wire::Role::Host) c.subscribe_fills(host_id_, 0);
  // Reports the crash kept from us (durable, never delivered), and all fills from the start.
  std::vector<FillKey> fills_after;
  for (const wire::Message* m = c.receive(300ms); m != nullptr; m = c.receive(300ms)) {
    if (m->body_type() == wire::Body::ExecutionReport) {
      const auto* r = m->body_as_ExecutionReport();
      if (r->client_order_id() != 0 && !orders_.count(r->client_order_id())) {
        ++*mismatches;
        why->push_back(name_ + ": report for an order never sent: client id " +
                       std::to_string(r->client_order_id()));
      }
      apply(*r);
    }
    if (m->body_type() == wire::Body::Fill) {
      const auto* f = m->body_as_Fill();
      fills_after.push_back(
          FillKey{f->engine_seq(), f->buy_order_id(), f->sell_order_id(), f->qty()});
    }
  }
  if (role_ == wire::Role::Host) {
    std::sort(fills_after.begin(), fills_after.end());
    for (const FillKey& k : fills_seen_)
      if (!std::binary_search(fills_after.begin(), fills_after.end(), k)) {
        ++*lost;
        why->push_back(name_ + ": fill at engine seq " + std::to_string(k.engine_seq) +
                       " reported before the crash is gone");
      }
  }
  // Every acknowledged order must be exactly where the log says: resting with its leaves
  // (a cancel returns them), or finished (a cancel finds nothing). Cancels are pipelined.
  std::map<std::uint64_t, bool> pending;  // client id -> answered
  for (auto& [client_id, o] : orders_) {
    if (!o.acked) continue;
    c.cancel_order(o.instrument, client::OrderRef{client_id, 0});
    pending[client_id] = false;
  }
  std::size_t open = pending.size();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (open > 0 && std::chrono::steady_clock::now() < deadline) {
    const wire::Message* m = c.receive(100ms);
    if (m == nullptr || m->body_type() != wire::Body::ExecutionReport) continue;
    const auto* r = m->body_as_ExecutionReport();
    auto p = pending.find(r->client_order_id());
    if (p == pending.end() || p->second) continue;
    const OrderLog& o = orders_[r->client_order_id()];
    if (r->kind() == ExecKind::Rejected) {
      p->second = true;
      --open;
      if (!o.done) {
        ++*lost;
        why->push_back(name_ + ": acknowledged resting order " + std::to_string(p->first) +
                       " (leaves " + std::to_string(o.leaves) + ") is gone");
      }
    } else if (r->kind() == ExecKind::Cancelled) {
      p->second = true;
      --open;
      if (o.done || r->qty() != o.leaves) {
        ++*mismatches;
        why->push_back(name_ + ": order " + std::to_string(p->first) + " rested with " +
                       std::to_string(r->qty()) + " where the log says " +
                       (o.done ? "finished" : "leaves " + std::to_string(o.leaves)));
      }
    }
  }
  for (const auto& [client_id, answered] : pending)
    if (!answered) {
      ++*mismatches;
      why->push_back(name_ + ": no answer to the cancel of " + std::to_string(client_id));
    }
}

}  // namespace swarmex::crash
