// SHA-256: FIPS 180 test vectors, incremental hashing and the length-prefixed field form.
#include <gtest/gtest.h>

#include <string>

#include "core/sha256.hpp"

namespace soc {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, DigestIsLowerCaseHexOf64Characters) {
  const std::string digest = sha256_hex(std::string("\0\xff binary", 9));
  ASSERT_EQ(digest.size(), 64u);
  for (char c : digest) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << digest;
}

TEST(Sha256, IncrementalEqualsOneShot) {
  Sha256 h;
  h.update("a");
  h.update("");
  h.update("bc");
  EXPECT_EQ(h.hex_digest(), sha256_hex("abc"));
  Sha256 empty;
  EXPECT_EQ(empty.hex_digest(), sha256_hex(""));
}

TEST(Sha256, UpdateFieldIsLengthPrefixedLittleEndian) {
  Sha256 ab_c;
  ab_c.update_field("ab");
  ab_c.update_field("c");
  Sha256 a_bc;
  a_bc.update_field("a");
  a_bc.update_field("bc");
  const std::string first = ab_c.hex_digest();
  const std::string second = a_bc.hex_digest();
  EXPECT_NE(first, second);
  EXPECT_EQ(first, "43ee655579de01ca739b3f95c1c2d3f46d353b2c0df818064ea594506cdb2617");
  EXPECT_EQ(second, "9a8acca1b6c6c0befd3fbc756aed625da998c998f7252e738c4ef061906b9b21");
  // The plain concatenation would have collided.
  Sha256 plain1, plain2;
  plain1.update("ab");
  plain1.update("c");
  plain2.update("a");
  plain2.update("bc");
  EXPECT_EQ(plain1.hex_digest(), plain2.hex_digest());
}

TEST(Sha256, EmptyFieldsStillCount) {
  Sha256 one, two;
  one.update_field("x");
  two.update_field("x");
  two.update_field("");
  EXPECT_NE(one.hex_digest(), two.hex_digest());
}

}  // namespace
}  // namespace soc
