// Small files written whole and durably: the text goes to `<path>.tmp`, is synced, renamed over
// `path`, and the directory is synced, so a crash leaves the old file or the new one, never a
// part. Throws std::runtime_error naming the step and the path.
#pragma once

#include <string>
#include <string_view>

namespace swarmex::common {

void write_file_synced(const std::string& dir, const std::string& name, std::string_view text,
                       unsigned mode = 0644);

}  // namespace swarmex::common
