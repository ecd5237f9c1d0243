// The blob coder and string-list encoding alone: thresholds, exact round trips, damage.
#include <gtest/gtest.h>

#include <random>
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

// Every test runs with each codec a store may write.
class BlobCoderTest : public ::testing::TestWithParam<BlobCodec> {
 protected:
  BlobCodec codec() const { return GetParam(); }
  std::int64_t stored_codec() const { return static_cast<std::int64_t>(GetParam()); }
  BlobCoder make(std::size_t over, std::size_t max_decoded = 1u << 20, int level = -3) const {
    return BlobCoder(over, GetParam(), level, max_decoded);
  }
};

TEST_P(BlobCoderTest, CompressesOnlyAboveTheThreshold) {
  BlobCoder coder = make(1024);
  EXPECT_EQ(coder.encode(json_like(1024)).codec, BlobCodec::kPlain);
  const EncodedBlob big = coder.encode(json_like(1025));
  EXPECT_EQ(big.codec, codec());
  EXPECT_LT(big.bytes.size(), 1025u);
  EXPECT_EQ(coder.encode("").codec, BlobCodec::kPlain);
}

TEST_P(BlobCoderTest, RoundTripsExactBytes) {
  BlobCoder coder = make(16);
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

TEST_P(BlobCoderTest, ReadsWhatTheOtherCodecWrote) {
  const BlobCodec other = codec() == BlobCodec::kLz4 ? BlobCodec::kZstd : BlobCodec::kLz4;
  BlobCoder writer(16, other, -3, 1u << 20);
  BlobDictionary dictionary(3, json_like(100'000));
  const std::string plain = json_like(7000) + "end";
  const EncodedBlob encoded = writer.encode(plain, &dictionary);
  ASSERT_EQ(encoded.codec, other);
  BlobCoder reader = make(16);
  auto decoded =
      reader.decode(encoded.bytes, static_cast<std::int64_t>(encoded.codec), "blob", &dictionary);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, plain);
  EXPECT_FALSE(reader.decode(encoded.bytes, stored_codec(), "blob", &dictionary))
      << "a frame read as the wrong codec is refused";
}

TEST_P(BlobCoderTest, RefusesDamagedFrames) {
  BlobCoder coder = make(16);
  const EncodedBlob encoded = coder.encode(json_like(4000));
  ASSERT_EQ(encoded.codec, codec());

  auto garbage = coder.decode("definitely not a frame", stored_codec(), "the blob");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kIntegrityError);
  EXPECT_NE(garbage.error().message.find("the blob"), std::string::npos);

  for (std::size_t keep : {encoded.bytes.size() / 2, encoded.bytes.size() - 1, std::size_t{4}}) {
    auto truncated =
        coder.decode(std::string_view(encoded.bytes).substr(0, keep), stored_codec(), "the blob");
    ASSERT_FALSE(truncated) << "kept " << keep;
    EXPECT_EQ(truncated.error().code, ErrorCode::kIntegrityError);
  }
  auto trailing = coder.decode(encoded.bytes + "x", stored_codec(), "the blob");
  EXPECT_FALSE(trailing) << "bytes after the frame";

  // Still usable after errors.
  auto good = coder.decode(encoded.bytes, stored_codec(), "the blob");
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, json_like(4000));
}

TEST(BlobCoder, ZstdFramesCarryAChecksum) {
  BlobCoder coder(16, BlobCodec::kZstd, 1, 1u << 20);
  const EncodedBlob encoded = coder.encode(json_like(4000));
  std::string flipped = encoded.bytes;
  flipped[flipped.size() - 1] = static_cast<char>(flipped.back() ^ 0x10);  // checksum byte
  EXPECT_FALSE(coder.decode(flipped, static_cast<std::int64_t>(BlobCodec::kZstd), "the blob"));
}

