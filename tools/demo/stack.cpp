#include "stack.hpp"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "swarmex/common/token_hash.hpp"
#include "swarmex/hostctl/cgroup_writer.hpp"
#include "swarmex/hostctl/enactor.hpp"

namespace swarmex::demo {

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The last line of `text` that contains `marker`, without its newline.
std::string last_line_with(const std::string& text, const std::string& marker) {
  const auto at = text.rfind(marker);
  if (at == std::string::npos) return {};
  const auto begin = text.rfind('\n', at);
  const auto end = text.find('\n', at);
  const auto from = begin == std::string::npos ? 0 : begin + 1;
  return text.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

// Principals tenant-d... beyond the three of the sample configuration, token "<name>-token".
std::string extra_tenants(int tenants) {
  std::ostringstream out;
  for (int i = 3; i < tenants; ++i) {
    const std::string name = fmt::format("tenant-{}", static_cast<char>('a' + i));
    out << "\n[[principals]]\nname = \"" << name << "\"\nid = " << i + 1
        << "\nrole = \"tenant\"\ntoken_hash = \"" << common::hash_token(name + "-token") << "\"\n";
  }
  return out.str();
}

// "http://ADDR:PORT" after `marker` in swarmexd's output, waiting up to 2 s for the line.
std::string printed_address(const tools::SwarmexdProcess& p, const std::string& marker) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    const std::string out = p.output();
    const auto at = out.find(marker);
    if (at != std::string::npos) {
      const auto from = at + marker.size();
      const auto end = out.find_first_of("/ \n", out.find("//", from) + 2);
      return out.substr(from, end - from);
    }
    if (std::chrono::steady_clock::now() > deadline) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::string principal_entry(const std::string& name, int id, const char* role, int host_id) {
  std::string out =
      fmt::format("\n[[principals]]\nname = \"{}\"\nid = {}\nrole = \"{}\"\n", name, id, role);
  if (host_id != 0) out += fmt::format("host_id = {}\n", host_id);
  return out + fmt::format("token_hash = \"{}\"\n", common::hash_token(name + "-token"));
}

std::string with_server_keys(std::string toml, const std::map<std::string, std::string>& keys) {
  const auto table = toml.find("[server]\n");
  if (table == std::string::npos) {
    std::string head = "[server]\n";
    for (const auto& [k, v] : keys)
      head += k + " = " + v + "\n";
    return head + "\n" + toml;
  }
  const auto body = table + 9;
  const auto next = toml.find("\n[", body);
  std::string section =
      toml.substr(body, next == std::string::npos ? std::string::npos : next - body);
  std::string added;
  for (const auto& [k, v] : keys) {
    // Replace the line that sets k (k, optional blanks, '='), else add one.
    bool replaced = false;
    for (std::size_t at = 0; at < section.size() && !replaced;) {
      const auto eol = std::min(section.find('\n', at), section.size());
      if (section.compare(at, k.size(), k) == 0) {
        auto p = at + k.size();
        while (p < eol && (section[p] == ' ' || section[p] == '\t'))
          ++p;
        if (p < eol && section[p] == '=') {
          section.replace(at, eol - at, k + " = " + v);
          replaced = true;
        }
      }
      at = eol + 1;
    }
    if (!replaced) added += k + " = " + v + "\n";
  }
  return toml.substr(0, body) + added + section +
         (next == std::string::npos ? std::string() : toml.substr(next));
}

CgroupMode detect_cgroup_mode(bool force_dry_run) {
  CgroupMode m;
  m.driver = "v2";
  if (force_dry_run) {
    m.why = "--dry-run";
    return m;
  }
  if (::geteuid() != 0) {
    m.why = "not root";
    return m;
  }
  try {
    const auto layout = hostctl::detect_cgroup_layout("/sys/fs/cgroup");
    const fs::path probe = hostctl::controller_root(layout, "cpu") / "swarmex-demo-probe";
    std::error_code ec;
    if (!fs::create_directory(probe, ec) || ec) {
      m.why = "cgroup mount not writable: " + ec.message();
      return m;
    }
    fs::remove(probe, ec);
  } catch (const std::exception& e) {
    m.why = e.what();
    return m;
  }
  m.real = true;
  m.root = "/sys/fs/cgroup";
  m.driver = "auto";
  return m;
}

Stack::Stack(std::string bin_dir, const std::string& base_config_path, int tenants, CgroupMode mode,
             const std::function<std::string(std::string)>& edit)
    : bin_dir_(std::move(bin_dir)), work_("swarmex-demo"), mode_(std::move(mode)) {
  std::string config = slurp(base_config_path) + extra_tenants(tenants);
  if (edit) config = edit(std::move(config));
  exchange_ = std::make_unique<tools::SwarmexdProcess>(bin_dir_ + "/swarmexd", work_.str(), config);
}

std::string Stack::dashboard_address() const {
  return printed_address(*exchange_, "dashboard on ");
}

std::string Stack::metrics_address() const {
  return printed_address(*exchange_, "metrics on ");
}

Stack::~Stack() {
  (void)teardown();
}

void Stack::start_exchange() {
  exchange_->start();
  exchange_started_ = true;
}

void Stack::start_host(const HostSpec& spec) {
  Host h;
  h.spec = spec;
  h.config_path = work_.str() + "/" + spec.name + ".toml";
  std::string root = mode_.root;
  if (mode_.real) {
    h.subtree = fmt::format("swarmex-demo-{}-{}", ::getpid(), spec.name);
  } else {
    // A directory laid out like a cgroup v2 mount: the controller writes files, nothing enforces.
    root = work_.str() + "/cgroupfs-" + spec.name;
    h.subtree = "swarmex";
    fs::create_directories(root);
    std::ofstream(root + "/cgroup.controllers") << "cpuset cpu io memory pids\n";
    std::ofstream(root + "/cgroup.subtree_control") << "\n";
  }
  std::ofstream(h.config_path) << "[exchange]\naddress = \"127.0.0.1:" << exchange_->port()
                               << "\"\nprincipal = \"" << spec.name << "\"\ntoken = \"" << spec.name
                               << "-token\"\nreconnect_ms = 100\n\n[host]\npool = \"" << spec.pool
                               << "\"\nstate_dir = \"" << work_.str() << "/" << spec.name
                               << "-state\"\ncgroup_root = \"" << root << "\"\ncgroup_driver = \""
                               << mode_.driver << "\"\nsubtree = \"" << h.subtree << "\"\n"
                               << spec.host_toml << "\n[capacity]\n"
                               << spec.capacity_toml << "\n[gpu]\nbackend = \"" << spec.gpu_backend
                               << "\"\n\n"
                               << spec.supply_toml;
  h.process = std::make_unique<tools::ChildProcess>(work_.str() + "/" + spec.name + ".log");
  h.process->start({bin_dir_ + "/swarmex-hostctl", "--config", h.config_path});
  pids_.push_back(h.process->pid());
  tools::ChildProcess& p = *h.process;
  hosts_.push_back(std::move(h));
  if (p.wait_for("logged on", 0, 15000) == std::string::npos)
    throw std::runtime_error(fmt::format("{} did not log on:\n{}", spec.name, p.output()));
}

const Stack::Host& Stack::host(const std::string& name) const {
  for (const Host& h : hosts_)
    if (h.spec.name == name) return h;
  throw std::invalid_argument("no host " + name);
}

hostctl::CgroupLayout Stack::layout(const std::string& name) const {
  const Host& h = host(name);
  return hostctl::make_layout(mode_.real ? mode_.root : work_.str() + "/cgroupfs-" + name,
                              mode_.driver, h.subtree);
}

hostctl::HostState Stack::host_state(const std::string& name) const {
  return hostctl::load_host_state(work_.str() + "/" + host(name).spec.name + "-state");
}

std::string Stack::host_log(const std::string& name) const {
  return host(name).process->output();
}

void Stack::kill_host(const std::string& name) {
  for (Host& h : hosts_)
    if (h.spec.name == name) {
      h.killed = true;
      h.process->kill();
    }
}

tools::ChildProcess& Stack::start_workload(const std::string& host_name, const std::string& tenant,
                                           const std::string& shell_command) {
  return start_workload(host_name, tenant,
                        std::vector<std::string>{"/bin/sh", "-c", shell_command});
}

tools::ChildProcess& Stack::start_workload(const std::string& host_name, const std::string& tenant,
                                           const std::vector<std::string>& argv) {
  auto w = std::make_unique<tools::ChildProcess>(work_.str() + "/workload-" + tenant + ".log");
  std::vector<std::string> args{bin_dir_ + "/swarmex-hostctl",
                                "--config",
                                host(host_name).config_path,
                                "run",
                                "--tenant",
                                tenant,
                                "--"};
  args.insert(args.end(), argv.begin(), argv.end());
  w->start(args);
  pids_.push_back(w->pid());
  workloads_.push_back(std::move(w));
  return *workloads_.back();
}

void Stack::stop_workloads() {
  for (auto& w : workloads_)
    w->kill();
}

tools::ChildProcess& Stack::start_process(const std::string& name,
                                          const std::vector<std::string>& argv) {
  auto p = std::make_unique<tools::ChildProcess>(work_.str() + "/" + name + ".log");
  p->start(argv);
  pids_.push_back(p->pid());
  others_.push_back(std::move(p));
  other_names_.push_back(name);
  return *others_.back();
}

std::string Stack::process_output(const std::string& name) const {
  for (std::size_t i = 0; i < others_.size(); ++i)
    if (other_names_[i] == name) return others_[i]->output();
  return {};
}

std::string Stack::log_tails(std::size_t lines) const {
  auto tail = [lines](const std::string& text) {
    std::size_t at = text.size();
    for (std::size_t n = 0; n <= lines && at != std::string::npos && at > 0; ++n)
      at = text.rfind('\n', at - 1);
    return at == std::string::npos ? text : text.substr(at + 1);
  };
  std::string out = "--- swarmexd ---\n" + tail(exchange_->output());
  for (const Host& h : hosts_)
    out += "--- " + h.spec.name + " ---\n" + tail(h.process->output());
  return out;
}

TeardownReport Stack::teardown() {
  if (torn_down_) return report_;
  torn_down_ = true;
  TeardownReport& r = report_;
  r.processes = static_cast<int>(pids_.size()) + (exchange_started_ ? 1 : 0);
  for (auto& p : others_) {
    const pid_t group = p->pid();
    p->stop(5000);
    if (group > 0) ::kill(-group, SIGKILL);  // what it started (a browser's helpers)
  }
  for (auto& w : workloads_)
    w->kill();  // busy loops: nothing to save
  for (Host& h : hosts_) {
    h.process->stop(5000);
    if (!h.killed && h.process->exit_status() != 0)
      r.problems.push_back(
          fmt::format("{} exited with status {}", h.spec.name, h.process->exit_status()));
    const std::string line = last_line_with(h.process->output(), "stopping:");
    r.hostctl_summaries.push_back(
        h.spec.name + ": " + (line.empty() ? "(no summary)" : line.substr(line.find("stopping:"))));
  }
  if (exchange_->running()) exchange_->stop();
  for (int pid : pids_)
    if (pid > 0 && ::kill(pid, 0) == 0) {
      ++r.left_running;
      ::kill(pid, SIGKILL);
      r.problems.push_back(fmt::format("process {} was still running", pid));
    }
  if (exchange_->running()) {
    ++r.left_running;
    exchange_->kill();
  }
  if (mode_.real) {
    // The leases outlast the demo: take the tenants' cgroups and the subtrees down.
    for (const Host& h : hosts_) {
      const auto l = layout(h.spec.name);
      hostctl::Enactor enactor(l, hostctl::make_cgroup_writer({}, false));
      for (const auto& o : enactor.remove_subtree())
        if (!o.ok) r.problems.push_back(h.spec.name + ": " + o.tenant + ": " + o.why);
      std::error_code ec;
      for (const char* c : {"cpu", "cpuacct", "memory", "blkio", "cpuset", "io"})
        if (hostctl::has_controller(l, c) && fs::exists(hostctl::subtree_dir(l, c), ec))
          ++r.cgroups_left;
    }
  }
  r.work_dir_removed = work_.remove();
  return r;
}

}  // namespace swarmex::demo
