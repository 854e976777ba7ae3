// A fresh directory under the system temporary directory ($TMPDIR, else /tmp), removed with
// everything in it when its owner goes out of scope (or earlier, by remove()).
#pragma once

#include <filesystem>
#include <string>

namespace swarmex::common {

class TempDir {
 public:
  // `prefix` names the directory: "<tmp>/<prefix>-XXXXXX". Throws std::runtime_error on failure.
  explicit TempDir(const std::string& prefix = "swarmex");
  ~TempDir() { remove(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& str() const noexcept { return str_; }
  // Removes the directory now; true when nothing is left of it.
  bool remove() noexcept;

 private:
  std::filesystem::path path_;
  std::string str_;
};

}  // namespace swarmex::common
