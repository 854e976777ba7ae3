#include "swarmex/hostctl/plain_cgroup_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace swarmex::hostctl {

namespace {

// O_TRUNC: cgroupfs ignores it, and it keeps a regular file (tests, --dir) equal to the value.
int write_file(const CgroupWrite& w) {
  const int fd = ::open(w.file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int error = 0;
  const ssize_t n = ::write(fd, w.value.data(), w.value.size());
  if (n < 0)
    error = errno;
  else if (static_cast<std::size_t>(n) != w.value.size())
    error = EIO;  // the kernel parses per write: a partial value is a failed write
  if (::close(fd) != 0 && error == 0) error = errno;
  return error;
}

int run_one(const CgroupWrite& w) {
  switch (w.op) {
    case CgroupOp::Write:
      return write_file(w);
    case CgroupOp::MakeDir:
      return ::mkdir(w.file.c_str(), 0755) == 0 || errno == EEXIST ? 0 : errno;
    case CgroupOp::RemoveDir:
      return ::rmdir(w.file.c_str()) == 0 || errno == ENOENT ? 0 : errno;
  }
  return EINVAL;
}

}  // namespace

void PlainCgroupWriter::run_batch(std::span<const CgroupWrite> ops,
                                  std::span<CgroupWriteResult> results) {
  // Sequential, so after_previous holds trivially.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    results[i].error = run_one(ops[i]);
    results[i].done_at = std::chrono::steady_clock::now();
  }
}

}  // namespace swarmex::hostctl
