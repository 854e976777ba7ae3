// Principal tokens are stored only as salted PBKDF2-HMAC-SHA256 hashes:
//   pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace swarmex::common {

inline constexpr int kDefaultTokenIterations = 10000;

// The configuration form of `token`'s hash; `salt` empty: 16 random bytes.
std::string hash_token(const std::string& token, int iterations = kDefaultTokenIterations,
                       std::span<const std::uint8_t> salt = {});
// Constant-time check of `token` against a stored hash; false for a malformed hash.
bool verify_token(const std::string& token, const std::string& stored_hash);

}  // namespace swarmex::common
