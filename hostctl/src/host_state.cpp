#include "swarmex/hostctl/host_state.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "swarmex/common/history_id.hpp"
#include "swarmex/common/synced_file.hpp"

namespace swarmex::hostctl {

namespace {

// v3: the exchange history the fills belong to (`history 0x...`); v2: an allocation's fill key
// names its MIG instance (after sell_order_id). v1 and v2 files still load (history unknown).
constexpr const char* kMagic = "swarmex-hostctl-state v3";
constexpr const char* kMagicV2 = "swarmex-hostctl-state v2";
constexpr const char* kMagicV1 = "swarmex-hostctl-state v1";

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

std::string or_dash(const std::string& s) {
  return s.empty() ? "-" : s;
}
std::string from_dash(const std::string& s) {
  return s == "-" ? std::string() : s;
}

AllocationState parse_state(const std::string& s) {
  for (auto st : {AllocationState::Pending, AllocationState::Active, AllocationState::Ended,
                  AllocationState::Refused})
    if (s == to_string(st)) return st;
  throw std::runtime_error("unknown allocation state '" + s + "'");
}

std::string format_mig(const std::vector<MigInstanceRecord>& records) {
  std::ostringstream os;
  for (std::size_t i = 0; i < records.size(); ++i)
    os << (i ? ";" : "") << records[i].gpu << ':' << records[i].gpu_instance_id << ':'
       << records[i].start;
  return or_dash(os.str());
}

std::vector<MigInstanceRecord> parse_mig(const std::string& text) {
  std::vector<MigInstanceRecord> out;
  if (text == "-") return out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ';')) {
    MigInstanceRecord m;
    char c1 = 0, c2 = 0;
    std::istringstream f(item);
    if (!(f >> m.gpu >> c1 >> m.gpu_instance_id >> c2 >> m.start) || c1 != ':' || c2 != ':')
      throw std::runtime_error("bad MIG instance record '" + item + "'");
    out.push_back(m);
  }
  return out;
}

}  // namespace

std::string format_host_state(const HostState& s) {
  // fmt into one buffer: a state of thousands of allocations is formatted at every save.
  fmt::memory_buffer out;
  auto to = std::back_inserter(out);
  fmt::format_to(to, "{}\nhistory {}\nlast_seq {}\nnext_client_order_id {}\n", kMagic,
                 common::format_history_id(s.history), s.last_seq, s.next_client_order_id);
  for (const auto& [seq, a] : s.book.all())
    fmt::format_to(to, "alloc {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}\n", seq,
                   a.key.instrument, a.key.engine_seq, a.key.buy_order_id, a.key.sell_order_id,
                   a.key.instance, a.tenant, a.tenant_id, a.resource, or_dash(a.device), a.qty,
                   a.price, a.start_ns, a.end_ns, a.pinned ? 1 : 0, to_string(a.state),
                   a.cpus.empty() ? std::string("-") : format_cpu_list(a.cpus),
                   a.mig.empty() ? std::string("-") : format_mig(a.mig), or_dash(a.why));
  return fmt::to_string(out);
}

HostState parse_host_state(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || (line != kMagic && line != kMagicV2 && line != kMagicV1))
    throw std::runtime_error("not a swarmex-hostctl state file");
  const bool v1 = line == kMagicV1;
  const bool v3 = line == kMagic;
  HostState s;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    std::istringstream f(line);
    std::string kind;
    f >> kind;
    bool ok = true;
    if (kind == "history" && v3) {
      std::string id;
      ok = static_cast<bool>(f >> id);
      s.history = common::parse_history_id(id);  // 0x0...0: unknown
      ok = ok && (s.history != 0 || id == common::format_history_id(0));
    } else if (kind == "last_seq") {
      ok = static_cast<bool>(f >> s.last_seq);
    } else if (kind == "next_client_order_id") {
      ok = static_cast<bool>(f >> s.next_client_order_id);
    } else if (kind == "alloc") {
      Allocation a;
      std::string device, state, cpus, mig;
      int pinned = 0;
      ok = static_cast<bool>(f >> a.stream_seq >> a.key.instrument >> a.key.engine_seq >>
                             a.key.buy_order_id >> a.key.sell_order_id);
      if (ok && !v1) ok = static_cast<bool>(f >> a.key.instance);
      ok = ok &&
           static_cast<bool>(f >> a.tenant >> a.tenant_id >> a.resource >> device >> a.qty >>
                             a.price >> a.start_ns >> a.end_ns >> pinned >> state >> cpus >> mig);
      if (ok) {
        std::getline(f >> std::ws, a.why);
        a.why = from_dash(a.why);
        a.device = from_dash(device);
        a.pinned = pinned != 0;
        a.state = parse_state(state);
        try {
          if (cpus != "-") a.cpus = parse_cpu_list(cpus);
        } catch (const std::invalid_argument&) {
          ok = false;  // a corrupt file, reported as one (std::runtime_error) like any other
        }
        a.mig = parse_mig(mig);
        if (ok && !s.book.add(std::move(a))) ok = false;
      }
    } else if (!kind.empty()) {
      ok = false;
    }
    if (!ok) throw std::runtime_error("state line " + std::to_string(n) + ": '" + line + "'");
  }
  return s;
}

void write_adopt_request(const std::string& dir, std::uint64_t history) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/adopt-history";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << common::format_history_id(history) << "\n";
    if (!out.flush()) io_error("write", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) io_error("rename", tmp);
}

std::uint64_t read_adopt_request(const std::string& dir) {
  std::ifstream in(dir + "/adopt-history");
  std::string id;
  if (!in || !(in >> id)) return 0;
  return common::parse_history_id(id);
}

void remove_adopt_request(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove(dir + "/adopt-history", ec);
}

void save_host_state(const std::string& dir, const HostState& state) {
  write_host_state(dir, format_host_state(state));
}

void write_host_state(const std::string& dir, const std::string& text) {
  std::filesystem::create_directories(dir);
  common::write_file_synced(dir, "state", text, 0600);
}

HostState load_host_state(const std::string& dir) {
  const std::string path = dir + "/state";
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return HostState{};
    io_error("open", path);
  }
  std::ostringstream os;
  os << in.rdbuf();
  try {
    return parse_host_state(os.str());
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace swarmex::hostctl
