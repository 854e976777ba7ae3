// A host controller whose exchange restarts on a new journal (another exchange history, whose
// fill stream starts again at 1): it refuses to take the new history's fills for duplicates of
// the old ones. Real swarmexd + swarmex-hostctl enacting on the kernel's cgroups (root only).
#include <filesystem>

#include "hostctl_e2e_fixture.hpp"
#include "swarmex/common/history_id.hpp"

namespace swarmex::e2e {
namespace {

using common::format_history_id;

class HostctlHistoryE2eTest : public HostctlE2eTest {
 protected:
  // The host's asks on instrument 1 as a fresh market data snapshot shows them.
  std::int64_t asks_on_book() {
    auto md = tenant("tenant-c");
    const std::uint32_t ids[] = {1};
    md->client().subscribe_market_data(ids, 5);
    const wire::Message* snap = md->next(wire::Body::BookSnapshot);
    EXPECT_NE(snap, nullptr);
    std::int64_t qty = 0;
    if (snap != nullptr && snap->body_as_BookSnapshot()->asks() != nullptr)
      for (const wire::Level* l : *snap->body_as_BookSnapshot()->asks())
        qty += l->qty();
    return qty;
  }
  std::uint64_t exchange_history() {
    auto c = connect();
    return c->logon("tenant-c", wire::Role::Tenant).history;
  }
};

TEST_F(HostctlHistoryE2eTest, RefusesANewHistoryUntilAdoptedThenEnactsItsFills) {
  start_hostctl();
  const std::uint64_t old_history = exchange_history();
  ASSERT_NE(old_history, 0u);
  auto a = tenant("tenant-a");
  ASSERT_EQ(buy(*a, 1, 3), 3);
  ASSERT_TRUE(enforced_cpus("tenant-a", 0.3));
  ASSERT_TRUE(eventually([&] { return state().last_seq >= 1; }));
  const std::uint64_t old_seq = state().last_seq;
  EXPECT_EQ(state().history, old_history) << "a new state adopts the first history it meets";
  a.reset();

  // The exchange starts again on an empty journal: a new history whose fill stream starts at 1.
  const std::size_t from = hostctl_->output_size();
  server_->stop();
  std::filesystem::remove_all(server_->journal_dir());
  server_->start();
  const std::uint64_t new_history = exchange_history();
  ASSERT_NE(new_history, old_history);
  ASSERT_NE(hostctl_->wait_for("NOT selling", from, 10000), std::string::npos)
      << hostctl_->output();
  const std::string log = hostctl_->output().substr(from);
  EXPECT_NE(log.find(format_history_id(old_history)), std::string::npos) << log;
  EXPECT_NE(log.find(format_history_id(new_history)), std::string::npos) << log;
  EXPECT_NE(log.find("error"), std::string::npos) << "logged at error level: " << log;

  // Holding: nothing offered on the new exchange, nothing taken, the old allocation untouched.
  std::this_thread::sleep_for(1s);  // time enough to have posted its asks, were it selling
  EXPECT_EQ(asks_on_book(), 0) << "a holding controller sells nothing";
  EXPECT_EQ(state().history, old_history);
  EXPECT_EQ(state().last_seq, old_seq) << "no fill of the new history taken";
  EXPECT_EQ(quota_cpus("tenant-a"), 0.3) << "the old history's allocation is kept until adopted";

  // A confirmation naming another history is ignored.
  const std::string cfg = dir_.str() + "/host-a1.toml";
  const CliRun wrong = run_command(std::string(SWARMEX_HOSTCTL_BINARY) + " --config " + cfg +
                                   " adopt-history 0x0000000000000001");
  EXPECT_EQ(wrong.exit_code, 0) << wrong.out;
  ASSERT_NE(hostctl_->wait_for("request ignored", from, 5000), std::string::npos)
      << hostctl_->output();
  EXPECT_EQ(state().history, old_history);

  // The operator adopts the new history: the old allocation ends, the new fills are enacted.
  const CliRun adopt = run_command(std::string(SWARMEX_HOSTCTL_BINARY) + " --config " + cfg +
                                   " adopt-history " + format_history_id(new_history));
  ASSERT_EQ(adopt.exit_code, 0) << adopt.out;
  ASSERT_NE(hostctl_->wait_for("adopted exchange history", from, 5000), std::string::npos)
      << hostctl_->output();
  EXPECT_TRUE(eventually([&] {
    return !fs::exists(hostctl::tenant_dir(layout_, "cpu", "tenant-a"));
  })) << "the old history's allocation ends: its cgroup goes";
  auto b = tenant("tenant-b");
  EXPECT_EQ(buy(*b, 1, 2), 2) << "selling again after adoption";
  EXPECT_TRUE(enforced_cpus("tenant-b", 0.2)) << "the new history's fill 1 is enacted";
  EXPECT_TRUE(eventually([&] {
    const auto s = state();
    return s.history == new_history && s.last_seq >= 1 && s.book.all().size() == s.last_seq;
  })) << format_host_state(state());
  const hostctl::HostState adopted = state();
  for (const auto& [seq, alloc] : adopted.book.all())
    EXPECT_EQ(alloc.tenant, "tenant-b") << "nothing of the old history is left in the state";
}

}  // namespace
}  // namespace swarmex::e2e
