#include "swarmex/cluster/stream_follower.hpp"

#include <cstdlib>

#include "swarmex/cluster/error.hpp"

namespace swarmex::cluster {

std::string StreamMessage::header(const std::string& key) const {
  for (const Header& h : headers)
    if (h.key == key) return h.value;
  return {};
}

namespace {

// Copies the message out (data, headers; the stream sequence when it carries JetStream's
// metadata) and destroys it.
StreamMessage take(natsMsg* m) {
  StreamMessage out;
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
    out.seq = meta->Sequence.Stream;
    out.pending = meta->NumPending;
    jsMsgMetaData_Destroy(meta);
  }
  const int len = natsMsg_GetDataLength(m);
  const auto* data = reinterpret_cast<const std::uint8_t*>(natsMsg_GetData(m));
  if (len > 0) out.data.assign(data, data + len);
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(m, &keys, &count) == NATS_OK) {
    for (int i = 0; i < count; ++i) {
      const char* v = nullptr;
      if (natsMsgHeader_Get(m, keys[i], &v) == NATS_OK && v != nullptr)
        out.headers.push_back({keys[i], v});
    }
    free(static_cast<void*>(keys));
  }
  natsMsg_Destroy(m);
  return out;
}

}  // namespace

std::optional<StreamMessage> get_message(JetStream& js, const std::string& stream,
                                         std::uint64_t seq) {
  natsMsg* m = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetMsg(&m, js.get(), stream.c_str(), seq, nullptr, &jerr);
  if (s == NATS_NOT_FOUND || jerr == JSNoMessageFoundErr) return std::nullopt;
  if (s != NATS_OK) throw_nats("get message " + std::to_string(seq) + " of " + stream, s, jerr);
  StreamMessage out = take(m);
  out.seq = seq;
  return out;
}

std::optional<StreamMessage> get_last_message(JetStream& js, const std::string& stream,
                                              const std::string& subject) {
  natsMsg* m = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetLastMsg(&m, js.get(), stream.c_str(), subject.c_str(), nullptr, &jerr);
  if (jerr != JSStreamNotFoundErr && (s == NATS_NOT_FOUND || jerr == JSNoMessageFoundErr))
    return std::nullopt;
  if (s != NATS_OK) throw_nats("last message on " + subject + " of " + stream, s, jerr);
  const std::uint64_t seq = natsMsg_GetSequence(m);
  StreamMessage out = take(m);
  out.seq = seq;
  return out;
}

StreamFollower::StreamFollower(JetStream& js, const std::string& stream, const std::string& subject,
                               std::uint64_t start_seq)
    : last_seq_(start_seq > 0 ? start_seq - 1 : 0) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  so.Ordered = true;
  so.Config.DeliverPolicy = js_DeliverByStartSequence;
  so.Config.OptStartSeq = start_seq > 0 ? start_seq : 1;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_SubscribeSync(&sub_, js.get(), subject.c_str(), nullptr, &so, &jerr);
  if (s != NATS_OK) throw_nats("follow " + stream + " from " + std::to_string(start_seq), s, jerr);
}

StreamFollower::~StreamFollower() {
  if (sub_ != nullptr) {
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);
  }
}

std::optional<StreamMessage> StreamFollower::next(std::int64_t timeout_ms) {
  natsMsg* m = nullptr;
  const natsStatus s = natsSubscription_NextMsg(&m, sub_, timeout_ms);
  if (s == NATS_TIMEOUT) return std::nullopt;
  if (s != NATS_OK) throw_nats("next message", s);
  StreamMessage out = take(m);
  last_seq_ = out.seq;
  return out;
}

}  // namespace swarmex::cluster
