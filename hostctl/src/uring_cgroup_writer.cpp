#include "swarmex/hostctl/uring_cgroup_writer.hpp"

#include <fcntl.h>
#include <liburing.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

// Why fixed (registered) file slots: a chain openat → write → close must name the file in the
// write and close SQEs before the openat has run. A normal fd is only known from openat's CQE, so
// plain fds would need two round trips per burst (submit opens, reap fds, submit writes and
// closes). With io_uring_prep_openat_direct we choose the slot ourselves, so the write
// (IOSQE_FIXED_FILE) and close_direct can be linked behind the openat and the whole burst goes in
// one io_uring_submit; the files never enter the process's fd table either.
//
// Why IOSQE_ASYNC on the openat: a path on kernfs (cgroupfs) cannot be resolved in io_uring's
// non-blocking mode (LOOKUP_CACHED; kernfs revalidates its dentries outside RCU walk), so the
// inline attempt fails with EAGAIN and the openat is redone on an io-wq worker anyway (observed on
// 6.18: an openat of a cgroup file starts an iou-wrk thread, one of a /tmp file does not). The
// flag skips the wasted attempt (measured: ~15 % off a 1,000-update burst). The linked write
// (kernfs files have no FMODE_NOWAIT) and close then run on that same worker.
//
// Why hard links (IOSQE_IO_HARDLINK) everywhere: a failing soft-linked request cancels the rest of
// its chain, and chains also carry after_previous ordering between operations, so one failed
// write (or an EEXIST mkdir) would cancel unrelated later operations. With hard links a failed
// openat leaves the slot empty; its write and close then fail EBADF harmlessly, and the operation
// reports the openat's errno.

namespace swarmex::hostctl {

namespace {

enum Step : std::uint64_t { kOpen = 0, kWrite = 1, kClose = 2, kDir = 3 };
constexpr unsigned kStepBits = 2;
constexpr unsigned kMinQueueDepth = 8;

struct OpState {
  int open_res = 0;  // or the mkdirat / unlinkat result
  int write_res = 0;
  int close_res = 0;
  unsigned pending = 0;  // CQEs still to come
  unsigned slot = 0;
};

unsigned sqes_for(const CgroupWrite& w) {
  return w.op == CgroupOp::Write ? 3 : 1;
}

int final_error(const CgroupWrite& w, const OpState& s) {
  switch (w.op) {
    case CgroupOp::Write:
      if (s.open_res < 0) return -s.open_res;
      if (s.write_res < 0) return -s.write_res;
      if (static_cast<std::size_t>(s.write_res) != w.value.size()) return EIO;  // short write
      return s.close_res < 0 ? -s.close_res : 0;
    case CgroupOp::MakeDir:
      return s.open_res < 0 && s.open_res != -EEXIST ? -s.open_res : 0;
    case CgroupOp::RemoveDir:
      return s.open_res < 0 && s.open_res != -ENOENT ? -s.open_res : 0;
  }
  return EINVAL;
}

}  // namespace

struct UringCgroupWriter::Ring {
  io_uring ring{};
  unsigned depth = 0;  // SQ entries; also the most SQEs in flight, so the CQ (2x) never overflows
  std::vector<unsigned> free_slots;
  std::vector<OpState> state;
  bool live = false;  // io_uring_queue_init succeeded

  ~Ring() {
    if (live) io_uring_queue_exit(&ring);
  }

  io_uring_sqe* next_sqe() {
    io_uring_sqe* s = io_uring_get_sqe(&ring);
    if (s == nullptr) throw std::logic_error("cgroup writer: submission queue full");
    return s;
  }

  // After io_uring_prep_* (which clears sqe->flags).
  static void tag(io_uring_sqe* s, std::size_t op, Step step, bool link, unsigned flags = 0) {
    io_uring_sqe_set_data64(s, (static_cast<std::uint64_t>(op) << kStepBits) | step);
    s->flags |= flags | (link ? IOSQE_IO_HARDLINK : 0U);
  }

  // Prepares ops [begin, end) as one hard-linked chain.
  void prepare(std::span<const CgroupWrite> ops, std::size_t begin, std::size_t end,
               int open_flags) {
    for (std::size_t i = begin; i < end; ++i) {
      const CgroupWrite& w = ops[i];
      const bool more = i + 1 < end;
      OpState& st = state[i];
      st.pending = sqes_for(w);
      if (w.op != CgroupOp::Write) {
        io_uring_sqe* s = next_sqe();
        if (w.op == CgroupOp::MakeDir)
          io_uring_prep_mkdirat(s, AT_FDCWD, w.file.c_str(), 0755);
        else
          io_uring_prep_unlinkat(s, AT_FDCWD, w.file.c_str(), AT_REMOVEDIR);
        tag(s, i, kDir, more);
        continue;
      }
      if (free_slots.empty()) throw std::logic_error("cgroup writer: no free file slot");
      st.slot = free_slots.back();
      free_slots.pop_back();
      // No O_CLOEXEC: the kernel refuses it for direct descriptors (they are never inherited).
      io_uring_sqe* open = next_sqe();
      io_uring_prep_openat_direct(open, AT_FDCWD, w.file.c_str(), open_flags, 0644, st.slot);
      tag(open, i, kOpen, true, IOSQE_ASYNC);
      io_uring_sqe* write = next_sqe();
      io_uring_prep_write(write, static_cast<int>(st.slot), w.value.data(),
                          static_cast<unsigned>(w.value.size()), 0);
      tag(write, i, kWrite, true, IOSQE_FIXED_FILE);
      io_uring_sqe* close = next_sqe();
      io_uring_prep_close_direct(close, st.slot);
      tag(close, i, kClose, more);
    }
  }

