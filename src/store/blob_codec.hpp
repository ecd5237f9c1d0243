// Stored-blob codec: LZ4 or zstd frames above a size threshold, optional shared raw-content
// dictionaries, checked decoding of every codec a store file may hold.
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
struct LZ4F_CDict_s;
struct LZ4F_cctx_s;
struct LZ4F_dctx_s;

namespace soc::store {

// Stored in the codec columns; append only.
//   kZstd: one zstd frame with content size and checksum.
//   kLz4:  one LZ4 frame (lz4frame format) with content size, no checksum.
enum class BlobCodec : std::int64_t { kPlain = 0, kZstd = 1, kLz4 = 2 };

// A raw-content dictionary (no header: its bytes are the history frames refer to), as kept in
// the dictionaries table. zstd frames may refer to all of it, LZ4 frames to its last 64 KiB (the
// most LZ4 can reach back). Its SHA-256 enters the audit payload of every record whose frame
// needs it, so altering a dictionary breaks those records' hashes.
class BlobDictionary {
 public:
  // LZ4's window: a frame can refer to this many bytes before it.
  static constexpr std::size_t kLz4HistoryBytes = 64u << 10;

  BlobDictionary(std::int64_t id, std::string content);
  ~BlobDictionary();
  BlobDictionary(const BlobDictionary&) = delete;
  BlobDictionary& operator=(const BlobDictionary&) = delete;

  std::int64_t id() const { return id_; }
  const std::string& content() const { return content_; }
  const std::string& sha256() const { return sha256_; }  // lower-case hex of content()
  std::string_view lz4_history() const;                  // the tail LZ4 frames refer to

 private:
  friend class BlobCoder;
  std::int64_t id_;
  std::string content_;
  std::string sha256_;
  ZSTD_CDict_s* cdict_ = nullptr;  // built on first use, for the level it was built at
  int cdict_level_ = 0;
  ZSTD_DDict_s* ddict_ = nullptr;      // built on first use
  LZ4F_CDict_s* lz4_cdict_ = nullptr;  // built on first use
};

struct EncodedBlob {
  std::string bytes;
  BlobCodec codec = BlobCodec::kPlain;
  std::optional<std::int64_t> dictionary_id;  // set when the frame needs that dictionary
};

class BlobCoder {
 public:
  // `codec` (kZstd or kLz4) is what encode() writes; decode() reads every codec. `zstd_level`
  // applies to zstd only.
  BlobCoder(std::size_t compress_over_bytes, BlobCodec codec, int zstd_level,
            std::size_t max_decoded_bytes);
  ~BlobCoder();
  BlobCoder(const BlobCoder&) = delete;
  BlobCoder& operator=(const BlobCoder&) = delete;

  // Plain when small, when compression does not shrink it, or if the compressor fails (never an
  // error: the plain bytes are always a valid encoding). With a dictionary, the frame refers to
  // it.
  EncodedBlob encode(std::string_view plain, BlobDictionary* dictionary = nullptr);
  // `dictionary` must be the one the blob was encoded with (nullptr for none); `what` names
  // the blob in error messages ("triages.body of seq 12").
  Result<std::string> decode(std::string_view stored, std::int64_t codec, std::string_view what,
                             BlobDictionary* dictionary = nullptr);
  // Decodes into a buffer the coder reuses, for checks that need only the size; the view is
  // valid until the next call.
  Result<std::string_view> check(std::string_view stored, std::int64_t codec, std::string_view what,
                                 BlobDictionary* dictionary = nullptr);

 private:
  Status decode_into(std::string& out, std::string_view stored, std::int64_t codec,
                     std::string_view what, BlobDictionary* dictionary);
  bool encode_zstd(std::string_view plain, BlobDictionary* dictionary, EncodedBlob& out);
  bool encode_lz4(std::string_view plain, BlobDictionary* dictionary, EncodedBlob& out);
  Status decode_zstd(std::string& out, std::string_view stored, std::string_view what,
                     BlobDictionary* dictionary);
  Status decode_lz4(std::string& out, std::string_view stored, std::string_view what,
                    BlobDictionary* dictionary);

  std::size_t compress_over_bytes_;
  BlobCodec codec_;
  int level_;
  std::size_t max_decoded_bytes_;
  std::string scratch_;
  std::string check_scratch_;
  ZSTD_CCtx_s* cctx_ = nullptr;
  ZSTD_DCtx_s* dctx_ = nullptr;
  LZ4F_cctx_s* lz4_cctx_ = nullptr;
  LZ4F_dctx_s* lz4_dctx_ = nullptr;
};

}  // namespace soc::store
