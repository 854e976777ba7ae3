#include "driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace swarmex::loadgen {
namespace {

constexpr std::size_t kRequests = 1u << 14;     // requests remembered per session, for latency
constexpr std::size_t kResting = 1u << 12;      // resting passive ids remembered, for cancels
constexpr std::size_t kMessagesPerWake = 4096;  // then let the other sessions have a turn
constexpr std::int64_t kHeartbeatNs = 1'000'000'000;  // keeps quiet sessions (hosts) alive
constexpr int kInitialAsks = 2;

}  // namespace

void Stats::merge(const Stats& o) {
  ack.merge(o.ack);
  fill.merge(o.fill);
  cancel.merge(o.cancel);
  send_lag.merge(o.send_lag);
  to_engine.merge(o.to_engine);
  from_engine.merge(o.from_engine);
  orders += o.orders;
  cancels += o.cancels;
  requests_total += o.requests_total;
  accepted += o.accepted;
  rejected += o.rejected;
  fills += o.fills;
  cancelled_requested += o.cancelled_requested;
  cancelled_other += o.cancelled_other;
  cancel_rejected += o.cancel_rejected;
  unanswered += o.unanswered;
  host_asks += o.host_asks;
  host_fills += o.host_fills;
  errors += o.errors;
  order_frame_bytes += o.order_frame_bytes;
  for (std::size_t i = 0; i < reject_reasons.size(); ++i)
    reject_reasons[i] += o.reject_reasons[i];
  if (first_error.empty()) first_error = o.first_error;
}

Driver::Driver(client::Client client, Mode mode, std::uint32_t session, const Options& options,
               const IdScheme& ids, const Schedule& schedule)
    : client_(std::move(client)),
      mode_(mode),
      session_(session),
      options_(options),
      ids_(ids),
      schedule_(schedule),
      last_send_ns_(now_ns()),
      requests_(mode == Mode::Host ? 0 : kRequests),
      resting_(mode == Mode::Tenant ? kResting : 0),
      rng_(options.seed * 1'000'003 + session) {
  client_.set_batching(true);  // requests due together leave in one write
}

std::int64_t Driver::next_send_ns() const noexcept {
  if (!alive_ || mode_ == Mode::Host || schedule_.pipelined)
    return std::numeric_limits<std::int64_t>::max();
  // Global schedule: request k of session s is request k*sessions+s of one evenly spaced stream,
  // computed from the start (no drift from summing intervals).
  const double index = static_cast<double>(sequence_) * schedule_.sessions + session_;
  return schedule_.start_ns + std::llround(index * 1e9 / schedule_.rate);
}

void Driver::start(Stats& stats) {
  if (mode_ != Mode::Host || started_) return;
  started_ = true;
  for (int i = 0; i < kInitialAsks; ++i)
    post_ask(stats);
  client_.flush();
}

void Driver::post_ask(Stats& stats) {
  if (counter_ >= IdScheme::kMaxCounter) return;
  client::OrderSpec ask;
  ask.client_order_id = ids_.make(session_, ++counter_);
  ask.instrument = options_.instrument;
  ask.side = wire::Side::Sell;
  ask.price = options_.ask_price;
  ask.qty = options_.ask_qty;
  client_.new_order(ask);
  ++stats.host_asks;
}

void Driver::send_due(std::int64_t now, Stats& stats) {
  if (!alive_) return;
  try {
    if (mode_ != Mode::Host && now < schedule_.send_end_ns) {
      if (schedule_.pipelined) {
        while (outstanding_ < static_cast<std::uint64_t>(schedule_.window) && alive_)
          send_one(now, now, stats);
      } else {
        for (std::int64_t t = next_send_ns(); t <= now && t < schedule_.send_end_ns && alive_;
             t = next_send_ns()) {
          send_one(t, now, stats);
          ++sequence_;
        }
      }
    }
    if (mode_ != Mode::Echo && client_.queued_bytes() == 0 && now - last_send_ns_ > kHeartbeatNs)
      client_.heartbeat(now);
    if (client_.queued_bytes() > 0) {
      client_.flush();
      last_send_ns_ = now;
    }
  } catch (const client::ClientError& e) {
    fail(e.what(), stats);
  }
}

