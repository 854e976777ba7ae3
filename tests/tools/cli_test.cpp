// The CLI's pieces that need no server: token hashes, how messages print, window starts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "message_format.hpp"
#include "window_start.hpp"

namespace swarmex::cli {
namespace {

const wire::Message& decoded(std::span<const std::uint8_t> frame, std::vector<std::uint8_t>& keep) {
  keep.assign(frame.begin(), frame.end());
  const wire::Message* m = nullptr;
  EXPECT_EQ(protocol::decode_frame(keep, &m), engine::RejectReason::None);
  return *m;
}

TEST(MessageFormatTest, RejectsPrintTheirReasonName) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  const auto& m = decoded(w.finish(wire::CreateExecutionReport(
                              w.fbb(), wire::ExecKind::Rejected, wire::RejectReason::PriceOffTick,
                              wire::CancelReason::Requested, 42, 0, 1)),
                          keep);
  EXPECT_NE(format_message(m, false).find("reason=price_off_tick"), std::string::npos);
  const std::string json = format_message(m, true);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(json);  // at() throws on a missing key: the test fails
  EXPECT_EQ(j.at("reject_reason"), "price_off_tick") << json;
  EXPECT_EQ(j.at("kind"), "rejected") << json;
  EXPECT_EQ(j.at("client_order_id"), 42) << json;
}

TEST(MessageFormatTest, ARejectsTextSaysWhereThePoolLives) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  auto& b = w.fbb();
  const auto text = b.CreateString("pool 'pool-b' is served by cluster west at 10.0.0.2:7400");
  wire::ExecutionReportBuilder r(b);
  r.add_kind(wire::ExecKind::Rejected);
  r.add_reject_reason(wire::RejectReason::PoolOnAnotherNode);
  r.add_client_order_id(5);
  r.add_text(text);
  const auto& m = decoded(w.finish(r.Finish()), keep);
  EXPECT_NE(format_message(m, false).find("reason=pool_on_another_node"), std::string::npos);
  EXPECT_NE(format_message(m, false).find(": pool 'pool-b' is served by cluster west at"),
            std::string::npos);
  const auto j = nlohmann::json::parse(format_message(m, true));
  EXPECT_EQ(j.at("text"), "pool 'pool-b' is served by cluster west at 10.0.0.2:7400");
}

TEST(MessageFormatTest, CancelsPrintTheirReasonName) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  const auto& m = decoded(w.finish(wire::CreateExecutionReport(
                              w.fbb(), wire::ExecKind::Cancelled, wire::RejectReason::None,
                              wire::CancelReason::IocRemainder, 7, 9, 1)),
                          keep);
  EXPECT_NE(format_message(m, false).find("reason=ioc_remainder"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(format_message(m, true)).at("cancel_reason"), "ioc_remainder");
}

TEST(MessageFormatTest, AdminAckJsonEscapesText) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  auto text = w.fbb().CreateString("bad \"band\"\n");
  const auto& m = decoded(
      w.finish(wire::CreateAdminAck(w.fbb(), 5, false, wire::RejectReason::InvalidParameter, text)),
      keep);
  const std::string json = format_message(m, true);
  const auto j = nlohmann::json::parse(json);  // the escaped text must still be valid JSON
  EXPECT_EQ(j.at("text"), "bad \"band\"\n") << json;
  EXPECT_EQ(j.at("reason"), "invalid_parameter") << json;
  EXPECT_NE(format_message(m, false).find("FAILED request_id=5 reason=invalid_parameter"),
            std::string::npos);
}

TEST(MessageFormatTest, SnapshotListsAsksAboveBids) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  const std::vector<wire::Level> bids{{900, 5, 2}, {800, 1, 1}};
  const std::vector<wire::Level> asks{{1000, 3, 1}, {1100, 4, 2}};
  const auto& m =
      decoded(w.finish(wire::CreateBookSnapshotDirect(w.fbb(), 1, 10, &bids, &asks)), keep);
  const std::string text = format_message(m, false);
  EXPECT_LT(text.find("1100"), text.find("1000"));
  EXPECT_LT(text.find("1000"), text.find("900"));
  EXPECT_LT(text.find("900"), text.find("800"));
  const auto j = nlohmann::json::parse(format_message(m, true));
  EXPECT_EQ(j.at("type"), "book_snapshot");
  EXPECT_EQ(j.at("seq"), 10);
  ASSERT_EQ(j.at("asks").size(), 2u);
  EXPECT_EQ(j.at("asks").at(0).at("price"), 1000);
  EXPECT_EQ(j.at("asks").at(0).at("qty"), 3);
  EXPECT_EQ(j.at("asks").at(0).at("orders"), 1);
  EXPECT_EQ(j.at("bids").at(1).at("price"), 800);
}

