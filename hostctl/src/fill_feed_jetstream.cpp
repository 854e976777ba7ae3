// The JetStream fill feed: a thread that connects to the NATS cluster, finds where the host's
// subject is to be read from (feed_start), follows it with an ordered consumer and queues each
// fill for the daemon's loop, waking it through an eventfd. A lost connection or consumer is
// followed again from the message after the last one queued.
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "swarmex/cluster/error.hpp"
#include "swarmex/cluster/fill_stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/hostctl/fill_feed.hpp"

namespace swarmex::hostctl {

namespace {

constexpr std::size_t kMaxQueued = 10'000;  // the reader waits past it (the daemon is behind)

bool parse_u64(const std::string& s, std::uint64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtoull(s.c_str(), &end, 10);
  return end != nullptr && *end == '\0';
}

class JetStreamFillFeed final : public FillFeed {
 public:
  explicit JetStreamFillFeed(const HostConfig& c)
      : servers_(c.fills_servers), cluster_(c.fills_cluster) {
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_ < 0) throw std::runtime_error("fill feed: eventfd failed");
  }
  ~JetStreamFillFeed() override {
    stop();
    ::close(wake_);
  }

  void start(std::uint32_t host_id, std::uint64_t last_enacted) override {
    stop();
    {
      std::lock_guard lock(mu_);
      queue_.clear();
    }
    drain_wake();
    stopping_.store(false);
    missing_.store(false);
    thread_ = std::thread([this, host_id, last_enacted] { read(host_id, last_enacted); });
  }

  void stop() override {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mu_);  // a reader about to wait for room sees it
      stopping_.store(true);
    }
    room_.notify_all();
    thread_.join();
  }

  [[nodiscard]] bool running() const override { return thread_.joinable(); }

  std::size_t take(std::vector<FeedItem>& out, std::size_t max) override {
    std::size_t n = 0;
    {
      std::lock_guard lock(mu_);
      while (n < max && !queue_.empty()) {
        out.push_back(std::move(queue_.front()));
        queue_.pop_front();
        ++n;
      }
      if (queue_.empty()) drain_wake();
    }
    if (n > 0) room_.notify_all();
    return n;
  }

  [[nodiscard]] int wake_fd() const override { return wake_; }
  [[nodiscard]] bool stream_missing() const override { return missing_.load(); }

 private:
  void drain_wake() {
    std::uint64_t v = 0;
    (void)!::read(wake_, &v, sizeof v);
  }

  void push(FeedItem item) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queue_.size() < kMaxQueued || stopping_.load(); });
    if (stopping_.load()) return;
    queue_.push_back(std::move(item));
    const std::uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof one);
  }

  // The thread: until stop(), follows the subject; on a NATS error waits and follows it again.
  void read(std::uint32_t host_id, std::uint64_t last_enacted) {
    const std::string stream = cluster::fill_stream_name(cluster_);
    const std::string subject = cluster::fill_subject(cluster_, host_id);
    std::uint64_t next_stream_seq = 0;  // 0: not known yet (ask the subject's tail)
    bool said_error = false;
    while (!stopping_.load()) {
      try {
        cluster::Connection conn({.servers = servers_, .name = "swarmex-hostctl-" + subject});
        cluster::JetStream js(conn, 5000);
        if (next_stream_seq == 0) {
          std::optional<SubjectTail> tail;
          if (const auto last = cluster::get_last_message(js, stream, subject)) {
            SubjectTail t{.stream_seq = last->seq};
            if (parse_u64(last->header(cluster::kFillSeqHeader), t.fill_seq)) tail = t;
          }
          next_stream_seq = feed_start(tail, last_enacted);
          spdlog::info("fills from {} on stream {}, stream sequence {} on (after fill {})", subject,
                       stream, next_stream_seq, last_enacted);
        }
        cluster::StreamFollower follower(js, stream, subject, next_stream_seq);
        said_error = false;
        while (!stopping_.load()) {
          auto m = follower.next(200);
          if (!m) continue;
          next_stream_seq = m->seq + 1;
          FeedItem item;
          if (!parse_u64(m->header(cluster::kFillSeqHeader), item.seq) ||
              !parse_u64(m->header(cluster::kFillPrevHeader), item.prev)) {
            spdlog::error("{}: message {} carries no Swx-Seq / Swx-Prev: skipped", subject, m->seq);
            continue;
          }
          if (item.seq <= last_enacted) continue;  // read from the subject's start: enacted
          item.frame = std::move(m->data);
          push(std::move(item));
        }
      } catch (const cluster::NatsError& e) {
        if (e.js_code() == 10059) {  // JSStreamNotFoundErr: the exchange does not fan out
          spdlog::error("fill feed {}: {}", subject, e.what());
          missing_.store(true);
          const std::uint64_t one = 1;
          (void)!::write(wake_, &one, sizeof one);  // the daemon's loop finds out now
          return;
        }
        if (!said_error) spdlog::warn("fill feed {}: {}; retrying", subject, e.what());
        said_error = true;
        for (int i = 0; i < 10 && !stopping_.load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      } catch (const std::exception& e) {
        // NATS is away (or not yet reachable): retry.
        if (!said_error) spdlog::warn("fill feed {}: {}; retrying", subject, e.what());
        said_error = true;
        for (int i = 0; i < 10 && !stopping_.load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }

  std::vector<std::string> servers_;
  std::string cluster_;
  int wake_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> missing_{false};
  std::mutex mu_;
  std::condition_variable room_;
  std::deque<FeedItem> queue_;
};

}  // namespace

std::unique_ptr<FillFeed> make_jetstream_fill_feed(const HostConfig& config) {
  return std::make_unique<JetStreamFillFeed>(config);
}

}  // namespace swarmex::hostctl