TEST_P(BlobCoderTest, EnforcesTheDecodedSizeCap) {
  BlobCoder writer = make(16, 1u << 24);
  const EncodedBlob encoded = writer.encode(std::string(200'000, 'a'));
  ASSERT_EQ(encoded.codec, codec());
  BlobCoder reader = make(16, 100'000);
  auto decoded = reader.decode(encoded.bytes, static_cast<std::int64_t>(encoded.codec), "blob");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, ErrorCode::kTooLarge);
  EXPECT_FALSE(reader.decode(std::string(100'001, 'p'), 0, "blob")) << "plain blobs too";
}

TEST_P(BlobCoderTest, FramesWithADictionaryNeedThatDictionary) {
  BlobCoder coder = make(16);
  BlobDictionary dictionary(7, json_like(20'000));
  BlobDictionary other(8, std::string(20'000, 'z'));
  const std::string plain = json_like(3000) + "tail";
  const EncodedBlob encoded = coder.encode(plain, &dictionary);
  ASSERT_EQ(encoded.codec, codec());
  EXPECT_EQ(encoded.dictionary_id, 7);
  EXPECT_LT(encoded.bytes.size(), coder.encode(plain).bytes.size())
      << "text like the dictionary compresses better with it";
  auto decoded = coder.decode(encoded.bytes, stored_codec(), "blob", &dictionary);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, plain);
  auto checked = coder.check(encoded.bytes, stored_codec(), "blob", &dictionary);
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, plain);

  auto without = coder.decode(encoded.bytes, stored_codec(), "blob");
  ASSERT_FALSE(without);
  EXPECT_EQ(without.error().code, ErrorCode::kIntegrityError);
  // LZ4 frames carry no checksum: another dictionary may decode to other bytes of the same size.
  // What protects them is the dictionary's hash in the audit payload (audit_verify_test.cpp).
  auto wrong = coder.decode(encoded.bytes, stored_codec(), "blob", &other);
  EXPECT_TRUE(!wrong || *wrong != plain);
  auto plain_with_dictionary = coder.decode("plain", 0, "blob", &dictionary);
  ASSERT_FALSE(plain_with_dictionary);
  EXPECT_EQ(plain_with_dictionary.error().code, ErrorCode::kIntegrityError);

  EXPECT_EQ(dictionary.sha256().size(), 64u);
  EXPECT_NE(dictionary.sha256(), other.sha256());
  EXPECT_FALSE(coder.encode("short", &dictionary).dictionary_id) << "plain needs no dictionary";
}

// LZ4 reaches back 64 KiB: a dictionary's older bytes are out of its reach, its newest are not.
TEST(BlobCoder, Lz4UsesTheNewestPartOfALargeDictionary) {
  BlobCoder coder(16, BlobCodec::kLz4, 0, 1u << 20);
  std::mt19937 rng(7);
  std::string old_part(100'000, '\0');
  for (char& c : old_part) c = static_cast<char>('a' + rng() % 26);
  const std::string recent = json_like(40'000);
  BlobDictionary dictionary(1, old_part + recent);
  EXPECT_EQ(dictionary.lz4_history().size(), BlobDictionary::kLz4HistoryBytes);
  EXPECT_TRUE(dictionary.content().ends_with(dictionary.lz4_history()));
  const EncodedBlob like_recent = coder.encode(recent.substr(1000, 8000), &dictionary);
  EXPECT_LT(like_recent.bytes.size(), 200u);
  const EncodedBlob like_old = coder.encode(old_part.substr(1000, 8000), &dictionary);
  EXPECT_GT(like_old.bytes.size(), 1000u);
  for (const EncodedBlob* e : {&like_recent, &like_old}) {
    auto back = coder.decode(e->bytes, static_cast<std::int64_t>(e->codec), "blob",
                             e->dictionary_id ? &dictionary : nullptr);
    ASSERT_TRUE(back) << back.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, BlobCoderTest,
                         ::testing::Values(BlobCodec::kLz4, BlobCodec::kZstd),
                         [](const ::testing::TestParamInfo<BlobCodec>& info) {
                           return info.param == BlobCodec::kLz4 ? std::string("Lz4")
                                                                : std::string("Zstd");
                         });

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
