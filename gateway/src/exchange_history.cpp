#include "exchange_history.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "swarmex/common/history_id.hpp"
#include "swarmex/common/synced_file.hpp"

namespace swarmex::gateway {

namespace {

constexpr const char* kMagic = "swarmex-history v1";

bool read_random(void* out, std::size_t n) {
  auto* p = static_cast<std::uint8_t*>(out);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::getrandom(p + done, n - done, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<std::size_t>(r);
  }
  if (done == n) return true;
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  done = 0;
  while (done < n) {
    const ssize_t r = ::read(fd, p + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
  return done == n;
}

}  // namespace

std::uint64_t random_history_id() {
  for (;;) {
    std::uint64_t id = 0;
    if (!read_random(&id, sizeof id))
      throw std::runtime_error("cannot read random bytes for the exchange history id");
    if (id != 0) return id;
  }
}

HistoryFile load_or_create_history(const std::string& dir) {
  const std::string path = dir + "/history";
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    std::string magic, id_text;
    if (!in || !std::getline(in, magic) || !std::getline(in, id_text) || magic != kMagic)
      throw std::runtime_error(path + ": not a swarmex history file");
    const std::uint64_t id = common::parse_history_id(id_text);
    if (id == 0) throw std::runtime_error(path + ": bad history id '" + id_text + "'");
    return HistoryFile{id, false};
  }
  const std::uint64_t id = random_history_id();
  write_history(dir, id);
  return HistoryFile{id, true};
}

void write_history(const std::string& dir, std::uint64_t id) {
  std::filesystem::create_directories(dir);
  common::write_file_synced(dir, "history",
                            fmt::format("{}\n{}\n", kMagic, common::format_history_id(id)));
}

}  // namespace swarmex::gateway