void Driver::send_one(std::int64_t scheduled, std::int64_t now, Stats& stats) {
  const bool measured = scheduled >= schedule_.measure_ns;
  ++stats.requests_total;
  if (measured) stats.send_lag.record(now - scheduled);
  OrderKind kind = mode_ == Mode::Echo ? OrderKind::Passive : options_.mix.pick(uniform_(rng_));
  if (kind == OrderKind::Cancel && resting_count_ > 0) {
    // Cancel the newest resting bid of this session.
    resting_head_ = (resting_head_ + kResting - 1) % kResting;
    --resting_count_;
    const std::uint64_t id = resting_[resting_head_];
    client_.cancel_order(options_.instrument, {.client_order_id = id});
    if (measured) ++stats.cancels;
    if (Request* s = request_of(id); s != nullptr && s->cancel_sent_ns == 0) {
      s->cancel_sent_ns = scheduled;
      ++outstanding_;
    }
    return;
  }
  if (kind == OrderKind::Cancel) kind = OrderKind::Passive;  // nothing to cancel yet
  if (counter_ >= IdScheme::kMaxCounter) return fail("client_order_id space exhausted", stats);

  const std::uint64_t counter = ++counter_;
  Request& request = requests_[counter % kRequests];
  // The ring came round to a request still unanswered: give it up so the window does not leak.
  if (request.client_order_id != 0 && !request.acked) {
    --outstanding_;
    if (request.sent_ns >= schedule_.measure_ns) ++stats.unanswered;
  }
  if (request.client_order_id != 0 && request.cancel_sent_ns != 0) --outstanding_;
  request = Request{ids_.make(session_, counter), scheduled, 0, kind, false, false};

  client::OrderSpec o;
  o.client_order_id = request.client_order_id;
  o.instrument = options_.instrument;
  o.side = wire::Side::Buy;
  o.qty = 1;
  o.time_in_force = kind == OrderKind::Ioc ? wire::TimeInForce::Ioc : wire::TimeInForce::Gtc;
  const auto ticks_below = static_cast<std::int64_t>(1 + rng_() % 1000);
  o.price = kind == OrderKind::Crossing ? options_.ask_price
                                        : options_.ask_price - options_.tick * ticks_below;
  const std::size_t before = client_.queued_bytes();
  client_.new_order(o);
  if (measured) {
    ++stats.orders;
    stats.order_frame_bytes += client_.queued_bytes() - before;
  }
  ++outstanding_;
  if (kind == OrderKind::Passive && mode_ == Mode::Tenant) {
    resting_[resting_head_] = request.client_order_id;
    resting_head_ = (resting_head_ + 1) % kResting;
    resting_count_ = std::min(resting_count_ + 1, kResting);
  }
}

Driver::Request* Driver::request_of(std::uint64_t id) noexcept {
  if (requests_.empty() || !ids_.ours(id, session_)) return nullptr;
  Request& s = requests_[IdScheme::counter_of(id) % kRequests];
  return s.client_order_id == id ? &s : nullptr;
}

void Driver::on_readable(Stats& stats) {
  if (!alive_) return;
  try {
    for (std::size_t i = 0; i < kMessagesPerWake; ++i) {
      const wire::Message* m = client_.try_receive();
      if (m == nullptr) break;
      on_message(*m, now_ns(), stats);
    }
  } catch (const client::ClientError& e) {
    fail(e.what(), stats);
  }
}

