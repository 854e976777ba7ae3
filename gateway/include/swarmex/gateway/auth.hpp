// Principal tokens are stored only as salted PBKDF2-HMAC-SHA256 hashes:
//   pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>
#pragma once

#include <string>

namespace swarmex::gateway {

// A new hash of `token` with a random 16-byte salt.
std::string hash_token(const std::string& token, int iterations = 10000);
// Constant-time check of `token` against a stored hash; false for a malformed hash.
bool verify_token(const std::string& token, const std::string& stored_hash);

}  // namespace swarmex::gateway
