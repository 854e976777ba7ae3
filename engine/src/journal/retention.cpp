#include "swarmex/journal/retention.hpp"

#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/segment.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::journal {

const char* to_string(Retention r) noexcept {
  switch (r) {
    case Retention::Keep:
      return "keep";
    case Retention::Delete:
      return "delete";
    case Retention::Archive:
      return "archive";
  }
  return "invalid";
}

bool parse_retention(const std::string& s, Retention* out) noexcept {
  if (s == "keep")
    *out = Retention::Keep;
  else if (s == "delete")
    *out = Retention::Delete;
  else if (s == "archive")
    *out = Retention::Archive;
  else
    return false;
  return true;
}

engine::Seq snapshot_seq_of(const std::string& name) noexcept {
  const std::size_t pre = sizeof(kSnapshotPrefix) - 1;
  if (name.size() != pre + 20 + 5 || name.rfind(kSnapshotPrefix, 0) != 0 ||
      name.compare(pre + 20, 5, ".snap") != 0)
    return 0;
  engine::Seq seq = 0;
  for (std::size_t i = pre; i < pre + 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    seq = seq * 10 + static_cast<engine::Seq>(name[i] - '0');
  }
  return seq;
}

RetentionResult apply_retention(JournalFiles& files, engine::Seq keep_from,
                                const RetentionPolicy& policy) {
  RetentionResult res;
  if (policy.mode == Retention::Keep || keep_from == 0) return res;
  const std::vector<std::string> names = files.list(kSegmentPrefix);
  const std::size_t n = segments_before(names, keep_from);
  // Oldest first: a failure leaves a journal that still starts at its oldest segment left.
  for (std::size_t k = 0; k < n; ++k) {
    const int rc = policy.mode == Retention::Archive ? files.move_out(names[k], policy.archive_dir)
                                                     : files.remove(names[k]);
    if (rc != 0) {
      res.error = rc;
      res.failed = names[k];
      break;
    }
    res.done.push_back(names[k]);
  }
  return res;
}

RetentionResult retain_from_oldest_snapshot(JournalFiles& files, const RetentionPolicy& policy) {
  if (policy.mode == Retention::Keep) return {};
  for (const std::string& name : files.list(kSnapshotPrefix))
    if (const engine::Seq seq = snapshot_seq_of(name); seq != 0)
      return apply_retention(files, seq + 1, policy);
  return {};
}

}  // namespace swarmex::journal
