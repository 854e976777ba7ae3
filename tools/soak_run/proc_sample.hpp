// What the kernel says about a running process (/proc/PID/status and /proc/PID/fd), and the bytes
// a directory holds on disk.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace swarmex::soak {

struct ProcStatus {
  std::int64_t rss_kib = 0;  // VmRSS
  int threads = 0;           // Threads
  int fds = 0;               // entries of /proc/PID/fd
};

// Throws std::runtime_error when the process is gone.
ProcStatus read_proc(pid_t pid);
// VmRSS and Threads out of the text of a /proc/PID/status file (0 when missing).
ProcStatus parse_status(const std::string& status_text);
// Sum of the sizes of the regular files under `dir`, recursively (0 when it does not exist).
std::int64_t dir_bytes(const std::string& dir);

}  // namespace swarmex::soak
