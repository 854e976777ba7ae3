// The swarmex CLI's swarm commands against a real swarmexd: `order swarm` and `order template`
// print every leg's fill and exit 0, an unfillable bundle prints its cancel reason, and a bad
// one its reject reason with exit code 2.
#include <string>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

class CliSwarmTest : public E2eTest {
 protected:
  void SetUp() override {
    start_server("", "sync", 2,
                 "[[templates]]\nname = \"pair\"\nplacement = \"same-host\"\n"
                 "legs = [{ resource = \"cpu\", qty = 1 }, { resource = \"mem\", qty = 2 }]\n");
    host_ = host("host-a1");
    host_->order(1, 1, Side::Sell, 1000, 10);
    host_->order(2, 2, Side::Sell, 500, 10);
    ASSERT_EQ(host_->report()->kind, ExecKind::Accepted);
    ASSERT_EQ(host_->report()->kind, ExecKind::Accepted);
  }
  CliRun cli(const std::string& args) {
    return run_command(std::string(SWARMEX_CLI) + " " + args +
                       " --server 127.0.0.1:" + std::to_string(server_->port()) +
                       " --principal tenant-a --token tenant-a-token");
  }
  static int count(const std::string& text, const std::string& what) {
    return count_of(text, what);
  }
  std::unique_ptr<Conn> host_;
};

TEST_F(CliSwarmTest, OrderSwarmPrintsEveryLegsFill) {
  const CliRun r = cli("order swarm --leg 1:2 --leg 2:4 --placement same-host --limit-total 10000");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(count(r.out, "accepted"), 1) << r.out;
  EXPECT_EQ(count(r.out, "filled"), 2) << r.out;
  EXPECT_NE(r.out.find("instrument=2 buy 4 @ 500 leaves=0 host=1"), std::string::npos) << r.out;
}

TEST_F(CliSwarmTest, OrderTemplateBuysCountBundles) {
  const CliRun r = cli("order template --name pair --count 3 --pool pool-a --limit-total 10000");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("instrument=1 buy 3 @ 1000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("instrument=2 buy 6 @ 500 leaves=0"), std::string::npos) << r.out;
}

TEST_F(CliSwarmTest, UnfillableAndBadSwarmsSayWhy) {
  CliRun r = cli("order swarm --leg 1:2 --leg 2:4 --limit-total 3999");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("reason=swarm_unfillable"), std::string::npos) << r.out;
  r = cli("order template --name nope --pool pool-a --limit-total 10000");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("reason=unknown_template"), std::string::npos) << r.out;
  r = cli("order swarm --leg 1:2 --leg 1:2 --limit-total 10000");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("reason=invalid_legs"), std::string::npos) << r.out;
  r = cli("order swarm --leg one:2 --limit-total 10000");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("not INSTRUMENT:QTY"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace swarmex::e2e