void Driver::on_message(const wire::Message& m, std::int64_t now, Stats& stats) {
  switch (m.body_type()) {
    case wire::Body::ExecutionReport:
      if (mode_ == Mode::Host)
        on_host_report(*m.body_as_ExecutionReport(), stats);
      else
        on_report(*m.body_as_ExecutionReport(), now, stats);
      break;
    case wire::Body::NewOrder: {  // the echo of our own frame
      Request* s = request_of(m.body_as_NewOrder()->client_order_id());
      if (mode_ != Mode::Echo || s == nullptr || s->acked) break;
      s->acked = true;
      --outstanding_;
      if (s->sent_ns >= schedule_.measure_ns) {
        ++stats.accepted;
        stats.ack.record(now - s->sent_ns);
      }
      break;
    }
    case wire::Body::Error: {
      const auto* e = m.body_as_Error();
      ++stats.errors;
      if (stats.first_error.empty())
        stats.first_error = std::string(engine::to_string(protocol::to_engine(e->reason()))) +
                            (e->text() ? ": " + e->text()->str() : "");
      break;
    }
    default:
      break;  // heartbeats
  }
}

void Driver::on_report(const wire::ExecutionReport& r, std::int64_t now, Stats& stats) {
  // Reports go to every session of the principal; only this session's ids match a request.
  Request* s = request_of(r.client_order_id());
  if (s == nullptr) return;
  const bool measured = s->sent_ns >= schedule_.measure_ns;
  switch (r.kind()) {
    case wire::ExecKind::Accepted:
      if (s->acked) break;  // a cancel's own acknowledgement
      s->acked = true;
      --outstanding_;
      if (!measured) break;
      ++stats.accepted;
      stats.ack.record(now - s->sent_ns);
      if (r.time_ns() > 0) {  // the sequencing stamp on this machine's steady clock
        const std::int64_t sequenced =
            std::clamp(r.time_ns() - common::wall_minus_steady_ns(), s->sent_ns, now);
        stats.to_engine.record(sequenced - s->sent_ns);
        stats.from_engine.record(now - sequenced);
      }
      break;
    case wire::ExecKind::Rejected:
      if (!s->acked) {
        s->acked = true;
        --outstanding_;
        if (!measured) break;
        ++stats.rejected;
        ++stats.reject_reasons[static_cast<std::size_t>(r.reject_reason()) % 64];
        stats.ack.record(now - s->sent_ns);
      } else if (s->cancel_sent_ns != 0) {
        if (s->cancel_sent_ns >= schedule_.measure_ns) ++stats.cancel_rejected;
        s->cancel_sent_ns = 0;
        --outstanding_;
      }
      break;
    case wire::ExecKind::Filled:
      if (measured) ++stats.fills;
      if (!s->filled && s->kind == OrderKind::Crossing) {
        s->filled = true;
        if (measured) stats.fill.record(now - s->sent_ns);
      }
      break;
    case wire::ExecKind::Cancelled:
      if (r.cancel_reason() == wire::CancelReason::Requested && s->cancel_sent_ns != 0) {
        if (s->cancel_sent_ns >= schedule_.measure_ns) {
          ++stats.cancelled_requested;
          stats.cancel.record(now - s->cancel_sent_ns);
        }
        s->cancel_sent_ns = 0;
        --outstanding_;
      } else if (measured) {
        ++stats.cancelled_other;
      }
      break;
    default:
      break;
  }
}

void Driver::on_host_report(const wire::ExecutionReport& r, Stats& stats) {
  if (!ids_.ours(r.client_order_id(), session_)) return;
  switch (r.kind()) {
    case wire::ExecKind::Filled:
      ++stats.host_fills;
      if (r.leaves_qty() == 0) post_ask(stats);  // keep liquidity on the book
      break;
    case wire::ExecKind::Rejected:
      ++stats.errors;
      if (stats.first_error.empty())
        stats.first_error = "host ask rejected: " +
                            std::string(engine::to_string(protocol::to_engine(r.reject_reason())));
      break;
    default:
      break;
  }
}

void Driver::fail(const std::string& why, Stats& stats) {
  if (!alive_) return;
  alive_ = false;
  ++stats.errors;
  if (stats.first_error.empty())
    stats.first_error = "session " + std::to_string(session_) + ": " + why;
  client_.close();
}

void Driver::finish(Stats& stats) {
  for (const Request& s : requests_)
    if (s.client_order_id != 0 && !s.acked && s.sent_ns >= schedule_.measure_ns) ++stats.unanswered;
  client_.close();
}

}  // namespace swarmex::loadgen
