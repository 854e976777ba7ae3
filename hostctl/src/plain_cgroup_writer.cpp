#include "swarmex/hostctl/plain_cgroup_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace swarmex::hostctl {

namespace {

int write_file(const CgroupWrite& w, int flags) {
  const int fd = ::open(w.file.c_str(), flags | O_CLOEXEC, 0644);
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

int run_one(const CgroupWrite& w, int write_flags) {
  switch (w.op) {
    case CgroupOp::Write:
      return write_file(w, write_flags);
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
    results[i].error = run_one(ops[i], write_open_flags());
    results[i].done_at = std::chrono::steady_clock::now();
  }
}

}  // namespace swarmex::hostctl
