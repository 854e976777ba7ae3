#include "fill_fanout.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "swarmex/cluster/error.hpp"
#include "swarmex/cluster/fill_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/history_id.hpp"

#include "principal_state.hpp"
#include "reports.hpp"
#include "server.hpp"

namespace swarmex::gateway {

FillFanout::FillFanout(const ClusterSection& cs, std::uint64_t history)
    : cluster_(cs.name),
      stream_(cluster::fill_stream_name(cs.name)),
      history_(common::format_history_id(history)) {
  cluster::ConnectOptions co;
  co.servers = cs.servers;
  co.name = "swarmexd-fills-" + cluster_node_id(cs);
  conn_ = std::make_unique<cluster::Connection>(co);
  {
    cluster::JetStream sync(*conn_, 5000);
    cluster::ensure_stream(
        sync, cluster::fill_stream_spec(cs.name, cs.replicas, cs.fill_fanout_per_host));
  }
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = 5000;
  o.PublishAsync.AckHandler = &FillFanout::on_ack;
  o.PublishAsync.AckHandlerClosure = this;
  o.PublishAsync.MaxPending = kMaxPending * 2;  // never reached: publish() drops first
  const natsStatus s = natsConnection_JetStream(&js_, conn_->get(), &o);
  if (s != NATS_OK) cluster::throw_nats("jetstream context (fills)", s);
  spdlog::info("cluster {}: fill fan-out to {} ({}.fills.<host>, {} fills kept per host)", cs.name,
               stream_, cs.name, cs.fill_fanout_per_host);
}

FillFanout::~FillFanout() {
  if (js_ != nullptr) {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 2000;
    (void)js_PublishAsyncComplete(js_, &po);  // what is on its way gets its answer, briefly
    jsCtx_Destroy(js_);
  }
  const FillSinkStats st = stats();
  spdlog::info("fill fan-out: {} published, {} stored, {} failed, {} dropped (behind)",
               st.published, st.stored, st.failed, st.dropped);
}

FillSinkStats FillFanout::stats() const noexcept {
  return {published_.load(std::memory_order_relaxed), acked_.load(std::memory_order_relaxed),
          failed_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed)};
}

void FillFanout::on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* self = static_cast<FillFanout*>(closure);
  self->pending_.fetch_sub(1, std::memory_order_relaxed);
  if (pa != nullptr && pae == nullptr) {
    self->acked_.fetch_add(1, std::memory_order_relaxed);
  } else {
    const std::uint64_t n = self->failed_.fetch_add(1, std::memory_order_relaxed) + 1;
    self->warn_behind(pae != nullptr && pae->ErrText != nullptr ? pae->ErrText : "no answer", n);
  }
  natsMsg_Destroy(msg);
}

void FillFanout::warn_behind(const char* what, std::uint64_t count) {
  // At most once a second: a NATS outage must not flood the log.
  const std::int64_t now = common::steady_ns();
  std::int64_t last = warned_at_ns_.load(std::memory_order_relaxed);
  if (now - last < 1'000'000'000) return;
  if (!warned_at_ns_.compare_exchange_strong(last, now)) return;
  spdlog::warn(
      "fill fan-out to {}: {} ({} so far); host controllers reading it will see a gap "
      "and take the missing fills from their session",
      stream_, what, count);
}

bool FillFanout::send(std::uint32_t host_id, std::uint64_t seq,
                      std::span<const std::uint8_t> frame) {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= kMaxPending) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    const std::uint64_t n = dropped_.fetch_add(1, std::memory_order_relaxed) + 1;
    warn_behind("fills dropped, too many unacknowledged", n);
    return false;
  }
  const std::string subject = cluster::fill_subject(cluster_, host_id);
  const std::string id = cluster::fill_msg_id(history_, host_id, seq);
  const std::string seq_text = std::to_string(seq);
  const std::string prev_text = std::to_string(seq - 1);
  natsMsg* m = nullptr;
  natsStatus s =
      natsMsg_Create(&m, subject.c_str(), nullptr, reinterpret_cast<const char*>(frame.data()),
                     static_cast<int>(frame.size()));
  if (s == NATS_OK) s = natsMsgHeader_Set(m, cluster::kFillSeqHeader, seq_text.c_str());
  if (s == NATS_OK) s = natsMsgHeader_Set(m, cluster::kFillPrevHeader, prev_text.c_str());
  if (s == NATS_OK) {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = id.c_str();
    s = js_PublishMsgAsync(js_, &m, &po);
  }
  natsMsg_Destroy(m);  // null when the library took it
  if (s != NATS_OK) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    const std::uint64_t n = failed_.fetch_add(1, std::memory_order_relaxed) + 1;
    warn_behind(natsStatus_GetText(s), n);
    return false;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void FillFanout::publish(std::uint32_t host_id, std::uint64_t seq,
                         std::span<const std::uint8_t> frame) {
  (void)send(host_id, seq, frame);
}

std::uint64_t FillFanout::republish(Server& server, std::int64_t wait_ms) {
  cluster::JetStream sync(*conn_, 5000);
  protocol::FrameWriter w;
  std::uint64_t sent = 0;
  std::uint32_t hosts = 0;
  for (const Principal& p : server.config().principals) {
    if (p.role != Role::Host) continue;
    PrincipalState* ps = server.home_of(p.id).principal(p.id);
    if (ps == nullptr || ps->next_fill_seq() <= 1) continue;  // no fill yet
    std::uint64_t on_stream = 0;
    try {
      const auto last =
          cluster::get_last_message(sync, stream_, cluster::fill_subject(cluster_, p.host_id));
      if (last)
        on_stream = std::strtoull(last->header(cluster::kFillSeqHeader).c_str(), nullptr, 10);
    } catch (const cluster::NatsError& e) {
      spdlog::warn("fill fan-out: host {}: {}; republishing all its held fills", p.name, e.what());
    }
    if (on_stream + 1 >= ps->next_fill_seq()) continue;  // all there
    ++hosts;
    const bool whole = ps->replay_fills(on_stream, [&](const HostFill& f) {
      if (send(p.host_id, f.stream_seq, encode(w, f, server.history()))) ++sent;
    });
    if (!whole)
      spdlog::warn("fill fan-out: host {}: fills {}..{} are no longer held here: not republished",
                   p.name, on_stream + 1, ps->oldest_fill() - 1);
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = wait_ms;
  if (sent > 0 && js_PublishAsyncComplete(js_, &po) != NATS_OK)
    spdlog::warn("fill fan-out: republished fills not all acknowledged within {} ms", wait_ms);
  spdlog::info("fill fan-out: {} fills of {} hosts published again after taking over", sent, hosts);
  return sent;
}

}  // namespace swarmex::gateway
