#include "nats_cluster.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace swarmex::tools {

namespace {

// A port the kernel had free a moment ago (bound to port 0, read, closed).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool executable(const std::string& p) {
  return !p.empty() && ::access(p.c_str(), X_OK) == 0;
}

}  // namespace

std::string find_nats_server() {
  if (const char* env = std::getenv("SWARMEX_NATS_SERVER"); env != nullptr && executable(env))
    return env;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::string p = path;
    std::size_t at = 0;
    while (at <= p.size()) {
      const std::size_t end = std::min(p.find(':', at), p.size());
      const std::string cand = p.substr(at, end - at) + "/nats-server";
      if (executable(cand)) return cand;
      at = end + 1;
    }
  }
  for (const char* p : {"/usr/sbin/nats-server", "/usr/local/sbin/nats-server"})
    if (executable(p)) return p;
  return {};
}

NatsCluster::NatsCluster(int nodes, const std::string& name, const std::string& server)
    : server_(server) {
  if (server_.empty()) throw std::runtime_error("nats-server not found");
  std::string tmpl = (std::filesystem::temp_directory_path() / "swarmex-nats-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  for (int i = 0; i < nodes; ++i) {
    Node n;
    n.name = std::string(1, 'n').append(std::to_string(i));
    n.client_port = free_port();
    n.cluster_port = free_port();
    nodes_.push_back(std::move(n));
  }
  for (int i = 0; i < nodes; ++i) {
    Node& n = nodes_[i];
    std::string routes;
    for (int j = 0; j < nodes; ++j)
      if (j != i)
        routes += "    nats-route://127.0.0.1:" + std::to_string(nodes_[j].cluster_port) + "\n";
    n.config = dir_ + "/" + n.name + ".conf";
    std::ofstream f(n.config);
    f << "server_name: " << n.name << "\n"
      << "listen: 127.0.0.1:" << n.client_port << "\n"
      << "jetstream {\n  store_dir: \"" << dir_ << "/" << n.name << "\"\n"
      << "  max_memory_store: 64MB\n  max_file_store: 1GB\n}\n"
      << "cluster {\n  name: " << name << "\n  listen: 127.0.0.1:" << n.cluster_port
      << "\n  routes: [\n"
      << routes << "  ]\n}\n";
  }
  try {
    for (int i = 0; i < nodes; ++i)
      start(i);
  } catch (...) {
    stop();
    throw;
  }
}

NatsCluster::~NatsCluster() {
  stop();
}

void NatsCluster::start(int i) {
  Node& n = nodes_[i];
  const std::string log_path = dir_ + "/" + n.name + ".log";
  const std::size_t from = n.process ? n.process->output().size() : 0;
  n.process = std::make_unique<ChildProcess>(log_path);
  n.process->start({server_, "-c", n.config});
  if (n.process->wait_for("Server is ready", from, 15000) == std::string::npos)
    throw std::runtime_error("nats-server " + n.name + " did not start:\n" + n.process->output());
}

std::string NatsCluster::url(int i) const {
  return "nats://127.0.0.1:" + std::to_string(nodes_[i].client_port);
}

std::string NatsCluster::urls() const {
  std::string s;
  for (int i = 0; i < size(); ++i) {
    if (i > 0) s.push_back(',');
    s.append(url(i));
  }
  return s;
}

std::string NatsCluster::server_name(int i) const {
  return nodes_[i].name;
}

int NatsCluster::index_of(const std::string& server_name) const {
  for (int i = 0; i < size(); ++i)
    if (nodes_[i].name == server_name) return i;
  return -1;
}

void NatsCluster::kill(int i) {
  if (nodes_[i].process) nodes_[i].process->kill();
}

void NatsCluster::restart(int i) {
  if (nodes_[i].process && nodes_[i].process->running()) return;
  start(i);
}

void NatsCluster::pause(int i) {
  if (nodes_[i].process && nodes_[i].process->running()) ::kill(nodes_[i].process->pid(), SIGSTOP);
}

void NatsCluster::resume(int i) {
  if (nodes_[i].process && nodes_[i].process->running()) ::kill(nodes_[i].process->pid(), SIGCONT);
}

bool NatsCluster::running(int i) {
  return nodes_[i].process && nodes_[i].process->running();
}

std::string NatsCluster::log(int i) const {
  return nodes_[i].process ? nodes_[i].process->output() : std::string{};
}

void NatsCluster::stop() {
  for (Node& n : nodes_)
    if (n.process) {
      if (n.process->running()) ::kill(n.process->pid(), SIGCONT);  // a paused one hears SIGTERM
      n.process->stop(5000);
    }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

}  // namespace swarmex::tools