// A reason text with a quote, a backslash and control characters: the JSON line stays one line
// and parses back to the same text.
TEST(MessageFormatTest, ErrorTextNeedingEscapesParsesBack) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  const char* text = "logon refused: \"tenant-a\" at C:\\swarmex\\etc\n\tline 2\x01";
  const auto& m = decoded(
      w.finish(wire::CreateErrorDirect(w.fbb(), wire::RejectReason::BadCredentials, text)), keep);
  const std::string line = format_message(m, true);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("type"), "error") << line;
  EXPECT_EQ(j.at("reason"), "bad_credentials") << line;
  EXPECT_EQ(j.at("text").get<std::string>(), text) << line;
}

// Free text from the server that is not UTF-8 is replaced, not a reason to abort the CLI.
TEST(MessageFormatTest, TextThatIsNotUtf8IsReplacedNotThrown) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  const auto& m = decoded(
      w.finish(wire::CreateErrorDirect(w.fbb(), wire::RejectReason::None, "bad \xff\xfe byte")),
      keep);
  std::string line;
  ASSERT_NO_THROW(line = format_message(m, true));
  EXPECT_EQ(nlohmann::json::parse(line).at("text"), "bad \uFFFD\uFFFD byte") << line;
}

TEST(MessageFormatTest, FillJsonKeepsNumbersNumbersAndTypeFirst) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  const auto& m = decoded(w.finish(wire::CreateFill(w.fbb(), 7, 99, 3, 2, 5, 1001, 2002, 4, 1500,
                                                    1'700'000'000'000'000'000)),
                          keep);
  const std::string line = format_message(m, true);
  EXPECT_EQ(line.rfind(R"({"type":"fill",)", 0), 0u) << line;
  const auto j = nlohmann::json::parse(line);
  for (const char* key : {"stream_seq", "engine_seq", "instrument", "host", "tenant",
                          "buy_order_id", "sell_order_id", "qty", "price", "time_ns"})
    EXPECT_TRUE(j.at(key).is_number_integer()) << key << ": " << line;
  EXPECT_EQ(j.at("stream_seq"), 7);
  EXPECT_EQ(j.at("sell_order_id"), 2002);
  EXPECT_EQ(j.at("price"), 1500);
  EXPECT_EQ(j.at("time_ns"), 1'700'000'000'000'000'000);
  EXPECT_EQ(j.at("gpu"), -1);  // no placement named: the schema's default
  EXPECT_EQ(j.at("start_slice"), -1);
}

