// Frames and messages on the wire: a 4-byte little-endian length, then one FlatBuffers Message
// (identifier "SWX1"). Every received body passes the FlatBuffers Verifier and then our own
// validator (union types, enum ranges, required content) before anything reads it.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "swarmex/engine/types.hpp"
#include "swarmex_generated.h"

namespace swarmex::protocol {

inline constexpr std::size_t kFrameHeaderBytes = 4;
// Smallest body a Message can have: root offset, identifier, vtable and table.
inline constexpr std::uint32_t kMinMessageBytes = 16;
inline constexpr std::uint32_t kDefaultMaxFrameBytes = 64 * 1024;

enum class FrameCheck : std::uint8_t { Ok, TooSmall, TooLarge };

inline std::uint32_t read_frame_length(const std::uint8_t* header) noexcept {
  return static_cast<std::uint32_t>(header[0]) | static_cast<std::uint32_t>(header[1]) << 8 |
         static_cast<std::uint32_t>(header[2]) << 16 | static_cast<std::uint32_t>(header[3]) << 24;
}

// The text of an optional string field: empty when the field is absent.
inline std::string text_of(const flatbuffers::String* s) {
  return s != nullptr ? s->str() : std::string();
}

// Judges a length header before any memory is set aside for the body.
inline FrameCheck check_frame_length(std::uint32_t body_bytes,
                                     std::uint32_t max_frame_bytes) noexcept {
  if (body_bytes < kMinMessageBytes) return FrameCheck::TooSmall;
  if (body_bytes > max_frame_bytes) return FrameCheck::TooLarge;
  return FrameCheck::Ok;
}

// Verifies and validates one whole frame (length header included: FlatBuffers checks alignment
// from the start of the size-prefixed buffer, which should itself be 8-byte aligned). Returns
// None and sets *out, or the reason: MalformedMessage, UnknownMessage, or the specific reason of
// an enum out of range (InvalidSide, InvalidOrderType, InvalidTimeInForce, InvalidStpMode). *out
// is set whenever the Verifier passed, so a refusal of our own can still quote the message.
engine::RejectReason decode_frame(std::span<const std::uint8_t> frame,
                                  const wire::Message** out) noexcept;

// Builds framed messages. Create the body with the generated wire::Create* functions on fbb(),
// then finish(): the result stays valid until the next finish().
class FrameWriter {
 public:
  explicit FrameWriter(std::size_t initial_bytes = 1024) : fbb_(initial_bytes) {}
  // The builder for the next message (cleared after each finish()).
  flatbuffers::FlatBufferBuilder& fbb() noexcept {
    if (finished_) {
      fbb_.Clear();
      finished_ = false;
    }
    return fbb_;
  }
  template <typename T>
  std::span<const std::uint8_t> finish(flatbuffers::Offset<T> body) {
    return finish_union(wire::BodyTraits<T>::enum_value, body.Union());
  }
  std::span<const std::uint8_t> finish_union(wire::Body type, flatbuffers::Offset<void> body);

 private:
  flatbuffers::FlatBufferBuilder fbb_;
  bool finished_ = false;
};

}  // namespace swarmex::protocol
