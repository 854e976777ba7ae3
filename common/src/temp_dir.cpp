#include "swarmex/common/temp_dir.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <system_error>

namespace swarmex::common {

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary directory " + tmpl);
  path_ = tmpl;
  str_ = std::move(tmpl);
}

bool TempDir::remove() noexcept {
  if (str_.empty()) return true;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (!ec) str_.clear();
  return !ec;
}

}  // namespace swarmex::common
