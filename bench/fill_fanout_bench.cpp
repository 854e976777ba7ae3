// swarmex-fill-fanout-bench: the fill fan-out per host (docs/cluster.md) at scale, without
// swarmexd: a local 3-node NATS cluster, the fill stream as the leader creates it, one ordered
// consumer per simulated host controller (filtered on its subject, as swarmex-hostctl's feed) on a
// few connections, and fills published at a fixed total rate round-robin over the hosts, as the
// leader's fan-out publishes them (async, Swx-Seq / Swx-Prev / Nats-Msg-Id, a Fill-sized payload).
// Reports the publish->receive lag (p50 / p99 / p99.9 / max), and checks every host got every fill
// of its subject once and in order. Not run by ctest (docs/PERFORMANCE-cluster.md).
#include <nats/nats.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "nats_cluster.hpp"
#include "swarmex/cluster/connection.hpp"
#include "swarmex/cluster/error.hpp"
#include "swarmex/cluster/fill_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/common/clock.hpp"

namespace {

using swarmex::common::steady_ns;

struct Host {
  std::uint32_t id = 0;
  std::atomic<std::uint64_t> last{0};  // the last Swx-Seq received
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> out_of_order{0};
  natsSubscription* sub = nullptr;
};

std::mutex lags_mu;
std::vector<std::int64_t> lags;

void on_fill(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
  auto* h = static_cast<Host*>(closure);
  const std::int64_t now = steady_ns();
  std::int64_t sent = 0;
  if (natsMsg_GetDataLength(m) >= 8) std::memcpy(&sent, natsMsg_GetData(m), 8);
  const char* seq_text = nullptr;
  if (natsMsgHeader_Get(m, swarmex::cluster::kFillSeqHeader, &seq_text) == NATS_OK) {
    const std::uint64_t seq = std::strtoull(seq_text, nullptr, 10);
    if (seq != h->last.load() + 1) h->out_of_order.fetch_add(1);
    h->last.store(seq);
    h->received.fetch_add(1);
    std::lock_guard lock(lags_mu);
    lags.push_back(now - sent);
  }
  natsMsg_Destroy(m);
}

std::int64_t pct(const std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * double(v.size())))];
}

