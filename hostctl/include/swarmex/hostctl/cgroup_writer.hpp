#pragma once

// Executes batches of cgroupfs operations. Errors are never swallowed: every operation gets its
// own result with its errno (describe_cgroup_error turns it into text).
//
// Retry policy (the only retries anywhere): a Write to a memory limit file
// (is_memory_limit_file) that fails with EBUSY or EAGAIN is retried up to
// RetryPolicy::max_retries times (default 5), sleeping first_backoff (1 ms) before the first
// retry and doubling it before each next one. Why: on cgroup v1, lowering
// memory.limit_in_bytes below the current usage fails EBUSY when the kernel cannot reclaim enough
// at once; a little later it may have. cgroup v2 never returns EBUSY there (memory.max reclaims
// or OOM-kills; memory.high reclaims asynchronously), so the retry is v1's. Nothing else is done
// between attempts (memory.force_empty is never written: it would drop the tenant's page cache).
// Every other error is final on the first attempt. Retried writes run after the rest of their
// batch, so writes chained after them (after_previous) have already run by then.

#include <chrono>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "swarmex/hostctl/cgroup_write.hpp"

namespace swarmex::hostctl {

struct RetryPolicy {
  int max_retries = 5;
  std::chrono::microseconds first_backoff{1000};
};

// Not thread-safe: one writer per thread (the io_uring one owns a ring).
class CgroupWriter {
 public:
  explicit CgroupWriter(RetryPolicy retry = {}) : retry_(retry) {}
  virtual ~CgroupWriter();
  CgroupWriter(const CgroupWriter&) = delete;
  CgroupWriter& operator=(const CgroupWriter&) = delete;

  // Runs every operation (writes, mkdirs, rmdirs) and returns one result per operation, in the
  // same order. Operations are independent unless marked after_previous. Retries as above; the
  // policy lives here (not in each backend) so both backends behave the same.
  std::vector<CgroupWriteResult> apply(std::span<const CgroupWrite> writes);

  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  [[nodiscard]] const RetryPolicy& retry_policy() const noexcept { return retry_; }
  // Dry run on a plain directory (a forced cgroup driver): writes create their file, as the
  // kernel would have when it made the cgroup. Never set on a real cgroup mount.
  void set_create_files(bool on) noexcept { create_files_ = on; }
  [[nodiscard]] bool create_files() const noexcept { return create_files_; }
  // The open(2) flags of a Write operation.
  [[nodiscard]] int write_open_flags() const noexcept;

 protected:
  // One attempt at every operation: fills results[i].error and results[i].done_at
  // (results.size() == ops.size(); attempts are counted by apply()).
  virtual void run_batch(std::span<const CgroupWrite> ops,
                         std::span<CgroupWriteResult> results) = 0;

 private:
  RetryPolicy retry_;
  bool create_files_ = false;
};

// The io_uring writer when the kernel lets us set up a ring, else the plain one (with a warning
// log line saying why).
std::unique_ptr<CgroupWriter> make_cgroup_writer(RetryPolicy retry = {}, bool use_uring = true);

}  // namespace swarmex::hostctl
