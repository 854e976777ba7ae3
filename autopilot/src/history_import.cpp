#include "swarmex/autopilot/history_import.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace swarmex::autopilot {

namespace {

constexpr std::string_view kHeader = "tenant,t_s,interval_s,cpu_cores,mem_bytes";

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0;;) {
    const std::size_t comma = line.find(',', at);
    out.push_back(line.substr(at, comma == std::string_view::npos ? line.npos : comma - at));
    if (comma == std::string_view::npos) return out;
    at = comma + 1;
  }
}

template <typename T>
bool parse(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

std::size_t import_history(const std::string& path, forecast::TenantForecasts& forecasts,
                           HistoryWindows windows) {
  struct Next {  // per tenant: the next window to decide, and what it has reported
    std::int64_t start_s = 0;
    bool cpu = false, mem = false;
  };
  std::map<std::string, Next, std::less<>> next;
  const std::int64_t w = std::max<std::int64_t>(windows.window_s, 1);
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::string line;
  std::size_t number = 1, rows = 0;
  if (!std::getline(in, line) || std::string_view(line) != kHeader)
    throw std::runtime_error(path + ":1: the header must be '" + std::string(kHeader) + "'");
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const auto f = split(line);
    std::int64_t t_s = 0, interval_s = 0;
    double cpu = 0, mem = 0;
    const bool has_cpu = f.size() == 5 && !f[3].empty();
    const bool has_mem = f.size() == 5 && !f[4].empty();
    if (f.size() != 5 || f[0].empty() || !parse(f[1], t_s) || !parse(f[2], interval_s) ||
        interval_s <= 0 || (has_cpu && (!parse(f[3], cpu) || cpu < 0)) ||
        (has_mem && (!parse(f[4], mem) || mem < 0)))
      throw std::runtime_error(path + ":" + std::to_string(number) +
                               ": expected tenant,t_s,interval_s,cpu_cores,mem_bytes");
    auto it = next.find(f[0]);
    if (it == next.end())  // the first window whose gate is after this row
      it = next.emplace(std::string(f[0]), Next{((t_s + windows.lead_s) / w + 1) * w}).first;
    Next& n = it->second;
    for (; t_s >= n.start_s - windows.lead_s; n.start_s += w) {
      const forecast::WindowQuery q{n.start_s - windows.lead_s, n.start_s, w, 0};
      if (n.cpu) forecasts.decide(f[0], forecast::Resource::cpu, q);
      if (n.mem) forecasts.decide(f[0], forecast::Resource::mem, q);
    }
    n.cpu = n.cpu || has_cpu;
    n.mem = n.mem || has_mem;
    if (has_cpu) forecasts.report(f[0], forecast::Resource::cpu, t_s, cpu, interval_s);
    if (has_mem) forecasts.report(f[0], forecast::Resource::mem, t_s, mem, interval_s);
    ++rows;
  }
  return rows;
}

}  // namespace swarmex::autopilot
