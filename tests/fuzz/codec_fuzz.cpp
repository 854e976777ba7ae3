// libFuzzer target: a byte stream as the gateway reads it — length headers, frame limits,
// verification and validation — then every field of whatever decoded is read, as the server
// would. Any crash, sanitizer report or read out of bounds is a bug.
#include <cstdint>
#include <cstring>
#include <vector>

#include "swarmex/protocol/codec.hpp"

namespace {

using namespace swarmex;

std::uint64_t touch(const wire::Message& m) {
  std::uint64_t sum = static_cast<std::uint64_t>(m.body_type());
  switch (m.body_type()) {
    case wire::Body::Logon: {
      const auto* l = m.body_as_Logon();
      sum += l->principal()->size() + l->token()->size() + l->resume_from_seq();
      break;
    }
    case wire::Body::NewOrder: {
      const auto* o = m.body_as_NewOrder();
      sum += o->client_order_id() + o->instrument() + static_cast<std::uint64_t>(o->price()) +
             static_cast<std::uint64_t>(o->qty()) + static_cast<std::uint64_t>(o->min_qty());
      break;
    }
    case wire::Body::SubscribeMarketData: {
      const auto* s = m.body_as_SubscribeMarketData();
      if (s->instruments())
        for (const auto id : *s->instruments())
          sum += id;
      break;
    }
    case wire::Body::BookSnapshot: {
      const auto* b = m.body_as_BookSnapshot();
      if (b->bids())
        for (const auto* l : *b->bids())
          sum += static_cast<std::uint64_t>(l->qty());
      break;
    }
    case wire::Body::Admin: {
      const auto* a = m.body_as_Admin();
      if (a->action_type() == wire::AdminAction::CreateInstrument) {
        const auto* spec = a->action_as_CreateInstrument()->spec();
        sum += spec->symbol() ? spec->symbol()->size() : 0;
      }
      break;
    }
    case wire::Body::AdminAck: {
      const auto* a = m.body_as_AdminAck();
      if (a->sessions())
        for (const auto* s : *a->sessions())
          sum += s->principal() ? s->principal()->size() : 0;
      break;
    }
    case wire::Body::Error:
      sum += m.body_as_Error()->text() ? m.body_as_Error()->text()->size() : 0;
      break;
    default:
      break;
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::vector<std::uint8_t> aligned;
  volatile std::uint64_t sink = 0;
  std::size_t at = 0;
  while (size - at >= protocol::kFrameHeaderBytes) {
    const std::uint32_t len = protocol::read_frame_length(data + at);
    if (protocol::check_frame_length(len, protocol::kDefaultMaxFrameBytes) !=
        protocol::FrameCheck::Ok)
      return 0;  // the server closes here
    const std::size_t frame = protocol::kFrameHeaderBytes + len;
    if (size - at < frame) return 0;  // partial frame: the server waits
    aligned.assign(data + at, data + at + frame);
    const wire::Message* m = nullptr;
    const engine::RejectReason r = protocol::decode_frame(aligned, &m);
    if (m != nullptr && r != engine::RejectReason::UnknownMessage) sink = sink + touch(*m);
    at += frame;
  }
  return 0;
}
