// libFuzzer target: a whole journal segment file image, scanned as recovery scans it (with and
// without repairing a torn tail), its commands replayed into an engine with the seed journal's
// market. Record CRCs are put right first (fuzz_crc.hpp) for three images in four, so both damaged
// and well-formed records reach the reader. A journal a repair left behind must scan clean with the
// same records; any crash or sanitizer report is a bug.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <vector>

#include "fuzz_crc.hpp"
#include "random_commands.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/segment.hpp"

using namespace swarmex;

namespace {

// One directory in memory.
class MemFiles final : public journal::JournalFiles {
 public:
  std::map<std::string, std::vector<std::uint8_t>> files;

  std::vector<std::string> list(const std::string& prefix) override {
    std::vector<std::string> out;
    for (const auto& [name, bytes] : files)
      if (name.starts_with(prefix)) out.push_back(name);
    return out;
  }
  std::unique_ptr<journal::SegmentFile> create(const std::string&) override {
    throw std::runtime_error("read-only");
  }
  bool read(const std::string& name, std::vector<std::uint8_t>* out) override {
    const auto it = files.find(name);
    if (it == files.end()) return false;
    *out = it->second;
    return true;
  }
  int truncate(const std::string& name, std::uint64_t size) override {
    auto& f = files.at(name);
    if (size < f.size()) f.resize(size);
    return 0;
  }
  int remove(const std::string& name) override { return files.erase(name) == 1 ? 0 : -2; }
  int write_atomic(const std::string& name, std::span<const std::uint8_t> data) override {
    files[name].assign(data.begin(), data.end());
    return 0;
  }
  [[nodiscard]] std::string path(const std::string& name) const override { return "mem:/" + name; }
};

struct Market {
  std::vector<engine::InstrumentSpec> instruments = testing::random_market_instruments();
  std::vector<engine::Product> products = testing::random_market_products();
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Market market;
  std::vector<std::uint8_t> image(data, data + size);
  if (image.size() % 4 != 3) fuzz::fix_segment_crcs(image);  // a quarter keep their CRCs as given
  const auto first = journal::decode_segment_header(image);
  MemFiles files;
  files.files[journal::segment_name(first.value_or(0))] = image;

  engine::Engine engine(engine::EngineConfig{512, 64});
  for (const auto& s : market.instruments)
    engine.add_instrument(s);
  for (const auto& p : market.products)
    engine.add_product(p);
  static engine::EventBuffer events;
  journal::ScanOptions plain;
  plain.visit = [&](const engine::Command& c) {
    events.clear();
    engine.apply(c, events);
  };
  const journal::ScanResult seen = journal::scan_journal(files, plain);

  journal::ScanOptions repair;
  repair.repair_tail = true;
  const journal::ScanResult repaired = journal::scan_journal(files, repair);
  if (seen.ok && (!repaired.ok || repaired.records != seen.records)) std::abort();
  if (repaired.ok) {
    const journal::ScanResult after = journal::scan_journal(files, {});
    if (!after.ok || after.records != repaired.records || after.last_seq != repaired.last_seq)
      std::abort();  // a repair that leaves a journal recovery refuses
  }
  return 0;
}
