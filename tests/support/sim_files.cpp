#include "sim_files.hpp"

#include <cerrno>
#include <stdexcept>

namespace swarmex::testing {

class SimSegment final : public journal::SegmentFile {
 public:
  SimSegment(SimFiles& fs, std::string name) : fs_(fs), name_(std::move(name)) {}

  int append(std::span<const std::uint8_t> data, bool sync) override {
    if (fs_.point()) return -EIO;  // crashed before the write
    auto it = fs_.files.find(name_);
    if (it == fs_.files.end()) return -ENOENT;
    it->second.data.insert(it->second.data.end(), data.begin(), data.end());
    if (!sync) return 0;
    if (fs_.point()) return -EIO;  // crashed after the write, before the sync completed
    it->second.synced = it->second.data.size();
    return 0;
  }
  [[nodiscard]] std::uint64_t size() const override {
    auto it = fs_.files.find(name_);
    return it == fs_.files.end() ? 0 : it->second.data.size();
  }

 private:
  SimFiles& fs_;
  std::string name_;
};

bool SimFiles::point() {
  if (crashed_) return true;
  ++points_;
  if (crash_at_ != 0 && points_ == crash_at_) crashed_ = true;
  return crashed_;
}

SimFiles SimFiles::image(CrashMode mode, std::mt19937_64& rng) const {
  SimFiles out;
  for (const auto& [name, f] : files) {
    File g;
    g.data.assign(f.data.begin(), f.data.begin() + static_cast<long>(f.synced));
    const std::size_t unsynced = f.data.size() - f.synced;
    if (mode != CrashMode::SyncedOnly && unsynced > 0) {
      const std::size_t keep = rng() % (unsynced + 1);
      g.data.insert(g.data.end(), f.data.begin() + static_cast<long>(f.synced),
                    f.data.begin() + static_cast<long>(f.synced + keep));
      if (mode == CrashMode::TornSector && keep > 0) {
        // Garbage over the last sector written, never over synced bytes.
        const std::size_t sector_start = std::max(f.synced, (g.data.size() - 1) / 512 * 512);
        for (std::size_t i = sector_start; i < g.data.size(); ++i)
          g.data[i] = static_cast<std::uint8_t>(rng());
      }
    }
    g.synced = g.data.size();
    out.files[name] = std::move(g);
  }
  return out;
}

std::vector<std::string> SimFiles::list(const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& [name, f] : files)
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  return names;
}

std::unique_ptr<journal::SegmentFile> SimFiles::create(const std::string& name) {
  if (point()) throw std::runtime_error("sim: crashed");
  files[name] = File{};  // the directory entry is durable once create returns
  return std::make_unique<SimSegment>(*this, name);
}

bool SimFiles::read(const std::string& name, std::vector<std::uint8_t>* out) {
  ++reads[name];
  auto it = files.find(name);
  if (it == files.end()) return false;
  *out = it->second.data;
  return true;
}

int SimFiles::truncate(const std::string& name, std::uint64_t size) {
  if (point()) return -EIO;
  auto it = files.find(name);
  if (it == files.end()) return -ENOENT;
  it->second.data.resize(size);
  it->second.synced = it->second.data.size();
  return 0;
}

int SimFiles::remove(const std::string& name) {
  if (point()) return -EIO;
  return files.erase(name) == 1 ? 0 : -ENOENT;
}

int SimFiles::move_out(const std::string& name, const std::string& dir) {
  if (point()) return -EIO;
  auto it = files.find(name);
  if (it == files.end()) return -ENOENT;
  moved[dir][name] = std::move(it->second);
  files.erase(it);
  return 0;
}

int SimFiles::write_atomic(const std::string& name, std::span<const std::uint8_t> data) {
  if (point()) return -EIO;  // the rename never happened: the old file (if any) stays
  files[name] = File{std::vector<std::uint8_t>(data.begin(), data.end()), data.size()};
  return 0;
}

}  // namespace swarmex::testing
