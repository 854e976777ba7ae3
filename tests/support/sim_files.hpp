// Simulated storage for journal tests: an in-memory directory that knows which bytes were synced
// and can crash at a chosen write or sync point. The image after a crash keeps every synced byte
// and, depending on the mode, nothing else, a random prefix of the unsynced bytes, or that prefix
// with its last 512-byte sector torn (garbage).
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "swarmex/journal/files.hpp"

namespace swarmex::testing {

enum class CrashMode { SyncedOnly, RandomPrefix, TornSector };

class SimFiles final : public journal::JournalFiles {
 public:
  struct File {
    std::vector<std::uint8_t> data;
    std::size_t synced = 0;
  };

  // Crash when the `n`th write/sync point (1-based) is reached; 0 = never.
  void crash_at(std::uint64_t n) { crash_at_ = n; }
  [[nodiscard]] bool crashed() const { return crashed_; }
  [[nodiscard]] std::uint64_t points() const { return points_; }

  // What a restarted machine would find.
  [[nodiscard]] SimFiles image(CrashMode mode, std::mt19937_64& rng) const;

  std::vector<std::string> list(const std::string& prefix) override;
  std::unique_ptr<journal::SegmentFile> create(const std::string& name) override;
  bool read(const std::string& name, std::vector<std::uint8_t>* out) override;
  int truncate(const std::string& name, std::uint64_t size) override;
  int remove(const std::string& name) override;
  int write_atomic(const std::string& name, std::span<const std::uint8_t> data) override;
  // Into `moved[dir]` (journal retention's archive).
  int move_out(const std::string& name, const std::string& dir) override;
  [[nodiscard]] std::string path(const std::string& name) const override { return "sim:/" + name; }

  std::map<std::string, File> files;
  std::map<std::string, std::map<std::string, File>> moved;  // by directory
  std::map<std::string, std::uint64_t> reads;                // read() calls, by name

 private:
  friend class SimSegment;
  // Counts a point; true when the machine crashes here (and every operation after it fails).
  bool point();

  std::uint64_t points_ = 0;
  std::uint64_t crash_at_ = 0;
  bool crashed_ = false;
};

}  // namespace swarmex::testing
