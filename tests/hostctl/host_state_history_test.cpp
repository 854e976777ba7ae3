// The exchange history in the host controller's state: v3 files name it, v1 and v2 files read
// with it unknown (the first history met is adopted); an operator's adopt-history request; the
// [exchange] on_new_history key.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "host_config_support.hpp"
#include "swarmex/common/history_id.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/hostctl/host_state.hpp"

namespace swarmex::hostctl {
namespace {

constexpr const char* kV2 =
    "swarmex-hostctl-state v2\nlast_seq 7\nnext_client_order_id 900\n"
    "alloc 7 1 55 10 11 0 tenant-a 3 cpu - 4 1000 100 200 0 active - - -\n";

TEST(HostStateHistoryTest, AV2FileReadsWithItsHistoryUnknown) {
  const HostState s = parse_host_state(kV2);
  EXPECT_EQ(s.history, 0u);
  EXPECT_EQ(s.last_seq, 7u);
  EXPECT_EQ(s.next_client_order_id, 900u);
  ASSERT_EQ(s.book.all().size(), 1u);
  EXPECT_EQ(s.book.all().at(7).tenant, "tenant-a");
  EXPECT_EQ(s.book.all().at(7).qty, 4);
  // Written again, it is a v3 file naming the history (unknown until one is adopted).
  const std::string v3 = format_host_state(s);
  EXPECT_EQ(v3.rfind("swarmex-hostctl-state v3\nhistory 0x0000000000000000\n", 0), 0u) << v3;
  EXPECT_EQ(parse_host_state(v3).history, 0u);
}

TEST(HostStateHistoryTest, V3RoundTripKeepsTheHistory) {
  common::TempDir dir;
  HostState s = parse_host_state(kV2);
  s.history = 0x8badf00ddeadbeefULL;
  save_host_state(dir.path(), s);
  const HostState back = load_host_state(dir.path());
  EXPECT_EQ(back.history, 0x8badf00ddeadbeefULL);
  EXPECT_EQ(back.last_seq, 7u);
  EXPECT_EQ(format_host_state(back), format_host_state(s));
  std::ifstream in(dir.str() + "/state");
  std::string magic, line;
  std::getline(in, magic);
  std::getline(in, line);
  EXPECT_EQ(magic, "swarmex-hostctl-state v3");
  EXPECT_EQ(line, "history 0x8badf00ddeadbeef");
}

TEST(HostStateHistoryTest, ABadHistoryLineIsRefused) {
  EXPECT_THROW(parse_host_state("swarmex-hostctl-state v3\nhistory nonsense\n"),
               std::runtime_error);
  EXPECT_THROW(parse_host_state("swarmex-hostctl-state v3\nhistory\n"), std::runtime_error);
  // Only v3 has the line.
  EXPECT_THROW(parse_host_state("swarmex-hostctl-state v2\nhistory 0x01\n"), std::runtime_error);
}

TEST(HostStateHistoryTest, AdoptRequestsAreWrittenReadAndRemoved) {
  common::TempDir dir;
  EXPECT_EQ(read_adopt_request(dir.path()), 0u) << "no request";
  write_adopt_request(dir.path(), 0x1234abcdULL);
  EXPECT_EQ(read_adopt_request(dir.path()), 0x1234abcdULL);
  write_adopt_request(dir.path(), 0xffffffffffffffffULL);  // a later one replaces it
  EXPECT_EQ(read_adopt_request(dir.path()), 0xffffffffffffffffULL);
  remove_adopt_request(dir.path());
  EXPECT_EQ(read_adopt_request(dir.path()), 0u);
  std::ofstream(dir.str() + "/adopt-history") << "not-an-id\n";
  EXPECT_EQ(read_adopt_request(dir.path()), 0u) << "unreadable: no request";
}

TEST(HostStateHistoryTest, HistoryIdsPrintAndParse) {
  EXPECT_EQ(common::format_history_id(0xabcULL), "0x0000000000000abc");
  EXPECT_EQ(common::parse_history_id("0x0000000000000abc"), 0xabcULL);
  EXPECT_EQ(common::parse_history_id("ABC"), 0xabcULL);
  EXPECT_EQ(common::parse_history_id("0x"), 0u);
  EXPECT_EQ(common::parse_history_id("0x00000000000000001"), 0u) << "17 digits";
  EXPECT_EQ(common::parse_history_id("12g"), 0u);
}

TEST(HostStateHistoryTest, OnNewHistoryRefusesByDefault) {
  EXPECT_FALSE(parse_host_config(test::kHead, "f").adopt_new_history);
  const std::string with = "[exchange]\nprincipal=\"h\"\ntoken=\"t\"\non_new_history=";
  EXPECT_TRUE(parse_host_config(with + "\"adopt\"\n[host]\npool=\"p\"\n", "f").adopt_new_history);
  EXPECT_FALSE(parse_host_config(with + "\"refuse\"\n[host]\npool=\"p\"\n", "f").adopt_new_history);
  EXPECT_NE(test::error_of(with + "\"maybe\"\n[host]\npool=\"p\"\n").find("on_new_history"),
            std::string::npos);
}

}  // namespace
}  // namespace swarmex::hostctl
