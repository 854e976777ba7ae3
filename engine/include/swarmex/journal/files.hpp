// The file system as the journal and snapshots see it: one directory of named files. The real
// implementation appends through io_uring; tests substitute a simulated one that can crash.
#pragma once

#include <cerrno>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace swarmex::journal {

class SegmentFile {
 public:
  virtual ~SegmentFile() = default;
  // Appends as one write at the end of the file and, with `sync`, an fdatasync after it.
  // Returns 0 or -errno.
  virtual int append(std::span<const std::uint8_t> data, bool sync) = 0;
  [[nodiscard]] virtual std::uint64_t size() const = 0;
};

class JournalFiles {
 public:
  virtual ~JournalFiles() = default;
  // Names in the directory that start with `prefix`, sorted.
  virtual std::vector<std::string> list(const std::string& prefix) = 0;
  // Creates (or empties) `name` and makes its directory entry durable. Throws on failure.
  virtual std::unique_ptr<SegmentFile> create(const std::string& name) = 0;
  virtual bool read(const std::string& name, std::vector<std::uint8_t>* out) = 0;
  // Shortens `name` to `size` bytes, durably. Returns 0 or -errno.
  virtual int truncate(const std::string& name, std::uint64_t size) = 0;
  virtual int remove(const std::string& name) = 0;
  // Replaces `name` with `data` atomically: temp file, fsync, rename, fsync of the directory.
  virtual int write_atomic(const std::string& name, std::span<const std::uint8_t> data) = 0;
  // Moves `name` into the directory `dir` (created if missing), durably: the file is in `dir` and
  // no longer here once it returns 0; otherwise -errno and the file stays. Journal retention's
  // "archive" policy.
  virtual int move_out(const std::string& name, const std::string& dir) {
    (void)name;
    (void)dir;
    return -EOPNOTSUPP;
  }
  // Where `name` lives, for messages.
  [[nodiscard]] virtual std::string path(const std::string& name) const = 0;
};

// A real directory (created if missing). Segment appends go through one io_uring ring per file
// object: a linked write + fdatasync, one submission per batch.
std::unique_ptr<JournalFiles> open_directory(const std::string& dir);

}  // namespace swarmex::journal
