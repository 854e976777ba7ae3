#include "swarmex/journal/reader.hpp"

#include <cstdio>

#include "swarmex/journal/record.hpp"
#include "swarmex/journal/segment.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

std::string at(const JournalFiles& files, const std::string& name, std::uint64_t offset) {
  return files.path(name) + " at offset " + std::to_string(offset);
}

// Is there a decodable record anywhere after `from`? Then the damage is not a torn tail.
bool valid_record_after(std::span<const std::uint8_t> bytes, std::size_t from) {
  engine::Command cmd;
  std::size_t len = 0;
  for (std::size_t p = from; p + kRecordHeaderBytes < bytes.size(); ++p)
    if (decode_record(bytes.subspan(p), &cmd, &len) == DecodeStatus::Ok) return true;
  return false;
}

}  // namespace

std::optional<engine::Seq> segment_first_seq(const std::string& name) noexcept {
  const std::size_t pre = sizeof(kSegmentPrefix) - 1;
  if (name.size() != pre + 20 + 4 || name.rfind(kSegmentPrefix, 0) != 0 ||
      name.compare(pre + 20, 4, ".log") != 0)
    return std::nullopt;
  engine::Seq seq = 0;
  for (std::size_t i = pre; i < pre + 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    seq = seq * 10 + static_cast<engine::Seq>(name[i] - '0');
  }
  return seq;
}

std::size_t segments_before(const std::vector<std::string>& names, engine::Seq seq) noexcept {
  std::size_t n = 0;
  // Segment k holds [first_k, first_{k+1} - 1]: wholly before `seq` when first_{k+1} <= seq.
  while (n + 1 < names.size()) {
    const std::optional<engine::Seq> here = segment_first_seq(names[n]);
    const std::optional<engine::Seq> next = segment_first_seq(names[n + 1]);
    if (!here || !next || *next > seq || *next <= *here) break;
    ++n;
  }
  return n;
}

ScanResult scan_journal(JournalFiles& files, const ScanOptions& opt) {
  ScanResult res;
  const std::vector<std::string> names = files.list(kSegmentPrefix);
  engine::Seq expected = 0;  // next sequence number, once the first record is seen
  std::vector<std::uint8_t> bytes;
  auto fail = [&](std::string what) {
    res.ok = false;
    res.error = std::move(what);
    return res;
  };

  const std::size_t skip = opt.skip_before > 0 ? segments_before(names, opt.skip_before) : 0;
  res.segments_skipped = skip;
  for (std::size_t k = skip; k < names.size(); ++k) {
    const std::string& name = names[k];
    const bool last = k + 1 == names.size();
    if (!files.read(name, &bytes)) return fail("cannot read " + files.path(name));
    const std::optional<engine::Seq> first = decode_segment_header(bytes);
    if (!first || name != segment_name(*first)) {
      if (!last) return fail("corrupt segment header in " + at(files, name, 0));
      // A crash while creating the newest segment: nothing in it was ever acknowledged.
      if (!opt.repair_tail) return fail("torn segment header in " + at(files, name, 0));
      if (files.remove(name) != 0) return fail("cannot remove " + files.path(name));
      res.log.push_back("removed segment with torn header " + files.path(name));
      continue;
    }
    SegmentStats seg{name, bytes.size(), 0, *first, 0};
    std::size_t off = kSegmentHeaderBytes;
    while (off < bytes.size()) {
      engine::Command cmd;
      std::size_t len = 0;
      const DecodeStatus st = decode_record(std::span(bytes).subspan(off), &cmd, &len);
      if (st != DecodeStatus::Ok) {
        const std::string what = std::string(to_string(st)) + " record in " + at(files, name, off);
        const bool tail =
            last && bytes.size() - off <= kMaxBatchBytes && !valid_record_after(bytes, off + 1);
        if (!tail) return fail("corruption before the tail: " + what);
        if (!opt.repair_tail) return fail("torn tail: " + what);
        if (files.truncate(name, off) != 0) return fail("cannot truncate " + files.path(name));
        res.log.push_back("truncated torn tail of " + files.path(name) + " at offset " +
                          std::to_string(off) + " (" + std::to_string(bytes.size() - off) +
                          " bytes dropped)");
        seg.bytes = off;
        break;
      }
      if (seg.records == 0 && cmd.seq != *first)
        return fail("first record has seq " + std::to_string(cmd.seq) + ", header says " +
                    std::to_string(*first) + " in " + at(files, name, off));
      if (expected != 0 && cmd.seq != expected)
        return fail("sequence gap: expected " + std::to_string(expected) + ", found " +
                    std::to_string(cmd.seq) + " in " + at(files, name, off));
      if (res.records == 0) {
        res.first_seq = cmd.seq;
        res.first_time_ns = cmd.time_ns;
      }
      expected = cmd.seq + 1;
      res.last_seq = cmd.seq;
      res.last_time_ns = cmd.time_ns;
      ++res.records;
      if (seg.records++ == 0) seg.first_seq = cmd.seq;
      seg.last_seq = cmd.seq;
      if (opt.visit && cmd.seq >= opt.from_seq) opt.visit(cmd);
      off += len;
    }
    // An empty segment must still continue the sequence where the previous one ended.
    if (seg.records == 0 && expected != 0 && *first != expected)
      return fail("segment " + files.path(name) + " starts at " + std::to_string(*first) +
                  ", expected " + std::to_string(expected));
    res.segments.push_back(seg);
  }
  return res;
}

}  // namespace swarmex::journal
