// `swarmex`: the command-line client. Offline journal inspection, market reports and token
// hashing, and orders, books, fills, usage and admin requests over the wire protocol.
#include <CLI/CLI.hpp>

#include "admin_command.hpp"
#include "autopilot_command.hpp"
#include "book_command.hpp"
#include "catalog_command.hpp"
#include "dropcopy_command.hpp"
#include "fills_command.hpp"
#include "journal_command.hpp"
#include "order_command.hpp"
#include "own_view_command.hpp"
#include "report_command.hpp"
#include "token_command.hpp"
#include "usage_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"swarmex: command-line client for the Swarmex compute-capacity exchange"};
  app.require_subcommand(1);
  int exit_code = 0;
  swarmex::cli::add_journal_command(app, exit_code);
  swarmex::cli::add_order_command(app, exit_code);
  swarmex::cli::add_book_command(app, exit_code);
  swarmex::cli::add_fills_command(app, exit_code);
  swarmex::cli::add_admin_command(app, exit_code);
  swarmex::cli::add_token_command(app, exit_code);
  swarmex::cli::add_usage_command(app, exit_code);
  swarmex::cli::add_dropcopy_command(app, exit_code);
  swarmex::cli::add_autopilot_command(app, exit_code);
  swarmex::cli::add_catalog_command(app, exit_code);
  swarmex::cli::add_own_view_commands(app, exit_code);
  swarmex::cli::add_report_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
