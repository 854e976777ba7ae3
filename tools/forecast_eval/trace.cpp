#include "trace.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>

namespace swarmex::forecast_eval {
namespace {

[[noreturn]] void fail(const std::string& path, size_t line, const std::string& what) {
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t from = 0;
  for (;;) {
    const size_t comma = line.find(',', from);
    cells.push_back(line.substr(from, comma - from));
    if (comma == std::string_view::npos) return cells;
    from = comma + 1;
  }
}

template <typename T>
bool parse(std::string_view text, T& out) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

struct Matrix {
  std::vector<std::string> columns;
  std::vector<int64_t> t_s;
  std::vector<std::vector<std::optional<double>>> cells;  // [column][row]
};

Matrix read_matrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  Matrix m;
  std::string line;
  if (!std::getline(in, line)) fail(path, 1, "empty file");
  const auto header = split(line);
  if (header.size() < 2 || header[0] != "timestamp_s")
    fail(path, 1, "header must start timestamp_s");
  for (size_t c = 1; c < header.size(); ++c)
    m.columns.emplace_back(header[c]);
  m.cells.resize(m.columns.size());
  for (size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const auto cells = split(line);
    if (cells.size() != header.size()) fail(path, n, "wrong number of cells");
    int64_t t = 0;
    if (!parse(cells[0], t)) fail(path, n, "bad timestamp");
    if (!m.t_s.empty() && t <= m.t_s.back()) fail(path, n, "timestamps must increase");
    m.t_s.push_back(t);
    for (size_t c = 1; c < cells.size(); ++c) {
      double v = 0;
      if (cells[c].empty() || cells[c] == "\r") {
        m.cells[c - 1].emplace_back();
      } else if (parse(cells[c], v) && v >= 0) {
        m.cells[c - 1].emplace_back(v);
      } else {
        fail(path, n, "bad cell for " + m.columns[c - 1]);
      }
    }
  }
  return m;
}

// column -> MHz per core, from vms.csv (`vm_id,column,cpu_cores,cpu_capacity_mhz,...`).
std::map<std::string, double> read_mhz_per_core(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  if (header.size() < 4 || header[1] != "column" || header[2] != "cpu_cores" ||
      header[3] != "cpu_capacity_mhz") {
    fail(path, 1, "expected vm_id,column,cpu_cores,cpu_capacity_mhz,...");
  }
  std::map<std::string, double> out;
  for (size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const auto cells = split(line);
    double cores = 0, mhz = 0;
    // A VM without valid data has empty capacity cells.
    const bool empty = cells.size() >= 4 && cells[2].empty() && cells[3].empty();
    if (cells.size() < 4 || (!empty && (!parse(cells[2], cores) || !parse(cells[3], mhz)))) {
      fail(path, n, "bad VM row");
    }
    // A VM with no data has no capacity; its column stays empty anyway.
    out[std::string(cells[1])] = cores > 0 && mhz > 0 ? mhz / cores : 0;
  }
  return out;
}

}  // namespace

Trace load_trace(const std::string& cpu_path, const std::string& mem_path,
                 const std::string& vms_path) {
  Matrix cpu = read_matrix(cpu_path);
  Matrix mem = read_matrix(mem_path);
  if (cpu.columns != mem.columns || cpu.t_s != mem.t_s) {
    throw std::runtime_error(cpu_path + " and " + mem_path + " differ in columns or rows");
  }
  const auto mhz_per_core = read_mhz_per_core(vms_path);
  Trace trace;
  trace.t_s = cpu.t_s;
  for (size_t c = 0; c < cpu.columns.size(); ++c) {
    VmSeries vm;
    vm.name = cpu.columns[c];
    const auto it = mhz_per_core.find(vm.name);
    if (it == mhz_per_core.end()) throw std::runtime_error(vms_path + ": no row for " + vm.name);
    for (const auto& cell : cpu.cells[c]) {
      vm.cpu_cores.push_back(cell && it->second > 0 ? std::optional(*cell / it->second)
                                                    : std::nullopt);
    }
    for (const auto& cell : mem.cells[c]) {
      vm.mem_bytes.push_back(cell ? std::optional(*cell * 1024 * 1024) : std::nullopt);
    }
    trace.vms.push_back(std::move(vm));
  }
  return trace;
}

Trace subset(const Trace& trace, size_t count, int64_t cut_s) {
  Trace out;
  size_t rows = trace.t_s.size();
  if (cut_s != 0) {
    rows = 0;
    while (rows < trace.t_s.size() && trace.t_s[rows] < cut_s)
      ++rows;
  }
  out.t_s.assign(trace.t_s.begin(), trace.t_s.begin() + static_cast<std::ptrdiff_t>(rows));
  const size_t n = count == 0 ? trace.vms.size() : std::min(count, trace.vms.size());
  for (size_t v = 0; v < n; ++v) {
    VmSeries vm{trace.vms[v].name, {}, {}};
    vm.cpu_cores.assign(trace.vms[v].cpu_cores.begin(),
                        trace.vms[v].cpu_cores.begin() + static_cast<std::ptrdiff_t>(rows));
    vm.mem_bytes.assign(trace.vms[v].mem_bytes.begin(),
                        trace.vms[v].mem_bytes.begin() + static_cast<std::ptrdiff_t>(rows));
    out.vms.push_back(std::move(vm));
  }
  return out;
}

}  // namespace swarmex::forecast_eval