TEST(MessageFormatTest, FillJsonCarriesItsLeaseAndMigPlacement) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  auto& fbb = w.fbb();
  const auto tenant = fbb.CreateString("tenant-a");
  const auto resource = fbb.CreateString("mig.1g.10gb");
  const auto pool = fbb.CreateString("pool-a");
  const auto& m =
      decoded(w.finish(wire::CreateFill(fbb, 8, 100, 60, 2, 5, 1001, 2002, 1, 450'000, 1'000,
                                        tenant, resource, pool, 1'000, 3'601'000, 0, 1, 4)),
              keep);
  const auto j = nlohmann::json::parse(format_message(m, true));
  EXPECT_EQ(j.at("tenant_name"), "tenant-a");
  EXPECT_EQ(j.at("resource"), "mig.1g.10gb");
  EXPECT_EQ(j.at("pool"), "pool-a");
  EXPECT_EQ(j.at("lease_start_ns"), 1'000);
  EXPECT_EQ(j.at("lease_end_ns"), 3'601'000);
  EXPECT_EQ(j.at("seller_name"), "");
  EXPECT_EQ(j.at("gpu"), 1);
  EXPECT_EQ(j.at("start_slice"), 4);
}

TEST(MessageFormatTest, InstrumentListParsesWithStringsAndBooleans) {
  protocol::FrameWriter w;
  std::vector<std::uint8_t> keep;
  auto& fbb = w.fbb();
  const std::vector<flatbuffers::Offset<wire::InstrumentInfo>> list{
      wire::CreateInstrumentInfoDirect(fbb, 40, "mem.pool-\"d\".spot", "mem", "pool-d", 10, 1, 1,
                                       1000, 100, 5000, 0, true)};
  const auto& m =
      decoded(w.finish(wire::CreateAdminAck(fbb, 9, true, wire::RejectReason::None,
                                            fbb.CreateString(""), fbb.CreateVector(list))),
              keep);
  const auto j = nlohmann::json::parse(format_message(m, true));
  EXPECT_EQ(j.at("ok"), true);
  const auto& i = j.at("instruments").at(0);
  EXPECT_EQ(i.at("id"), 40);
  EXPECT_EQ(i.at("symbol"), "mem.pool-\"d\".spot");
  EXPECT_EQ(i.at("band_max"), 5000);
  EXPECT_EQ(i.at("halted"), true);
  EXPECT_EQ(i.at("scheduled"), false);
  EXPECT_FALSE(j.contains("sessions")) << "no list asked for, none printed";
}

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kH = 3600 * kS;
// 2026-11-23T14:00:00Z.
constexpr std::int64_t k1400 = 1'795'442'400 * kS;

TEST(WindowStartTest, AbsoluteStartsKeepWorking) {
  EXPECT_EQ(parse_window_start("2026-11-23T14:00Z").ns, k1400);
  EXPECT_EQ(parse_window_start("2026-11-23T14:00:00Z").ns, k1400);
  EXPECT_FALSE(parse_window_start("2026-11-23T14:00Z").relative);
  EXPECT_EQ(parse_window_start("1795442400000000000").ns, k1400);
  EXPECT_THROW((void)parse_window_start("99999999999999999999"), CliError);
}

TEST(WindowStartTest, RelativeStartsInEveryUnit) {
  const WindowStart s = parse_window_start("+30s");
  EXPECT_TRUE(s.relative);
  EXPECT_EQ(s.ns, 30 * kS);
  EXPECT_EQ(parse_window_start("+90m").ns, 90 * 60 * kS);
  EXPECT_EQ(parse_window_start("+1h").ns, kH);
  EXPECT_EQ(parse_window_start("+2d").ns, 48 * kH);
  EXPECT_EQ(parse_window_start("+0h").ns, 0);
}

TEST(WindowStartTest, BadStartsSayWhatIsAccepted) {
  for (const char* bad : {"+", "+5x", "+-1h", "+h", "+1.5h", "+ 1h", "+1h30m", "", "-1h",
                          "tomorrow", "2026-11-23", "2026-11-23T14:00"}) {
    try {
      (void)parse_window_start(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const CliError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(std::string("'") + bad + "'"), std::string::npos) << what;
      EXPECT_NE(what.find("+N followed by s, m, h or d"), std::string::npos) << what;
      EXPECT_EQ(e.exit_code(), kExitError);
    }
  }
  EXPECT_THROW((void)parse_window_start("+367d"), CliError);
  EXPECT_THROW((void)parse_window_start("+99999999999999999999h"), CliError);
}

// Hourly windows from 15:00 to 18:00 trading at 14:20.
std::vector<ListedWindow> hourly() {
  std::vector<ListedWindow> w;
  for (std::uint32_t i = 0; i < 4; ++i)
    w.push_back({.instrument = 2001 + i, .start_ns = k1400 + (i + 1) * kH, .length_ns = kH});
  return w;
}

TEST(WindowStartTest, RelativeStartRoundsUpToTheNextWindowBoundary) {
  const std::int64_t now = k1400 + 20 * 60 * kS;  // 14:20
  const auto w = hourly();
  const auto pick = [&](const char* start) {
    return pick_window(parse_window_start(start), now, w, "cpu.pool-b");
  };
  EXPECT_EQ(pick("+0s").start_ns, k1400 + kH);       // 14:20 -> 15:00
  EXPECT_EQ(pick("+40m").start_ns, k1400 + kH);      // exactly 15:00
  EXPECT_EQ(pick("+41m").start_ns, k1400 + 2 * kH);  // 15:01 -> 16:00
  EXPECT_EQ(pick("+1h").start_ns, k1400 + 2 * kH);   // 15:20 -> 16:00
  EXPECT_EQ(pick("+1h").instrument, 2002u);
  EXPECT_EQ(pick("+3h").instrument, 2004u);
  EXPECT_EQ(pick("2026-11-23T16:00Z").instrument, 2002u);
}

TEST(WindowStartTest, StartsOfNoTradingWindowAreRefused) {
  const std::int64_t now = k1400 + 20 * 60 * kS;
  const auto w = hourly();
  try {
    (void)pick_window(parse_window_start("+4h"), now, w, "cpu.pool-b");  // 19:00: not listed
    ADD_FAILURE() << "picked a window that is not listed";
  } catch (const CliError& e) {
    EXPECT_NE(std::string(e.what()).find("cpu.pool-b starting 2026-11-23T19:00:00Z"),
              std::string::npos)
        << e.what();
  }
  // Not a window boundary.
  EXPECT_THROW((void)pick_window(parse_window_start("2026-11-23T15:30Z"), now, w, "cpu.pool-b"),
               CliError);
  EXPECT_THROW((void)pick_window(parse_window_start("+1h"), now, {}, "cpu.pool-b"), CliError);
  auto mixed = w;
  mixed.push_back({.instrument = 3000, .start_ns = k1400 + 5 * kH, .length_ns = 15 * 60 * kS});
  EXPECT_THROW((void)pick_window(parse_window_start("+1h"), now, mixed, "cpu.pool-b"), CliError);
}

}  // namespace
}  // namespace swarmex::cli
