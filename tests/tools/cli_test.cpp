// The CLI's pieces that need no server: token hashes and how messages print.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "message_format.hpp"

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
  EXPECT_NE(format_message(m, true).find(R"("asks":[{"price":1000,"qty":3,"orders":1})"),
            std::string::npos);
}

}  // namespace
}  // namespace swarmex::cli
