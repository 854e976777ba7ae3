// JournalFiles over a real directory. Appends use io_uring (write linked to fdatasync); the rest
// are rare control operations done with plain system calls.
#include <dirent.h>
#include <fcntl.h>
#include <liburing.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "swarmex/journal/files.hpp"

namespace swarmex::journal {
namespace {

int sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -errno;
  const int rc = ::fsync(fd) == 0 ? 0 : -errno;
  ::close(fd);
  return rc;
}

// mkdir -p; 0 or -errno.
int make_dirs(const std::string& dir) {
  for (std::size_t at = 1; at <= dir.size(); ++at) {
    if (at != dir.size() && dir[at] != '/') continue;
    const std::string part = dir.substr(0, at);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return -errno;
  }
  return 0;
}

int write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return 0;
}

class UringSegment final : public SegmentFile {
 public:
  UringSegment(int fd, std::uint64_t size) : fd_(fd), size_(size) {
    if (const int rc = io_uring_queue_init(8, &ring_, 0); rc < 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("io_uring_queue_init: ") + std::strerror(-rc));
    }
  }
  ~UringSegment() override {
    io_uring_queue_exit(&ring_);
    ::close(fd_);
  }

  int append(std::span<const std::uint8_t> data, bool sync) override {
    std::size_t done = 0;
    while (done < data.size()) {  // a short write is resubmitted for the rest
      io_uring_sqe* w = io_uring_get_sqe(&ring_);
      io_uring_prep_write(w, fd_, data.data() + done, static_cast<unsigned>(data.size() - done),
                          size_ + done);
      w->user_data = 1;
      int expected = 1;
      if (sync) {
        w->flags |= IOSQE_IO_LINK;
        io_uring_sqe* s = io_uring_get_sqe(&ring_);
        io_uring_prep_fsync(s, fd_, IORING_FSYNC_DATASYNC);
        s->user_data = 2;
        expected = 2;
      }
      if (const int rc = io_uring_submit_and_wait(&ring_, static_cast<unsigned>(expected)); rc < 0)
        return rc;
      int write_res = 0;
      int sync_res = 0;
      for (int i = 0; i < expected; ++i) {
        io_uring_cqe* cqe = nullptr;
        if (const int rc = io_uring_wait_cqe(&ring_, &cqe); rc < 0) return rc;
        (cqe->user_data == 1 ? write_res : sync_res) = cqe->res;
        io_uring_cqe_seen(&ring_, cqe);
      }
      if (write_res < 0) return write_res;
      if (write_res == 0) return -EIO;
      done += static_cast<std::size_t>(write_res);
      // A linked fsync after a short write is cancelled (-ECANCELED): loop and sync again.
      if (sync && sync_res < 0 && !(sync_res == -ECANCELED && done < data.size())) return sync_res;
    }
    size_ += data.size();
    return 0;
  }
  [[nodiscard]] std::uint64_t size() const override { return size_; }

 private:
  int fd_;
  std::uint64_t size_;
  io_uring ring_{};
};

class PosixFiles final : public JournalFiles {
 public:
  explicit PosixFiles(std::string dir) : dir_(std::move(dir)) {
    if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST)
      throw std::runtime_error("cannot create journal directory " + dir_ + ": " +
                               std::strerror(errno));
  }

  std::vector<std::string> list(const std::string& prefix) override {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return names;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.rfind(prefix, 0) == 0 && name.find(".tmp") == std::string::npos)
        names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  std::unique_ptr<SegmentFile> create(const std::string& name) override {
    const int fd = ::open(path(name).c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
      throw std::runtime_error("cannot create " + path(name) + ": " + std::strerror(errno));
    if (const int rc = sync_dir(dir_); rc < 0) {
      ::close(fd);
      throw std::runtime_error("cannot sync " + dir_ + ": " + std::strerror(-rc));
    }
    return std::make_unique<UringSegment>(fd, 0);
  }

  bool read(const std::string& name, std::vector<std::uint8_t>* out) override {
    const int fd = ::open(path(name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    ::fstat(fd, &st);
    out->resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < out->size()) {
      const ssize_t r = ::read(fd, out->data() + got, out->size() - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out->resize(got);
    ::close(fd);
    return true;
  }

  int truncate(const std::string& name, std::uint64_t size) override {
    const int fd = ::open(path(name).c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int rc = ::ftruncate(fd, static_cast<off_t>(size)) == 0 ? 0 : -errno;
    if (rc == 0 && ::fsync(fd) != 0) rc = -errno;
    ::close(fd);
    return rc;
  }

  int remove(const std::string& name) override {
    if (::unlink(path(name).c_str()) != 0) return -errno;
    return sync_dir(dir_);
  }

  int write_atomic(const std::string& name, std::span<const std::uint8_t> data) override {
    const std::string tmp = path(name) + ".tmp";
    const int fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    int rc = write_all(fd, data.data(), data.size());
    if (rc == 0 && ::fsync(fd) != 0) rc = -errno;
    ::close(fd);
    if (rc == 0 && ::rename(tmp.c_str(), path(name).c_str()) != 0) rc = -errno;
    if (rc == 0) rc = sync_dir(dir_);
    if (rc != 0) ::unlink(tmp.c_str());
    return rc;
  }

  int move_out(const std::string& name, const std::string& dir) override {
    if (const int rc = make_dirs(dir); rc != 0) return rc;
    const std::string to = dir + "/" + name;
    if (::rename(path(name).c_str(), to.c_str()) == 0) {
      if (const int rc = sync_dir(dir); rc != 0) return rc;
      return sync_dir(dir_);
    }
    if (errno != EXDEV) return -errno;
    // Another file system: copied (synced), then removed here.
    std::vector<std::uint8_t> bytes;
    if (!read(name, &bytes)) return -errno;
    const int fd = ::open((to + ".tmp").c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    int rc = write_all(fd, bytes.data(), bytes.size());
    if (rc == 0 && ::fsync(fd) != 0) rc = -errno;
    ::close(fd);
    if (rc == 0 && ::rename((to + ".tmp").c_str(), to.c_str()) != 0) rc = -errno;
    if (rc == 0) rc = sync_dir(dir);
    if (rc != 0) {
      ::unlink((to + ".tmp").c_str());
      return rc;
    }
    return remove(name);
  }

  [[nodiscard]] std::string path(const std::string& name) const override {
    return dir_ + "/" + name;
  }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<JournalFiles> open_directory(const std::string& dir) {
  return std::make_unique<PosixFiles>(dir);
}

}  // namespace swarmex::journal
