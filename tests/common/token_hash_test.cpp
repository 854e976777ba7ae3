// Token hashes: the sample configuration's hashes reproduce, and verification is strict.
#include <gtest/gtest.h>

#include <vector>

#include "swarmex/common/token_hash.hpp"

namespace swarmex::common {
namespace {

TEST(AuthTest, ReproducesTheSampleConfigHash) {
  // etc/swarmex.toml: tenant-a's token is "tenant-a-token".
  const std::vector<std::uint8_t> salt{0x80, 0xa7, 0x07, 0xaf, 0x7d, 0xc7, 0x7e, 0xe1,
                                       0x22, 0x8f, 0x91, 0x27, 0x18, 0x0f, 0x39, 0x64};
  EXPECT_EQ(hash_token("tenant-a-token", 10000, salt),
            "pbkdf2-sha256$10000$80a707af7dc77ee1228f9127180f3964$"
            "01b228ff148ed682c9be9e024edc05e212db51b250e41224f1bd6892a34dac4e");
}

TEST(AuthTest, RandomSaltsDifferAndVerify) {
  const std::string a = hash_token("t", 1000);
  const std::string b = hash_token("t", 1000);
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_token("t", a));
  EXPECT_TRUE(verify_token("t", b));
  EXPECT_FALSE(verify_token("u", a));
  EXPECT_FALSE(verify_token("", a));
}

TEST(AuthTest, MalformedStoredHashesNeverVerify) {
  for (const char* bad :
       {"", "t", "pbkdf2-sha256$", "pbkdf2-sha256$x$00$00", "md5$1$00$00", "pbkdf2-sha256$0$00$00",
        "pbkdf2-sha256$1000$zz$00", "pbkdf2-sha256$1000$00$", "pbkdf2-sha256$99999999999$00$00"})
    EXPECT_FALSE(verify_token("t", bad)) << bad;
}

}  // namespace
}  // namespace swarmex::common
