// The blob coder and string-list encoding alone: thresholds, exact round trips, damage.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/blob_codec.hpp"
#include "store/string_list.hpp"

namespace soc::store {
namespace {

std::string json_like(std::size_t size) {
  std::string text;
  while (text.size() < size) text += R"({"field":"value","n":12345},)";
  text.resize(size);
  return text;
}

TEST(BlobCoder, CompressesOnlyAboveTheThreshold) {
  BlobCoder coder(1024, 1, 1u << 20);
  EXPECT_EQ(coder.encode(json_like(1024)).codec, BlobCodec::kPlain);
  const EncodedBlob big = coder.encode(json_like(1025));
  EXPECT_EQ(big.codec, BlobCodec::kZstd);
  EXPECT_LT(big.bytes.size(), 1025u);
  EXPECT_EQ(coder.encode("").codec, BlobCodec::kPlain);
}

TEST(BlobCoder, RoundTripsExactBytes) {
  BlobCoder coder(16, 3, 1u << 20);
  std::string bytes = json_like(5000);
  bytes[10] = '\0';
  bytes[20] = '\xff';
  for (const std::string& plain : {bytes, std::string(), std::string("\0\0\0", 3)}) {
    const EncodedBlob encoded = coder.encode(plain);
    auto decoded = coder.decode(encoded.bytes, static_cast<std::int64_t>(encoded.codec), "blob");
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(BlobCoder, RefusesDamagedFrames) {
  BlobCoder coder(16, 1, 1u << 20);
  const EncodedBlob encoded = coder.encode(json_like(4000));
  ASSERT_EQ(encoded.codec, BlobCodec::kZstd);
  const auto zstd = static_cast<std::int64_t>(BlobCodec::kZstd);

  auto garbage = coder.decode("definitely not zstd", zstd, "the blob");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kIntegrityError);
  EXPECT_NE(garbage.error().message.find("the blob"), std::string::npos);

  auto truncated = coder.decode(std::string_view(encoded.bytes).substr(0, encoded.bytes.size() / 2),
                                zstd, "the blob");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, ErrorCode::kIntegrityError);

  std::string flipped = encoded.bytes;
  flipped[flipped.size() - 1] = static_cast<char>(flipped.back() ^ 0x10);  // checksum byte
  EXPECT_FALSE(coder.decode(flipped, zstd, "the blob"));

  // Still usable after errors.
  auto good = coder.decode(encoded.bytes, zstd, "the blob");
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, json_like(4000));
}

TEST(BlobCoder, EnforcesTheDecodedSizeCap) {
  BlobCoder writer(16, 1, 1u << 24);
  const EncodedBlob encoded = writer.encode(std::string(200'000, 'a'));
  BlobCoder reader(16, 1, 100'000);
  auto decoded = reader.decode(encoded.bytes, static_cast<std::int64_t>(encoded.codec), "blob");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, ErrorCode::kTooLarge);
  EXPECT_FALSE(reader.decode(std::string(100'001, 'p'), 0, "blob")) << "plain blobs too";
}

TEST(BlobCoder, FramesWithADictionaryNeedThatDictionary) {
  BlobCoder coder(16, -3, 1u << 20);
  ZstdDictionary dictionary(7, json_like(20'000));
  ZstdDictionary other(8, std::string(20'000, 'z'));
  const std::string plain = json_like(3000) + "tail";
  const EncodedBlob encoded = coder.encode(plain, &dictionary);
  ASSERT_EQ(encoded.codec, BlobCodec::kZstd);
  EXPECT_EQ(encoded.dictionary_id, 7);
  EXPECT_LT(encoded.bytes.size(), coder.encode(plain).bytes.size())
      << "text like the dictionary compresses better with it";
  const auto zstd = static_cast<std::int64_t>(BlobCodec::kZstd);
  auto decoded = coder.decode(encoded.bytes, zstd, "blob", &dictionary);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, plain);
  auto checked = coder.check(encoded.bytes, zstd, "blob", &dictionary);
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, plain);

  auto without = coder.decode(encoded.bytes, zstd, "blob");
  ASSERT_FALSE(without);
  EXPECT_EQ(without.error().code, ErrorCode::kIntegrityError);
  auto wrong = coder.decode(encoded.bytes, zstd, "blob", &other);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kIntegrityError);
  auto plain_with_dictionary = coder.decode("plain", 0, "blob", &dictionary);
  ASSERT_FALSE(plain_with_dictionary);
  EXPECT_EQ(plain_with_dictionary.error().code, ErrorCode::kIntegrityError);

  EXPECT_EQ(dictionary.sha256().size(), 64u);
  EXPECT_NE(dictionary.sha256(), other.sha256());
  EXPECT_FALSE(coder.encode("short", &dictionary).dictionary_id) << "plain needs no dictionary";
}

TEST(StringList, RoundTripsAwkwardItemsAsJson) {
  const std::vector<std::string> items = {
      "host:wks-01", "user:o'brien", "quote\"back\\slash", "ctl\x01\n\t", "", "caf\xc3\xa9"};
  const std::string json = encode_string_list(items);
  EXPECT_EQ(encode_string_list({"a", "b"}), R"(["a","b"])");
  EXPECT_EQ(encode_string_list({}), "[]");
  auto decoded = decode_string_list(json, "list");
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, items);
}

// Items are scanned eight bytes at a time: a byte to escape must be found in any position.
TEST(StringList, EscapesInEveryPositionOfLongItems) {
  const std::string specials[] = {"\"", "\\", "\x01", "\x1f", "\n", "caf\xc3\xa9"};
  for (const std::string& special : specials) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string item(20, 'a');
      item.replace(at, 1, special);
      auto decoded = decode_string_list(encode_string_list({item, "plain-item-0123456789"}), "l");
      ASSERT_TRUE(decoded) << decoded.error().message;
      EXPECT_EQ(*decoded, (std::vector<std::string>{item, "plain-item-0123456789"}))
          << "special byte at " << at;
    }
  }
  EXPECT_EQ(encode_string_list({"0123456789abcdef\"x"}), R"(["0123456789abcdef\"x"])");
  EXPECT_EQ(encode_string_list({"0123456789abcdef\x7f"}), "[\"0123456789abcdef\x7f\"]")
      << "DEL needs no escape in JSON";
}

TEST(StringList, ReplacesInvalidUtf8AndRejectsNonLists) {
  auto decoded = decode_string_list(encode_string_list({"bad\xff"}), "list");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, std::vector<std::string>{"bad\xef\xbf\xbd"});
  auto long_bad = decode_string_list(encode_string_list({"0123456789abcdef\xff!"}), "list");
  ASSERT_TRUE(long_bad);
  EXPECT_EQ(*long_bad, std::vector<std::string>{"0123456789abcdef\xef\xbf\xbd!"});
  EXPECT_FALSE(decode_string_list("{\"a\":1}", "list"));
  EXPECT_FALSE(decode_string_list("[1,2]", "list"));
  EXPECT_FALSE(decode_string_list("[\"unterminated", "list"));
}

}  // namespace
}  // namespace soc::store
