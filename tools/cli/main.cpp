// `swarmex`: the command-line client. Today: journal inspection; the gateway issue adds orders,
// books, fills and admin over the wire protocol.
#include <CLI/CLI.hpp>

#include "journal_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"swarmex: command-line client for the Swarmex compute-capacity exchange"};
  app.require_subcommand(1);
  int exit_code = 0;
  swarmex::cli::add_journal_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
