#include "client_rx_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "swarmex/client/client.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::client {
namespace {

constexpr std::size_t kInitialBytes = 256 * 1024;  // many small reports per read

std::size_t round_up8(std::size_t bytes) {
  return (bytes + 7) & ~std::size_t{7};
}

}  // namespace

ClientRxBuffer::ClientRxBuffer(std::uint32_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {
  data_ = allocate(capacity_, kInitialBytes);
}

std::unique_ptr<std::uint64_t[]> ClientRxBuffer::allocate(std::size_t& capacity,
                                                          std::size_t bytes) {
  capacity = round_up8(bytes);
  return std::make_unique_for_overwrite<std::uint64_t[]>(capacity / 8);
}

void ClientRxBuffer::grow(std::size_t bytes) {
  std::size_t capacity = 0;
  auto grown = allocate(capacity, bytes);
  std::memcpy(grown.get(), data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  data_ = std::move(grown);
  capacity_ = capacity;
}

std::size_t ClientRxBuffer::pending_frame_bytes() const {
  if (end_ - begin_ < protocol::kFrameHeaderBytes) return 0;
  const std::uint32_t body_bytes = protocol::read_frame_length(data() + begin_);
  switch (protocol::check_frame_length(body_bytes, max_frame_bytes_)) {
    case protocol::FrameCheck::Ok:
      return protocol::kFrameHeaderBytes + body_bytes;
    case protocol::FrameCheck::TooSmall:
      throw ClientError("frame from the server too small: " + std::to_string(body_bytes) +
                        " bytes");
    case protocol::FrameCheck::TooLarge:
      break;
  }
  throw ClientError("frame from the server too large: " + std::to_string(body_bytes) +
                    " bytes (limit " + std::to_string(max_frame_bytes_) + ")");
}

bool ClientRxBuffer::has_frame() const noexcept {
  if (end_ - begin_ < protocol::kFrameHeaderBytes) return false;
  // A bad header counts as a frame: next_frame() reports it.
  const std::uint32_t body_bytes = protocol::read_frame_length(data() + begin_);
  return protocol::check_frame_length(body_bytes, max_frame_bytes_) != protocol::FrameCheck::Ok ||
         end_ - begin_ >= protocol::kFrameHeaderBytes + body_bytes;
}

std::span<std::uint8_t> ClientRxBuffer::writable() {
  if (begin_ == end_) begin_ = end_ = 0;
  const std::size_t frame_bytes = std::max(pending_frame_bytes(), protocol::kFrameHeaderBytes);
  // Compact when the frame in progress would run past the end, or nothing more fits.
  if (begin_ > 0 && (begin_ + frame_bytes > capacity_ || end_ == capacity_)) {
    std::memmove(data(), data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (frame_bytes > capacity_) grow(std::max(frame_bytes, capacity_ * 2));
  return {data() + end_, capacity_ - end_};
}

std::span<const std::uint8_t> ClientRxBuffer::next_frame() {
  const std::size_t frame_bytes = pending_frame_bytes();
  if (frame_bytes == 0 || end_ - begin_ < frame_bytes) return {};
  const std::uint8_t* frame = data() + begin_;
  begin_ += frame_bytes;
  if (reinterpret_cast<std::uintptr_t>(frame) % 8 == 0) return {frame, frame_bytes};
  if (frame_bytes > aside_capacity_) aside_ = allocate(aside_capacity_, frame_bytes);
  auto* aligned = reinterpret_cast<std::uint8_t*>(aside_.get());
  std::memcpy(aligned, frame, frame_bytes);
  return {aligned, frame_bytes};
}

}  // namespace swarmex::client
