// Stored-blob codec: zstd above a size threshold, and bounded, checked decompression.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace soc::store {

// Stored in the *codec columns; append only.
enum class BlobCodec : std::int64_t { kPlain = 0, kZstd = 1 };

struct EncodedBlob {
  std::string bytes;
  BlobCodec codec = BlobCodec::kPlain;
};

class BlobCoder {
 public:
  BlobCoder(std::size_t compress_over_bytes, int level, std::size_t max_decoded_bytes);
  ~BlobCoder();
  BlobCoder(const BlobCoder&) = delete;
  BlobCoder& operator=(const BlobCoder&) = delete;

  // Plain when small, when compression does not shrink it, or if zstd fails (never an error:
  // the plain bytes are always a valid encoding).
  EncodedBlob encode(std::string_view plain);
  // `what` names the blob in error messages ("alerts.raw of seq 12").
  Result<std::string> decode(std::string_view stored, std::int64_t codec, std::string_view what);

 private:
  std::size_t compress_over_bytes_;
  int level_;
  std::size_t max_decoded_bytes_;
  std::string scratch_;
  ZSTD_CCtx_s* cctx_ = nullptr;
  ZSTD_DCtx_s* dctx_ = nullptr;
};

}  // namespace soc::store
