// Standby: the host logs on as standby, declares its supply and posts no asks until the exchange
// sends Activate; then the operator's on_activate command runs (e.g. powering the machine's
// accelerators on) and the asks follow. Deactivate cancels every ask and runs on_deactivate.
// Commands run through /bin/sh with a timeout; their output is logged, and a failure is logged
// but changes nothing else (the exchange's decision stands). They run on the daemon's thread: a
// standby host holds no allocation to enact while they run.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <string>

#include "swarmex/hostctl/daemon.hpp"

namespace swarmex::hostctl {

namespace {

constexpr std::size_t kMaxLoggedOutput = 4096;

// Runs `command` with `sh -c`, killing its process group after `timeout_ms`.
void run_operator_command(const std::string& what, const std::string& command,
                          std::int64_t timeout_ms) {
  if (command.empty()) return;
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    spdlog::error("{}: cannot make a pipe", what);
    return;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    spdlog::error("{}: cannot fork", what);
    return;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000))) <= 0) continue;
    char buf[1024];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;  // end: the command (and whatever holds its output) is done
    if (output.size() < kMaxLoggedOutput)
      output.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n),
                                               kMaxLoggedOutput - output.size()));
  }
  ::close(out[0]);
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  if (!output.empty()) spdlog::info("{} says: {}", what, output);
  if (timed_out)
    spdlog::error("{} killed after {} ms", what, timeout_ms);
  else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    spdlog::error("{} failed (status {}): carrying on", what,
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  else
    spdlog::info("{} done", what);
}

std::uint32_t to_ppm(double fraction) {
  return static_cast<std::uint32_t>(std::lround(fraction * 1'000'000));
}

}  // namespace

void Daemon::ask_for_standby() {
  if (!config_.standby) return;
  const StandbyConfig& s = *config_.standby;
  client_.set_standby(client::StandbyTerms{to_ppm(s.activate_at), to_ppm(s.deactivate_below),
                                           static_cast<std::uint32_t>(s.deactivate_after_ms)});
}

void Daemon::activate(const wire::Activate& a) {
  if (!config_.standby || standby_active_) return;
  spdlog::info("activated by the exchange at pool utilisation {} ppm: {}", a.utilisation_ppm(),
               a.reason() != nullptr ? a.reason()->str() : "");
  run_operator_command("on_activate", config_.standby->on_activate,
                       config_.standby->command_timeout_ms);
  standby_active_ = true;
  update_supply();  // the asks, at once
}

void Daemon::deactivate(const wire::Deactivate& d) {
  if (!config_.standby || !standby_active_) return;
  spdlog::info("back on standby (pool utilisation {} ppm): cancelling the asks",
               d.utilisation_ppm());
  standby_active_ = false;
  client_.mass_cancel();
  supply_.reset();  // the asks are gone; window slots come back with the next listing
  next_listing_ = std::chrono::steady_clock::now();
  last_sent_ = std::chrono::steady_clock::now();
  run_operator_command("on_deactivate", config_.standby->on_deactivate,
                       config_.standby->command_timeout_ms);
}

}  // namespace swarmex::hostctl
