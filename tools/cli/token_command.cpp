#include "token_command.hpp"

#include "swarmex/common/token_hash.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <vector>

#include "connection.hpp"

namespace swarmex::cli {
namespace {

std::vector<std::uint8_t> unhex(std::string_view text) {
  auto nibble = [&](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    throw CliError(fmt::format("--salt: '{}' is not hex", text));
  };
  if (text.size() % 2 != 0 || text.empty())
    throw CliError("--salt: needs an even number of hex digits");
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < text.size(); i += 2)
    bytes.push_back(static_cast<std::uint8_t>(nibble(text[i]) << 4 | nibble(text[i + 1])));
  return bytes;
}

struct TokenOptions {
  std::string token;
  int iterations = common::kDefaultTokenIterations;
  std::string salt_hex;
};

int run_hash(const TokenOptions& o) {
  std::string token = o.token;
  if (token.empty()) {
    // From stdin, so the token stays out of the shell history and the process list.
    std::getline(std::cin, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == '\n'))
      token.pop_back();
  }
  if (token.empty()) throw CliError("no token: give --token or one line on stdin");
  const std::vector<std::uint8_t> salt =
      o.salt_hex.empty() ? std::vector<std::uint8_t>{} : unhex(o.salt_hex);
  fmt::print("{}\n", common::hash_token(token, o.iterations, salt));
  return kExitOk;
}

}  // namespace

void add_token_command(CLI::App& app, int& exit_code) {
  auto* token = app.add_subcommand("token", "credentials for the config");
  token->require_subcommand(1);
  auto o = std::make_shared<TokenOptions>();
  auto* hash = token->add_subcommand("hash", "print the token_hash value for a token");
  hash->add_option("--token", o->token, "the token (default: one line read from stdin)");
  hash->add_option("--iterations", o->iterations, "PBKDF2 iterations")
      ->capture_default_str()
      ->check(CLI::Range(1000, 100'000'000));
  hash->add_option("--salt", o->salt_hex, "salt in hex (default: 16 random bytes)")
      ->group("");  // for reproducible tests only
  hash->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_hash(*o); }); });
}

}  // namespace swarmex::cli
