// `swarmex token hash [--token T | stdin] [--iterations N]`: the salted hash that the config's
// token_hash keys hold: pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>.
#pragma once

#include <CLI/CLI.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace swarmex::cli {

inline constexpr int kDefaultTokenIterations = 10000;  // as the sample config's hashes

// PBKDF2-HMAC-SHA256 with a 32-byte output (OpenSSL libcrypto).
std::array<std::uint8_t, 32> pbkdf2_sha256(std::string_view token,
                                           std::span<const std::uint8_t> salt, int iterations);

// The config form of a token's hash; `salt` empty: 16 random bytes (RAND_bytes).
std::string token_hash(std::string_view token, int iterations,
                       std::span<const std::uint8_t> salt = {});

void add_token_command(CLI::App& app, int& exit_code);

}  // namespace swarmex::cli