  // Maps every available completion back to its operation; returns how many were reaped.
  unsigned reap(std::span<const CgroupWrite> ops, std::span<CgroupWriteResult> results) {
    unsigned head = 0;
    unsigned count = 0;
    io_uring_cqe* cqe = nullptr;
    std::optional<std::chrono::steady_clock::time_point> now;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++count;
      const std::uint64_t data = io_uring_cqe_get_data64(cqe);
      const std::size_t i = data >> kStepBits;
      OpState& st = state[i];
      switch (static_cast<Step>(data & ((1U << kStepBits) - 1))) {
        case kOpen:
        case kDir:
          st.open_res = cqe->res;
          break;
        case kWrite:
          st.write_res = cqe->res;
          break;
        case kClose:
          st.close_res = cqe->res;
          break;
      }
      if (--st.pending > 0) continue;
      if (!now) now = std::chrono::steady_clock::now();
      results[i].error = final_error(ops[i], st);
      results[i].done_at = *now;
      if (ops[i].op == CgroupOp::Write) free_slots.push_back(st.slot);
    }
    io_uring_cq_advance(&ring, count);
    return count;
  }
};

UringCgroupWriter::UringCgroupWriter(RetryPolicy retry, unsigned queue_depth, unsigned max_workers)
    : CgroupWriter(retry), ring_(std::make_unique<Ring>()) {
  Ring& r = *ring_;
  // SUBMIT_ALL: one bad SQE must not stop the rest of the burst from being submitted;
  // COOP_TASKRUN: completions are only needed when we enter the kernel to wait anyway.
  io_uring_params params{};
  params.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
  const unsigned depth = std::max(queue_depth, kMinQueueDepth);
  int rc = io_uring_queue_init_params(depth, &r.ring, &params);
  if (rc == -EINVAL) {  // an older kernel without those flags
    params = io_uring_params{};
    rc = io_uring_queue_init_params(depth, &r.ring, &params);
  }
  if (rc < 0) throw std::system_error(-rc, std::system_category(), "io_uring_queue_init");
  r.live = true;
  r.depth = params.sq_entries;
  // A Write holds its slot until its last CQE is reaped, and each op still holding one has at
  // least one of the at most `depth` SQEs in flight: `depth` slots never run out.
  const unsigned slots = r.depth;
  rc = io_uring_register_files_sparse(&r.ring, slots);
  if (rc < 0)
    throw std::system_error(-rc, std::system_category(), "io_uring_register_files_sparse");
  if (max_workers > 0) {
    unsigned limits[2] = {max_workers, max_workers};  // bounded, unbounded
    rc = io_uring_register_iowq_max_workers(&r.ring, limits);
    if (rc < 0)
      throw std::system_error(-rc, std::system_category(), "io_uring_register_iowq_max_workers");
  }
  for (unsigned s = slots; s > 0; --s)
    r.free_slots.push_back(s - 1);
}

UringCgroupWriter::~UringCgroupWriter() = default;

void UringCgroupWriter::run_batch(std::span<const CgroupWrite> ops,
                                  std::span<CgroupWriteResult> results) {
  Ring& r = *ring_;
  r.state.assign(ops.size(), OpState{});
  std::size_t next = 0;
  unsigned in_flight = 0;  // SQEs prepared or submitted whose CQE has not been reaped
  while (next < ops.size() || in_flight > 0) {
    // Fill the ring with whole chains: an after_previous chain must not span two submissions.
    while (next < ops.size()) {
      // The rest of a chain cut because it was longer than the ring: wait until the ring is
      // empty, so its first operation still starts after the previous one completed.
      if (next > 0 && ops[next].after_previous && in_flight > 0) break;
      std::size_t end = next;
      unsigned need = 0;
      do {
        need += sqes_for(ops[end]);
        ++end;
      } while (end < ops.size() && ops[end].after_previous && need + sqes_for(ops[end]) <= r.depth);
      if (in_flight + need > r.depth) break;
      r.prepare(ops, next, end, write_open_flags());
      in_flight += need;
      next = end;
    }
    int rc = 0;
    do {
      rc = io_uring_submit_and_wait(&r.ring, 1);
    } while (rc == -EINTR);
    if (rc < 0) throw std::system_error(-rc, std::system_category(), "io_uring_submit_and_wait");
    in_flight -= r.reap(ops, results);
  }
}

}  // namespace swarmex::hostctl
