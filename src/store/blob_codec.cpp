// zstd encoding and checked decoding of stored blobs, with contexts reused across calls.
#include "store/blob_codec.hpp"

#include <zstd.h>

#include <fmt/format.h>

namespace soc::store {
namespace {

// Our frames are at most a few MiB; refusing larger windows bounds the memory a crafted frame
// in an altered database can make the decoder allocate.
constexpr int kMaxWindowLog = 24;

}  // namespace

BlobCoder::BlobCoder(std::size_t compress_over_bytes, int level, std::size_t max_decoded_bytes)
    : compress_over_bytes_(compress_over_bytes),
      level_(level),
      max_decoded_bytes_(max_decoded_bytes),
      cctx_(ZSTD_createCCtx()),
      dctx_(ZSTD_createDCtx()) {
  if (cctx_ != nullptr) {
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_);
    // The content checksum turns silent corruption of a stored blob into a decode error.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 1);
  }
  if (dctx_ != nullptr) ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, kMaxWindowLog);
}

BlobCoder::~BlobCoder() {
  ZSTD_freeCCtx(cctx_);
  ZSTD_freeDCtx(dctx_);
}

EncodedBlob BlobCoder::encode(std::string_view plain) {
  EncodedBlob out;
  if (plain.size() > compress_over_bytes_ && cctx_ != nullptr) {
    // Compressing into a reused buffer keeps each pending blob at its compressed size rather
    // than at the worst-case bound, which matters with a thousand records in a batch.
    const std::size_t bound = ZSTD_compressBound(plain.size());
    if (scratch_.size() < bound) scratch_.resize(bound);
    const std::size_t size =
        ZSTD_compress2(cctx_, scratch_.data(), scratch_.size(), plain.data(), plain.size());
    if (!ZSTD_isError(size) && size < plain.size()) {
      out.bytes.assign(scratch_.data(), size);
      out.codec = BlobCodec::kZstd;
      return out;
    }
  }
  out.bytes.assign(plain);
  out.codec = BlobCodec::kPlain;
  return out;
}

Result<std::string> BlobCoder::decode(std::string_view stored, std::int64_t codec,
                                      std::string_view what) {
  if (codec == static_cast<std::int64_t>(BlobCodec::kPlain)) {
    if (stored.size() > max_decoded_bytes_) {
      return fail(ErrorCode::kTooLarge, fmt::format("{} is {} bytes, over the limit of {}", what,
                                                    stored.size(), max_decoded_bytes_));
    }
    return std::string(stored);
  }
  if (codec != static_cast<std::int64_t>(BlobCodec::kZstd)) {
    return fail(ErrorCode::kIntegrityError, fmt::format("{} has unknown codec {}", what, codec));
  }
  if (dctx_ == nullptr) return fail(ErrorCode::kStoreError, "zstd decoder unavailable");
  const unsigned long long declared = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN) {
    return fail(ErrorCode::kIntegrityError,
                fmt::format("{} is not a valid zstd frame (corrupt data)", what));
  }
  if (declared > max_decoded_bytes_) {
    return fail(ErrorCode::kTooLarge,
                fmt::format("{} would decompress to {} bytes, over the limit of {}", what, declared,
                            max_decoded_bytes_));
  }
  std::string plain(static_cast<std::size_t>(declared), '\0');
  const std::size_t size =
      ZSTD_decompressDCtx(dctx_, plain.data(), plain.size(), stored.data(), stored.size());
  if (ZSTD_isError(size) || size != plain.size()) {
    ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only);
    return fail(ErrorCode::kIntegrityError,
                fmt::format("{} does not decompress (corrupt data: {})", what,
                            ZSTD_isError(size) ? ZSTD_getErrorName(size) : "size mismatch"));
  }
  return plain;
}

}  // namespace soc::store
