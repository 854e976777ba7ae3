// Private to the client: bytes read from the stream, cut into whole frames that each start on an
// 8-byte boundary (FlatBuffers checks alignment from the start of the size-prefixed buffer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace swarmex::client {

class ClientRxBuffer {
 public:
  explicit ClientRxBuffer(std::uint32_t max_frame_bytes);

  // Room for the next read (never empty). Compacts, or grows up to one maximal frame, so that the
  // frame in progress fits; invalidates the frame next_frame() returned last.
  std::span<std::uint8_t> writable();
  void commit(std::size_t bytes) noexcept { end_ += bytes; }
  // Drops everything buffered (a new connection).
  void clear() noexcept { begin_ = end_ = 0; }

  // The next whole frame, header included, 8-byte aligned (copied aside when it is not aligned
  // in place); empty when no whole frame is buffered. Throws ClientError on a length header out
  // of bounds.
  std::span<const std::uint8_t> next_frame();
  [[nodiscard]] bool has_frame() const noexcept;

 private:
  // Total bytes (header included) of the frame at begin_, or 0 while its header is incomplete.
  [[nodiscard]] std::size_t pending_frame_bytes() const;
  static std::unique_ptr<std::uint64_t[]> allocate(std::size_t& capacity, std::size_t bytes);
  void grow(std::size_t bytes);
  std::uint8_t* data() noexcept { return reinterpret_cast<std::uint8_t*>(data_.get()); }
  const std::uint8_t* data() const noexcept {
    return reinterpret_cast<const std::uint8_t*>(data_.get());
  }

  std::uint32_t max_frame_bytes_;
  std::unique_ptr<std::uint64_t[]> data_;  // uint64_t storage: 8-byte aligned
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;                   // first unconsumed byte
  std::size_t end_ = 0;                     // one past the last byte read
  std::unique_ptr<std::uint64_t[]> aside_;  // aligned copy of a frame that was not
  std::size_t aside_capacity_ = 0;
};

}  // namespace swarmex::client
