#include "swarmex/hostctl/capacity.hpp"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace swarmex::hostctl {

namespace {

int to_int(std::string_view s) {
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0)
    throw std::invalid_argument("not a cpu number: '" + std::string(s) + "'");
  return v;
}

std::vector<int> own_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, &set)) out.push_back(i);
  return out;
}

std::int64_t mem_total_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemTotal:") return kib * 1024;
  return 0;
}

std::vector<std::string> block_devices() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/block", ec)) {
    const std::string name = e.path().filename();
    if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0 || name.rfind("zram", 0) == 0)
      continue;  // not devices anyone buys bandwidth on
    std::ifstream dev(e.path() / "dev");
    std::string majmin;
    if (dev >> majmin) out.push_back(majmin + " " + name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (part.empty()) throw std::invalid_argument("empty element in cpu list");
    const auto dash = part.find('-');
    const int lo = to_int(part.substr(0, dash));
    const int hi = dash == std::string_view::npos ? lo : to_int(part.substr(dash + 1));
    if (hi < lo || hi >= 4096)
      throw std::invalid_argument("bad cpu range '" + std::string(part) + "'");
    for (int c = lo; c <= hi; ++c)
      out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
      ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) out += '-' + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

HostCapacity discover_capacity(const HostConfig& config) {
  HostCapacity cap;
  const std::vector<int> mine = own_cpus();
  if (config.cpus.empty()) {
    cap.cpus = mine;
  } else {
    try {
      cap.cpus = parse_cpu_list(config.cpus);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("capacity.cpus: " + std::string(e.what()));
    }
    for (int c : cap.cpus)
      if (std::find(mine.begin(), mine.end(), c) == mine.end())
        throw std::runtime_error("capacity.cpus: cpu " + std::to_string(c) +
                                 " is outside this controller's cpuset (" + format_cpu_list(mine) +
                                 ")");
  }
  cap.vrus = config.vrus.value_or(static_cast<std::int64_t>(cap.cpus.size()) * kVrusPerCpu);
  const std::int64_t usable = mem_total_bytes() - config.reserve_memory_mb * (1 << 20);
  cap.mem_shards = config.mem_shards.value_or(std::max<std::int64_t>(0, usable >> 28));
  cap.io = config.io;
  cap.block_devices = block_devices();
  return cap;
}

std::int64_t capacity_of(const HostCapacity& cap, std::string_view resource,
                         std::string_view device) {
  if (resource == "cpu") return cap.vrus;
  if (resource == "mem") return cap.mem_shards;
  if (resource == "io")
    for (const IoCapacity& io : cap.io)
      if (io.device == device) return io.units;
  return 0;
}

}  // namespace swarmex::hostctl
