#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace swarmex::tools {

ChildProcess::~ChildProcess() {
  kill();
}

std::string ChildProcess::output() const {
  std::ifstream in(log_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ChildProcess::start(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the parent, even if it aborts
    // Its own process group: Ctrl-C reaches only the parent, which stops children in order.
    ::setpgid(0, 0);
    const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    // Nothing else of the parent's: an inherited socket would keep the parent's connections
    // open for as long as the child runs (a host the parent closed would not look gone).
    ::close_range(3, ~0U, 0);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  pid_ = pid;
  status_ = -1;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    pid_ = -1;
    return false;
  }
  return true;
}

std::size_t ChildProcess::wait_for(const std::string& marker, std::size_t from, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto at = output().find(marker, from);
    if (at != std::string::npos) return at;
    if (!running() || std::chrono::steady_clock::now() > deadline) return std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ChildProcess::reap(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  status_ = status;
  pid_ = -1;
}

void ChildProcess::stop(int timeout_ms) {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  reap(timeout_ms);
}

void ChildProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(10000);
}

}  // namespace swarmex::tools