void check(natsStatus s, const char* what) {
  if (s != NATS_OK) swarmex::cluster::throw_nats(what, s);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarmex-fill-fanout-bench: fills fanned out to many host controllers on JetStream"};
  int hosts = 1000;
  int rate = 2000;
  int seconds = 20;
  int connections = 4;
  int replicas = 3;
  int payload = 240;  // about an encoded Fill frame
  int delivery_threads = 2;
  app.add_option("--hosts", hosts, "simulated host controllers (one ordered consumer each)");
  app.add_option("--rate", rate, "fills per second, all hosts together");
  app.add_option("--seconds", seconds, "how long fills are published");
  app.add_option("--connections", connections, "NATS connections the consumers share");
  app.add_option("--replicas", replicas, "replicas of the fill stream");
  app.add_option("--payload", payload, "bytes per fill");
  app.add_option("--delivery-threads", delivery_threads, "libnats threads delivering messages");
  CLI11_PARSE(app, argc, argv);
  if (swarmex::tools::find_nats_server().empty()) {
    std::fprintf(stderr, "nats-server not found\n");
    return 77;
  }
  try {
    swarmex::tools::NatsCluster nats(3, "swx-bench");
    const std::string cluster_name = "bench";
    swarmex::cluster::ConnectOptions co;
    co.servers = swarmex::cluster::split_servers(nats.urls());
    swarmex::cluster::Connection pub_conn(co);
    swarmex::cluster::JetStream sync(pub_conn, 5000);
    swarmex::cluster::ensure_stream(
        sync, swarmex::cluster::fill_stream_spec(cluster_name, replicas, 1000), 30000);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = 5000;
    jo.PublishAsync.MaxPending = 65536;
    jsCtx* pub = nullptr;
    check(natsConnection_JetStream(&pub, pub_conn.get(), &jo), "publisher context");

    // The consumers: one ordered consumer per host, `connections` connections, delivered by a
    // shared pool of libnats threads (not a thread per subscription).
    check(nats_SetMessageDeliveryPoolSize(delivery_threads), "delivery pool");
    std::vector<natsConnection*> conns(static_cast<std::size_t>(connections));
    std::vector<jsCtx*> ctxs(conns.size());
    std::vector<const char*> urls;
    for (const auto& u : co.servers)
      urls.push_back(u.c_str());
    for (std::size_t i = 0; i < conns.size(); ++i) {
      natsOptions* o = nullptr;
      check(natsOptions_Create(&o), "options");
      check(natsOptions_SetServers(o, urls.data(), static_cast<int>(urls.size())), "servers");
      check(natsOptions_UseGlobalMessageDelivery(o, true), "global delivery");
      check(natsConnection_Connect(&conns[i], o), "connect");
      natsOptions_Destroy(o);
      check(natsConnection_JetStream(&ctxs[i], conns[i], nullptr), "consumer context");
    }
    std::vector<std::unique_ptr<Host>> hs;
    const std::int64_t t0 = steady_ns();
    const std::string stream = swarmex::cluster::fill_stream_name(cluster_name);
    for (int h = 0; h < hosts; ++h) {
      hs.push_back(std::make_unique<Host>());
      Host& host = *hs.back();
      host.id = static_cast<std::uint32_t>(h + 1);
      const std::string subject = swarmex::cluster::fill_subject(cluster_name, host.id);
      jsSubOptions so;
      jsSubOptions_Init(&so);
      so.Stream = stream.c_str();
      so.Ordered = true;
      jsErrCode jerr = static_cast<jsErrCode>(0);
      check(js_Subscribe(&host.sub, ctxs[static_cast<std::size_t>(h) % ctxs.size()],
                         subject.c_str(), on_fill, &host, nullptr, &so, &jerr),
            "ordered consumer");
    }
    const double setup_s = static_cast<double>(steady_ns() - t0) / 1e9;
    std::printf("%d ordered consumers on %d connections set up in %.1f s\n", hosts, connections,
                setup_s);

    // Publishing: `rate` fills a second in 1 ms ticks, round-robin over the hosts.
    std::vector<std::uint64_t> next_seq(static_cast<std::size_t>(hosts), 1);
    std::vector<char> body(static_cast<std::size_t>(std::max(payload, 8)), 'f');
    std::uint64_t published = 0;
    std::uint64_t failed = 0;
    const std::int64_t start = steady_ns();
    const std::int64_t end = start + std::int64_t{seconds} * 1'000'000'000;
    std::size_t at = 0;
    for (std::int64_t now = steady_ns(); now < end; now = steady_ns()) {
      const auto due = static_cast<std::uint64_t>(double(now - start) * rate / 1e9);
      for (; published + failed < due; at = (at + 1) % next_seq.size()) {
        const std::uint64_t seq = next_seq[at]++;
        const auto host = static_cast<std::uint32_t>(at + 1);
        const std::int64_t ts = steady_ns();
        std::memcpy(body.data(), &ts, 8);
        natsMsg* m = nullptr;
        const std::string subject = swarmex::cluster::fill_subject(cluster_name, host);
        const std::string id = swarmex::cluster::fill_msg_id("0xbench", host, seq);
        const std::string s = std::to_string(seq);
        const std::string p = std::to_string(seq - 1);
        natsStatus st = natsMsg_Create(&m, subject.c_str(), nullptr, body.data(),
                                       static_cast<int>(body.size()));
        if (st == NATS_OK) st = natsMsgHeader_Set(m, swarmex::cluster::kFillSeqHeader, s.c_str());
        if (st == NATS_OK) st = natsMsgHeader_Set(m, swarmex::cluster::kFillPrevHeader, p.c_str());
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MsgId = id.c_str();
        if (st == NATS_OK) st = js_PublishMsgAsync(pub, &m, &po);
        natsMsg_Destroy(m);
        st == NATS_OK ? ++published : ++failed;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 10000;
    (void)js_PublishAsyncComplete(pub, &po);
    // Every fill received, or 10 s.
    const std::int64_t wait_until = steady_ns() + 10'000'000'000;
    auto received = [&] {
      std::uint64_t n = 0;
      for (const auto& h : hs)
        n += h->received.load();
      return n;
    };
    while (received() < published && steady_ns() < wait_until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::uint64_t out_of_order = 0;
    std::uint64_t short_hosts = 0;
    for (std::size_t i = 0; i < hs.size(); ++i) {
      out_of_order += hs[i]->out_of_order.load();
      short_hosts += hs[i]->last.load() != next_seq[i] - 1;
    }
    std::vector<std::int64_t> v;
    {
      std::lock_guard lock(lags_mu);
      v = lags;
    }
    std::sort(v.begin(), v.end());
    double load[3] = {};
    (void)getloadavg(load, 3);
    std::printf(
        "hosts=%d rate=%d/s seconds=%d replicas=%d payload=%dB published=%llu failed=%llu "
        "received=%llu out_of_order=%llu hosts_short=%llu\n",
        hosts, rate, seconds, replicas, payload, static_cast<unsigned long long>(published),
        static_cast<unsigned long long>(failed), static_cast<unsigned long long>(received()),
        static_cast<unsigned long long>(out_of_order),
        static_cast<unsigned long long>(short_hosts));
    std::printf("publish->receive lag: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
                pct(v, 50) / 1e6, pct(v, 99) / 1e6, pct(v, 99.9) / 1e6,
                v.empty() ? 0.0 : double(v.back()) / 1e6);
    std::printf("load average at the end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    for (auto& h : hs) {
      natsSubscription_Unsubscribe(h->sub);
      natsSubscription_Destroy(h->sub);
    }
    for (std::size_t i = 0; i < conns.size(); ++i) {
      jsCtx_Destroy(ctxs[i]);
      natsConnection_Destroy(conns[i]);
    }
    jsCtx_Destroy(pub);
    return published == received() && out_of_order == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swarmex-fill-fanout-bench: %s\n", e.what());
    return 1;
  }
}
