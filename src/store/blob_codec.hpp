// Stored-blob codec: zstd above a size threshold, optional shared dictionaries, checked decoding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;
struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace soc::store {

// Stored in the codec columns; append only.
enum class BlobCodec : std::int64_t { kPlain = 0, kZstd = 1 };

// A raw-content zstd dictionary (no header: its bytes are the history frames refer to), as
// kept in the dictionaries table. Its SHA-256 enters the audit payload of every record whose
// frame needs it, so altering a dictionary breaks those records' hashes.
class ZstdDictionary {
 public:
  ZstdDictionary(std::int64_t id, std::string content);
  ~ZstdDictionary();
  ZstdDictionary(const ZstdDictionary&) = delete;
  ZstdDictionary& operator=(const ZstdDictionary&) = delete;

  std::int64_t id() const { return id_; }
  const std::string& content() const { return content_; }
  const std::string& sha256() const { return sha256_; }  // lower-case hex of content()

 private:
  friend class BlobCoder;
  std::int64_t id_;
  std::string content_;
  std::string sha256_;
  ZSTD_CDict_s* cdict_ = nullptr;  // built on first use, for the level it was built at
  int cdict_level_ = 0;
  ZSTD_DDict_s* ddict_ = nullptr;  // built on first use
};

struct EncodedBlob {
  std::string bytes;
  BlobCodec codec = BlobCodec::kPlain;
  std::optional<std::int64_t> dictionary_id;  // set when the frame needs that dictionary
};

class BlobCoder {
 public:
  BlobCoder(std::size_t compress_over_bytes, int level, std::size_t max_decoded_bytes);
  ~BlobCoder();
  BlobCoder(const BlobCoder&) = delete;
  BlobCoder& operator=(const BlobCoder&) = delete;

  // Plain when small, when compression does not shrink it, or if zstd fails (never an error:
  // the plain bytes are always a valid encoding). With a dictionary, the frame refers to it.
  EncodedBlob encode(std::string_view plain, ZstdDictionary* dictionary = nullptr);
  // `dictionary` must be the one the blob was encoded with (nullptr for none); `what` names
  // the blob in error messages ("triages.body of seq 12").
  Result<std::string> decode(std::string_view stored, std::int64_t codec, std::string_view what,
                             ZstdDictionary* dictionary = nullptr);
  // Decodes into a buffer the coder reuses, for checks that need only the size; the view is
  // valid until the next call.
  Result<std::string_view> check(std::string_view stored, std::int64_t codec, std::string_view what,
                                 ZstdDictionary* dictionary = nullptr);

 private:
  Status decode_into(std::string& out, std::string_view stored, std::int64_t codec,
                     std::string_view what, ZstdDictionary* dictionary);

  std::size_t compress_over_bytes_;
  int level_;
  std::size_t max_decoded_bytes_;
  std::string scratch_;
  std::string check_scratch_;
  ZSTD_CCtx_s* cctx_ = nullptr;
  ZSTD_DCtx_s* dctx_ = nullptr;
};

}  // namespace soc::store
