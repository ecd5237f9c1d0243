// zstd encoding and checked decoding of stored blobs, with contexts and dictionaries reused.
#include "store/blob_codec.hpp"

// For ZSTD_c_forceAttachDict, a tuning hint: a zstd that refused it would only be slower.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <fmt/format.h>

#include <utility>

#include "core/sha256.hpp"

namespace soc::store {
namespace {

// Our frames are at most a few MiB; refusing larger windows bounds the memory a crafted frame
// in an altered database can make a streaming decoder allocate.
constexpr int kMaxWindowLog = 24;

}  // namespace

ZstdDictionary::ZstdDictionary(std::int64_t id, std::string content)
    : id_(id), content_(std::move(content)), sha256_(sha256_hex(content_)) {}

ZstdDictionary::~ZstdDictionary() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
}

BlobCoder::BlobCoder(std::size_t compress_over_bytes, int level, std::size_t max_decoded_bytes)
    : compress_over_bytes_(compress_over_bytes),
      level_(level),
      max_decoded_bytes_(max_decoded_bytes),
      cctx_(ZSTD_createCCtx()),
      dctx_(ZSTD_createDCtx()) {
  if (cctx_ != nullptr) {
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_);
    // The content checksum turns silent corruption of a stored blob into a decode error on
    // every read, not only when the audit chain is verified.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_contentSizeFlag, 1);
    // The dictionaries table, not a header id, names a frame's dictionary.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_dictIDFlag, 0);
    // Records are a few KiB: above 8 KiB zstd would copy the dictionary's match tables into
    // the context for every frame (2-4 µs, up to a third of the time per record) rather than
    // read them in place.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_forceAttachDict, ZSTD_dictForceAttach);
  }
  if (dctx_ != nullptr) ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, kMaxWindowLog);
}

BlobCoder::~BlobCoder() {
  ZSTD_freeCCtx(cctx_);
  ZSTD_freeDCtx(dctx_);
}

EncodedBlob BlobCoder::encode(std::string_view plain, ZstdDictionary* dictionary) {
  EncodedBlob out;
  if (plain.size() > compress_over_bytes_ && cctx_ != nullptr) {
    if (dictionary != nullptr &&
        (dictionary->cdict_ == nullptr || dictionary->cdict_level_ != level_)) {
      ZSTD_freeCDict(std::exchange(dictionary->cdict_, nullptr));
      // A dictionary without the zstd magic number is raw content, which is what we store.
      dictionary->cdict_ =
          ZSTD_createCDict(dictionary->content_.data(), dictionary->content_.size(), level_);
      dictionary->cdict_level_ = level_;
    }
    ZSTD_CDict_s* cdict = dictionary != nullptr ? dictionary->cdict_ : nullptr;
    if (dictionary == nullptr || cdict != nullptr) {
      ZSTD_CCtx_refCDict(cctx_, cdict);
      // Compressing into a reused buffer keeps each pending blob at its compressed size rather
      // than at the worst-case bound, which matters with a thousand records in a batch.
      const std::size_t bound = ZSTD_compressBound(plain.size());
      if (scratch_.size() < bound) scratch_.resize(bound);
      const std::size_t size =
          ZSTD_compress2(cctx_, scratch_.data(), scratch_.size(), plain.data(), plain.size());
      if (!ZSTD_isError(size) && size < plain.size()) {
        out.bytes.assign(scratch_.data(), size);
        out.codec = BlobCodec::kZstd;
        if (dictionary != nullptr) out.dictionary_id = dictionary->id();
        return out;
      }
    }
  }
  out.bytes.assign(plain);
  out.codec = BlobCodec::kPlain;
  return out;
}

Status BlobCoder::decode_into(std::string& out, std::string_view stored, std::int64_t codec,
                              std::string_view what, ZstdDictionary* dictionary) {
  if (codec == static_cast<std::int64_t>(BlobCodec::kPlain)) {
    if (dictionary != nullptr) {
      return fail(ErrorCode::kIntegrityError,
                  fmt::format("{} is plain but names dictionary {}", what, dictionary->id()));
    }
    if (stored.size() > max_decoded_bytes_) {
      return fail(ErrorCode::kTooLarge, fmt::format("{} is {} bytes, over the limit of {}", what,
                                                    stored.size(), max_decoded_bytes_));
    }
    out.assign(stored);
    return {};
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
  if (dictionary != nullptr && dictionary->ddict_ == nullptr) {
    dictionary->ddict_ = ZSTD_createDDict(dictionary->content_.data(), dictionary->content_.size());
    if (dictionary->ddict_ == nullptr) {
      return fail(ErrorCode::kStoreError, "zstd could not load a dictionary");
    }
  }
  out.resize(static_cast<std::size_t>(declared));
  const std::size_t size =
      dictionary != nullptr
          ? ZSTD_decompress_usingDDict(dctx_, out.data(), out.size(), stored.data(), stored.size(),
                                       dictionary->ddict_)
          : ZSTD_decompressDCtx(dctx_, out.data(), out.size(), stored.data(), stored.size());
  if (ZSTD_isError(size) || size != out.size()) {
    ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only);
    return fail(ErrorCode::kIntegrityError,
                fmt::format("{} does not decompress (corrupt data: {})", what,
                            ZSTD_isError(size) ? ZSTD_getErrorName(size) : "size mismatch"));
  }
  return {};
}

Result<std::string> BlobCoder::decode(std::string_view stored, std::int64_t codec,
                                      std::string_view what, ZstdDictionary* dictionary) {
  std::string plain;
  if (auto decoded = decode_into(plain, stored, codec, what, dictionary); !decoded) {
    return std::unexpected(decoded.error());
  }
  return plain;
}

Result<std::string_view> BlobCoder::check(std::string_view stored, std::int64_t codec,
                                          std::string_view what, ZstdDictionary* dictionary) {
  if (auto decoded = decode_into(check_scratch_, stored, codec, what, dictionary); !decoded) {
    return std::unexpected(decoded.error());
  }
  return std::string_view(check_scratch_);
}

}  // namespace soc::store
