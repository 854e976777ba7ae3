#include "report_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace swarmex::cli {

void add_report_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "report",
      "market report from a journal by replay (no server needed): spend, revenue, margin, "
      "fees, volume, VWAP, utilisation; `swarmex report --help` for its options");
  cmd->prefix_command();  // every argument, --help included, is swarmex-report's
  cmd->set_help_flag();
  cmd->callback([cmd, &exit_code] {
    // The report replays through the matching engine, which this client never links: it runs
    // swarmex-report, installed beside it.
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string tool =
        (ec ? std::filesystem::path(".") : self.parent_path()) / "swarmex-report";
    std::vector<std::string> args{tool};
    for (const std::string& a : cmd->remaining())
      args.push_back(a);
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(tool.c_str(), argv.data());
    fmt::print(stderr, "swarmex report: cannot run {}: {}\n", tool, std::strerror(errno));
    exit_code = 1;
  });
}

}  // namespace swarmex::cli
