#include "swarmex/common/token_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace swarmex::common {
namespace {

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

bool from_hex(const std::string& s, std::vector<unsigned char>* out) {
  if (s.size() % 2 != 0) return false;
  out->clear();
  for (std::size_t i = 0; i < s.size(); i += 2) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = s[i + k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else
        return false;
    }
    out->push_back(static_cast<unsigned char>(v));
  }
  return true;
}

bool pbkdf2(const std::string& token, const std::vector<unsigned char>& salt, int iterations,
            unsigned char* out, std::size_t n) {
  return PKCS5_PBKDF2_HMAC(token.data(), static_cast<int>(token.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(n), out) == 1;
}

}  // namespace

std::string hash_token(const std::string& token, int iterations,
                       std::span<const std::uint8_t> salt) {
  std::vector<unsigned char> salt_bytes(salt.begin(), salt.end());
  if (salt_bytes.empty()) {
    salt_bytes.resize(16);
    if (RAND_bytes(salt_bytes.data(), static_cast<int>(salt_bytes.size())) != 1)
      throw std::runtime_error("no randomness for a salt");
  }
  unsigned char hash[32];
  if (iterations < 1 || !pbkdf2(token, salt_bytes, iterations, hash, sizeof hash))
    throw std::runtime_error("PBKDF2 failed");
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" +
         to_hex(salt_bytes.data(), salt_bytes.size()) + "$" + to_hex(hash, sizeof hash);
}

bool verify_token(const std::string& token, const std::string& stored) {
  // Split pbkdf2-sha256$iter$salt$hash.
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= stored.size(); ++i)
    if (i == stored.size() || stored[i] == '$') {
      parts.push_back(stored.substr(start, i - start));
      start = i + 1;
    }
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  int iterations = 0;
  try {
    iterations = std::stoi(parts[1]);
  } catch (const std::exception&) {
    return false;
  }
  std::vector<unsigned char> salt, want;
  if (iterations < 1 || iterations > 10'000'000 || !from_hex(parts[2], &salt) ||
      !from_hex(parts[3], &want) || want.empty() || want.size() > 64)
    return false;
  std::vector<unsigned char> got(want.size());
  if (!pbkdf2(token, salt, iterations, got.data(), got.size())) return false;
  return CRYPTO_memcmp(got.data(), want.data(), want.size()) == 0;
}

}  // namespace swarmex::common
