#include "drop_copy_log.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace swarmex::gateway {

namespace {

constexpr char kMagic[4] = {'S', 'W', 'X', 'D'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 64;
constexpr std::size_t kEntryBytes = sizeof(DropCopyEntry);
constexpr std::int64_t kStateEveryNs = 1'000'000'000;
constexpr std::size_t kScanChunk = 4096;

std::string segment_name(std::uint64_t first_seq) {
  char name[48];
  std::snprintf(name, sizeof name, "dropcopy-%020llu.swxd",
                static_cast<unsigned long long>(first_seq));
  return name;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("drop copy " + path + ": " + what);
}

bool write_all(int fd, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  while (bytes > 0) {
    const ssize_t n = ::write(fd, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

struct DropCopyLog::Segment {
  std::string path;
  std::uint64_t first_seq = 0;
  std::uint64_t entries = 0;
  int fd = -1;
  ~Segment() {
    if (fd >= 0) ::close(fd);
  }
};

DropCopyLog::DropCopyLog(DropCopyOptions options)
    : options_(std::move(options)),
      written_(std::max<std::uint32_t>(options_.partitions, 1)),
      recovered_(written_.size()),
      ring_(std::max<std::uint32_t>(options_.ring_entries, 1)) {
  if (options_.segment_entries == 0) options_.segment_entries = 1;
  if (options_.retain_segments == 0) options_.retain_segments = 1;
  if (!options_.dir.empty()) open_existing();
  recovered_ = written_;
}

DropCopyLog::~DropCopyLog() {
  if (options_.dir.empty()) return;
  try {
    flush(0);
    if (!segments_.empty()) ::fdatasync(segments_.back()->fd);
    write_state();
  } catch (const std::exception& e) {
    spdlog::error("drop copy: {}", e.what());
  }
}

void DropCopyLog::open_existing() {
  namespace fs = std::filesystem;
  fs::create_directories(options_.dir);
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(options_.dir)) {
    const std::string n = f.path().filename().string();
    if (n.starts_with("dropcopy-") && n.ends_with(".swxd")) files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());  // zero-padded first seqs sort as numbers
  for (const auto& path : files) {
    auto s = std::make_shared<Segment>();
    s->path = path.string();
    s->fd = ::open(s->path.c_str(), O_RDWR | O_CLOEXEC);
    if (s->fd < 0) fail(s->path, std::strerror(errno));
    std::uint8_t header[kHeaderBytes];
    if (::pread(s->fd, header, kHeaderBytes, 0) != static_cast<ssize_t>(kHeaderBytes) ||
        std::memcmp(header, kMagic, 4) != 0)
      fail(s->path, "not a drop copy segment");
    std::uint32_t version;
    std::memcpy(&version, header + 4, 4);
    std::memcpy(&s->first_seq, header + 8, 8);
    if (version != kVersion) fail(s->path, "unknown version " + std::to_string(version));
    const auto size = static_cast<std::uint64_t>(::lseek(s->fd, 0, SEEK_END));
    s->entries = (size - kHeaderBytes) / kEntryBytes;
    // A torn last entry (a crash inside a write): whole entries only.
    if ((size - kHeaderBytes) % kEntryBytes != 0 &&
        ::ftruncate(s->fd, static_cast<off_t>(kHeaderBytes + s->entries * kEntryBytes)) != 0)
      fail(s->path, std::strerror(errno));
    if (!segments_.empty() &&
        segments_.back()->first_seq + segments_.back()->entries != s->first_seq)
      fail(s->path, "does not continue the segment before it");
    segments_.push_back(std::move(s));
  }
  if (!segments_.empty()) {
    oldest_seq_ = segments_.front()->first_seq;
    next_seq_ = segments_.back()->first_seq + segments_.back()->entries;
  }
  // What each partition had copied by the last state, then every entry written after it.
  std::uint64_t scan_from = oldest_seq_;
  std::ifstream state(options_.dir + "/dropcopy.state");
  std::string word;
  if (state >> word && word == "swarmex-dropcopy-state-v1") {
    std::uint64_t seq = 0;
    state >> word >> seq;
    if (word == "next_seq") scan_from = std::clamp(seq, oldest_seq_, next_seq_);
    std::uint32_t p;
    Progress pr;
    while (state >> word >> p >> pr.seq >> pr.count)
      if (word == "partition" && p < written_.size()) written_[p] = pr;
  }
  std::vector<DropCopyEntry> chunk;
  for (std::uint64_t s = scan_from; s < next_seq_; s += chunk.size()) {
    chunk.clear();
    if (!read_files(s, kScanChunk, chunk) || chunk.empty())
      fail(options_.dir, "unreadable entries");
    for (const auto& e : chunk)
      if (e.partition < written_.size()) note(written_[e.partition], e.event);
  }
  if (segments_.empty() || segments_.back()->entries >= options_.segment_entries)
    start_segment(next_seq_);
  else
    ::lseek(segments_.back()->fd, 0, SEEK_END);
  spdlog::info("drop copy: {} entries kept ({}..{}) in {}", next_seq_ - oldest_seq_, oldest_seq_,
               next_seq_ - 1, options_.dir);
}

void DropCopyLog::note(Progress& p, const engine::Event& e) noexcept {
  if (e.seq == p.seq) {
    ++p.count;
  } else {
    p.seq = e.seq;
    p.count = 1;
  }
}

void DropCopyLog::add(const engine::Event& e, std::uint16_t partition, bool maker) {
  if (partition >= written_.size()) partition = 0;
  Progress& r = recovered_[partition];
  if (r.seq != 0) {  // a replay at start-up: skip what the log holds
    if (e.seq < r.seq) return;
    if (e.seq == r.seq && r.count > 0) {
      --r.count;
      return;
    }
    if (e.seq > r.seq) r = Progress{};
  }
  DropCopyEntry& entry = pending_.emplace_back();
  entry.event = e;
  entry.partition = partition;
  entry.maker = maker ? 1 : 0;
  note(written_[partition], e);
  if (pending_.size() >= kScanChunk) flush(0);  // a long replay: bounded memory
}

void DropCopyLog::start_segment(std::uint64_t first_seq) {
  auto s = std::make_shared<Segment>();
  s->first_seq = first_seq;
  s->path = options_.dir + "/" + segment_name(first_seq);
  s->fd = ::open(s->path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (s->fd < 0) fail(s->path, std::strerror(errno));
  std::uint8_t header[kHeaderBytes] = {};
  std::memcpy(header, kMagic, 4);
  std::memcpy(header + 4, &kVersion, 4);
  std::memcpy(header + 8, &first_seq, 8);
  if (!write_all(s->fd, header, kHeaderBytes)) fail(s->path, std::strerror(errno));
  std::lock_guard lock(mutex_);
  segments_.push_back(std::move(s));
  while (segments_.size() > options_.retain_segments) {
    std::filesystem::remove(segments_.front()->path);
    segments_.erase(segments_.begin());
  }
  oldest_seq_ = std::max(oldest_seq_, segments_.front()->first_seq);
}

void DropCopyLog::flush(std::int64_t now_ns) {
  if (!pending_.empty()) {
    std::size_t done = 0;
    while (!options_.dir.empty() && done < pending_.size()) {
      Segment& s = *segments_.back();
      const std::size_t room = options_.segment_entries - s.entries;
      const std::size_t n = std::min(room, pending_.size() - done);
      if (!write_all(s.fd, pending_.data() + done, n * kEntryBytes)) {
        // The drop copy must never stop trading: it goes on in memory, and says so.
        spdlog::error("drop copy: writing {} failed ({}); kept in memory only from now on", s.path,
                      std::strerror(errno));
        options_.dir.clear();
        break;
      }
      {
        std::lock_guard lock(mutex_);
        s.entries += n;
      }
      done += n;
      if (s.entries >= options_.segment_entries) start_segment(s.first_seq + s.entries);
    }
    std::lock_guard lock(mutex_);
    for (const auto& e : pending_)
      ring_[(next_seq_++ - 1) % ring_.size()] = e;
    ring_count_ = std::min<std::uint64_t>(ring_.size(), ring_count_ + pending_.size());
    if (options_.dir.empty()) oldest_seq_ = std::max(oldest_seq_, next_seq_ - ring_count_);
    pending_.clear();
    state_dirty_ = true;
  }
  if (!options_.dir.empty() && state_dirty_ && now_ns - state_written_ns_ >= kStateEveryNs) {
    state_dirty_ = false;
    state_written_ns_ = now_ns;
    ::fdatasync(segments_.back()->fd);  // the state never claims what the disk may not hold
    write_state();
  }
}

void DropCopyLog::write_state() const {
  if (options_.dir.empty()) return;
  const std::string path = options_.dir + "/dropcopy.state";
  {
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << "swarmex-dropcopy-state-v1\nnext_seq " << next_seq() << "\n";
    for (std::size_t p = 0; p < written_.size(); ++p)
      out << "partition " << p << ' ' << written_[p].seq << ' ' << written_[p].count << "\n";
  }
  std::error_code ec;
  std::filesystem::rename(path + ".tmp", path, ec);
}

std::uint64_t DropCopyLog::next_seq() const {
  std::lock_guard lock(mutex_);
  return next_seq_;
}

std::uint64_t DropCopyLog::oldest_seq() const {
  std::lock_guard lock(mutex_);
  return oldest_seq_;
}

std::optional<std::size_t> DropCopyLog::read(std::uint64_t from, std::size_t max,
                                             std::vector<DropCopyEntry>& out) const {
  std::unique_lock lock(mutex_);
  if (from < oldest_seq_) return std::nullopt;
  if (from >= next_seq_) return 0;
  const std::uint64_t ring_start = next_seq_ - ring_count_;
  if (from >= ring_start) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(max, next_seq_ - from));
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(ring_[(from + i - 1) % ring_.size()]);
    return n;
  }
  lock.unlock();
  return read_files(from, static_cast<std::size_t>(std::min<std::uint64_t>(max, ring_start - from)),
                    out);
}

std::optional<std::size_t> DropCopyLog::read_files(std::uint64_t from, std::size_t max,
                                                   std::vector<DropCopyEntry>& out) const {
  std::vector<std::shared_ptr<Segment>> segments;
  {
    std::lock_guard lock(mutex_);
    segments = segments_;
  }
  std::size_t got = 0;
  for (const auto& s : segments) {
    std::uint64_t entries;
    {
      std::lock_guard lock(mutex_);
      entries = s->entries;
    }
    if (got == max || from + got < s->first_seq) break;
    if (from + got >= s->first_seq + entries) continue;
    const std::uint64_t index = from + got - s->first_seq;
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(max - got, entries - index));
    const std::size_t at = out.size();
    out.resize(at + n);
    const auto bytes = static_cast<ssize_t>(n * kEntryBytes);
    if (::pread(s->fd, out.data() + at, n * kEntryBytes,
                static_cast<off_t>(kHeaderBytes + index * kEntryBytes)) != bytes) {
      out.resize(at);
      return std::nullopt;
    }
    got += n;
  }
  return got;
}

}  // namespace swarmex::gateway
