#include "proc_sample.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace swarmex::soak {

namespace fs = std::filesystem;

ProcStatus parse_status(const std::string& text) {
  ProcStatus p;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:"))
      p.rss_kib = std::stoll(line.substr(6));  // "VmRSS:     1234 kB"
    else if (line.starts_with("Threads:"))
      p.threads = std::stoi(line.substr(8));
  }
  return p;
}

ProcStatus read_proc(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream in(dir + "/status");
  if (!in) throw std::runtime_error("process " + std::to_string(pid) + " is gone");
  std::stringstream ss;
  ss << in.rdbuf();
  ProcStatus p = parse_status(ss.str());
  std::error_code ec;
  for (fs::directory_iterator it(dir + "/fd", ec), end; !ec && it != end; it.increment(ec))
    ++p.fds;
  if (ec) throw std::runtime_error("cannot list " + dir + "/fd: " + ec.message());
  return p;
}

std::int64_t dir_bytes(const std::string& dir) {
  std::int64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;  // a segment removed while we walk is simply not counted
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += static_cast<std::int64_t>(size);
    }
  }
  return total;
}

}  // namespace swarmex::soak
