// libFuzzer target: one journal record as the reader finds it in a segment. The CRC is put right
// first (fuzz_crc.hpp) so mutations reach the field decoding. Whatever decodes must encode back to
// a record that decodes to the same bytes again; any crash or sanitizer report is a bug.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "fuzz_crc.hpp"
#include "swarmex/journal/record.hpp"

using namespace swarmex;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  fuzz::fix_record_crc(bytes);
  engine::Command cmd;
  std::size_t len = 0;
  const journal::DecodeStatus st = journal::decode_record(bytes, &cmd, &len);
  (void)journal::to_string(st);
  if (st != journal::DecodeStatus::Ok) return 0;
  if (len < journal::kRecordHeaderBytes || len > bytes.size()) std::abort();
  std::uint8_t once[journal::kMaxRecordBytes];
  const std::size_t n1 = journal::encode_record(cmd, once);
  engine::Command again;
  std::size_t len2 = 0;
  if (journal::decode_record({once, n1}, &again, &len2) != journal::DecodeStatus::Ok || len2 != n1)
    std::abort();  // a decoded command the writer cannot write back
  std::uint8_t twice[journal::kMaxRecordBytes];
  const std::size_t n2 = journal::encode_record(again, twice);
  if (n2 != n1 || std::memcmp(once, twice, n1) != 0) std::abort();
  return 0;
}
