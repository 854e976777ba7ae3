#include "swarmex/cluster/fenced_publisher.hpp"

#include <chrono>
#include <cstring>
#include <thread>

#include "swarmex/cluster/error.hpp"

namespace swarmex::cluster {

const char* to_string(PublishResult r) noexcept {
  switch (r) {
    case PublishResult::Ok:
      return "ok";
    case PublishResult::Fenced:
      return "fenced";
    case PublishResult::Unavailable:
      return "unavailable";
  }
  return "invalid";
}

FencedPublisher::FencedPublisher(JetStream& js, std::string stream, std::string subject,
                                 std::string node, std::uint64_t last_seq, std::int64_t deadline_ms)
    : js_(js),
      stream_(std::move(stream)),
      subject_(std::move(subject)),
      node_(std::move(node)),
      last_seq_(last_seq),
      deadline_ms_(deadline_ms) {}

bool FencedPublisher::ours_at(std::uint64_t seq, const std::string& msg_id) {
  natsMsg* m = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  if (js_GetMsg(&m, js_.get(), stream_.c_str(), seq, nullptr, &jerr) != NATS_OK) return false;
  const char* id = nullptr;
  const bool ours =
      natsMsgHeader_Get(m, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr && msg_id == id;
  natsMsg_Destroy(m);
  return ours;
}

PublishOutcome FencedPublisher::publish(std::span<const std::uint8_t> data,
                                        std::span<const Header> headers) {
  using clock = std::chrono::steady_clock;
  const std::uint64_t expected = last_seq_;
  const std::string msg_id = node_ + "-" + std::to_string(expected + 1);
  const auto deadline = clock::now() + std::chrono::milliseconds(deadline_ms_);
  PublishOutcome out;
  for (int attempt = 0;; ++attempt) {
    natsMsg* msg = nullptr;
    natsStatus s =
        natsMsg_Create(&msg, subject_.c_str(), nullptr, reinterpret_cast<const char*>(data.data()),
                       static_cast<int>(data.size()));
    for (const Header& h : headers)
      if (s == NATS_OK) s = natsMsgHeader_Set(msg, h.key.c_str(), h.value.c_str());
    if (s != NATS_OK) {
      natsMsg_Destroy(msg);
      out.error = describe("publish to " + subject_, s);
      return out;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = msg_id.c_str();
    po.ExpectStream = stream_.c_str();
    if (expected > 0)
      po.ExpectLastSeq = expected;
    else
      po.ExpectNoMessage = true;  // an empty stream: 0 means "no expectation" to ExpectLastSeq
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    po.MaxWait = std::max<std::int64_t>(1, std::min<std::int64_t>(left, js_.wait_ms()));
    jsPubAck* ack = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    s = js_PublishMsg(&ack, js_.get(), msg, &po, &jerr);
    natsMsg_Destroy(msg);
    if (s == NATS_OK) {
      out.result = PublishResult::Ok;
      out.seq = ack->Sequence;
      last_seq_ = ack->Sequence;
      jsPubAck_Destroy(ack);
      out.error.clear();
      return out;
    }
    if (jerr == JSStreamWrongLastSequenceErr) {
      // A retry may find its own earlier attempt stored: that is success, not a rival.
      if (attempt > 0 && ours_at(expected + 1, msg_id)) {
        out.result = PublishResult::Ok;
        out.seq = expected + 1;
        last_seq_ = expected + 1;
        out.error.clear();
        return out;
      }
      out.result = PublishResult::Fenced;
      out.error = describe(
          "publish to " + subject_ + " expecting last sequence " + std::to_string(expected), s,
          jerr);
      return out;
    }
    out.error = describe("publish to " + subject_, s, jerr);
    if (clock::now() >= deadline) {
      out.result = PublishResult::Unavailable;
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace swarmex::cluster
