#include "swarmex/hostctl/cgroup_writer.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <thread>

#include "swarmex/hostctl/plain_cgroup_writer.hpp"
#include "swarmex/hostctl/uring_cgroup_writer.hpp"

namespace swarmex::hostctl {

namespace {

bool retryable(const CgroupWrite& w, int error) {
  return w.op == CgroupOp::Write && (error == EBUSY || error == EAGAIN) &&
         is_memory_limit_file(w.file);
}

}  // namespace

CgroupWriter::~CgroupWriter() = default;

std::vector<CgroupWriteResult> CgroupWriter::apply(std::span<const CgroupWrite> writes) {
  if (create_files_) {
    // Dry run: the files this writer (or a simulated workload) made stand for the kernel's
    // pseudo-files, which go with the cgroup; take them away so that rmdir works as it would.
    std::error_code ec;
    for (const CgroupWrite& w : writes)
      if (w.op == CgroupOp::RemoveDir)
        for (const auto& entry : std::filesystem::directory_iterator(w.file, ec))
          if (entry.is_regular_file(ec)) std::filesystem::remove(entry.path(), ec);
  }
  std::vector<CgroupWriteResult> results(writes.size());
  run_batch(writes, results);
  for (auto& r : results)
    r.attempts = 1;

  auto backoff = retry_.first_backoff;
  std::vector<std::size_t> again;
  std::vector<CgroupWrite> retry_ops;
  std::vector<CgroupWriteResult> retry_results;
  for (int retry = 0; retry < retry_.max_retries; ++retry) {
    again.clear();
    for (std::size_t i = 0; i < writes.size(); ++i)
      if (retryable(writes[i], results[i].error)) again.push_back(i);
    if (again.empty()) break;
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
    retry_ops.clear();
    for (std::size_t i : again) {
      retry_ops.push_back(writes[i]);
      retry_ops.back().after_previous = false;  // retries are independent of each other
    }
    retry_results.assign(retry_ops.size(), CgroupWriteResult{});
    run_batch(retry_ops, retry_results);
    for (std::size_t k = 0; k < again.size(); ++k) {
      auto& r = results[again[k]];
      r.error = retry_results[k].error;
      r.done_at = retry_results[k].done_at;
      ++r.attempts;
    }
  }
  return results;
}

int CgroupWriter::write_open_flags() const noexcept {
  return create_files_ ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY;
}

std::unique_ptr<CgroupWriter> make_cgroup_writer(RetryPolicy retry, bool use_uring) {
  if (use_uring) {
    try {
      return std::make_unique<UringCgroupWriter>(retry);
    } catch (const std::system_error& e) {
      spdlog::warn("cgroup writer: io_uring unavailable ({}); falling back to plain syscalls",
                   e.what());
    }
  }
  return std::make_unique<PlainCgroupWriter>(retry);
}

}  // namespace swarmex::hostctl
