// LZ4 and zstd encoding and checked decoding of stored blobs, with contexts and dictionaries
// reused.
#include "store/blob_codec.hpp"

// For ZSTD_c_forceAttachDict, a tuning hint: a zstd that refused it would only be slower.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
// For the digested-dictionary calls (LZ4F_createCDict, LZ4F_compressFrame_usingCDict,
// LZ4F_decompress_usingDict): liblz4 1.9 exports them from the shared library, and the frame
// format they write is the documented, stable one.
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4frame.h>

#include <fmt/format.h>

#include <utility>

#include "core/sha256.hpp"

namespace soc::store {
namespace {

// Our frames are at most a few MiB; refusing larger windows bounds the memory a crafted frame
// in an altered database can make a streaming decoder allocate.
constexpr int kMaxWindowLog = 24;

}  // namespace

BlobDictionary::BlobDictionary(std::int64_t id, std::string content)
    : id_(id), content_(std::move(content)), sha256_(sha256_hex(content_)) {}

BlobDictionary::~BlobDictionary() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
  LZ4F_freeCDict(lz4_cdict_);
}

std::string_view BlobDictionary::lz4_history() const {
  const std::string_view all(content_);
  return all.size() > kLz4HistoryBytes ? all.substr(all.size() - kLz4HistoryBytes) : all;
}

BlobCoder::BlobCoder(std::size_t compress_over_bytes, BlobCodec codec, int zstd_level,
                     std::size_t max_decoded_bytes)
    : compress_over_bytes_(compress_over_bytes),
      codec_(codec),
      level_(zstd_level),
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
  if (LZ4F_isError(LZ4F_createCompressionContext(&lz4_cctx_, LZ4F_VERSION))) lz4_cctx_ = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&lz4_dctx_, LZ4F_VERSION))) lz4_dctx_ = nullptr;
}

BlobCoder::~BlobCoder() {
  ZSTD_freeCCtx(cctx_);
  ZSTD_freeDCtx(dctx_);
  LZ4F_freeCompressionContext(lz4_cctx_);
  LZ4F_freeDecompressionContext(lz4_dctx_);
}

EncodedBlob BlobCoder::encode(std::string_view plain, BlobDictionary* dictionary) {
  EncodedBlob out;
  if (plain.size() > compress_over_bytes_) {
    const bool compressed = codec_ == BlobCodec::kLz4 ? encode_lz4(plain, dictionary, out)
                                                      : encode_zstd(plain, dictionary, out);
    if (compressed) return out;
  }
  out.bytes.assign(plain);
  out.codec = BlobCodec::kPlain;
  out.dictionary_id.reset();
  return out;
}

bool BlobCoder::encode_lz4(std::string_view plain, BlobDictionary* dictionary, EncodedBlob& out) {
  if (lz4_cctx_ == nullptr) return false;
  if (dictionary != nullptr && dictionary->lz4_cdict_ == nullptr) {
    const std::string_view history = dictionary->lz4_history();
    dictionary->lz4_cdict_ = LZ4F_createCDict(history.data(), history.size());
    if (dictionary->lz4_cdict_ == nullptr) return false;
  }
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.blockSizeID = LZ4F_max4MB;
  // One block per record: linking blocks gains nothing, and a linked frame makes LZ4F save
  // 64 KiB of history after every call.
  preferences.frameInfo.blockMode = LZ4F_blockIndependent;
  // Acceleration 2 (LZ4F takes it as a negative level): on bodies full of hashes and base64
  // (bench/store_bench.cpp) it halves the time of acceleration 1 for 1% more bytes; on
  // template-like decisions (bench/triage_bench.cpp) the time is the same and the bytes 3% more.
  preferences.compressionLevel = -2;
  // The size in the header lets a reader allocate once and refuse oversized frames up front.
  preferences.frameInfo.contentSize = plain.size();
  // No content checksum: XXH32 would cost more than the compression itself, and every stored
  // byte is already covered by the audit chain's SHA-256 (see src/store/README.md).
  preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  const std::size_t bound = LZ4F_compressFrameBound(plain.size(), &preferences);
  if (scratch_.size() < bound) scratch_.resize(bound);
  const std::size_t size = LZ4F_compressFrame_usingCDict(
      lz4_cctx_, scratch_.data(), scratch_.size(), plain.data(), plain.size(),
      dictionary != nullptr ? dictionary->lz4_cdict_ : nullptr, &preferences);
  if (LZ4F_isError(size) || size >= plain.size()) return false;
  out.bytes.assign(scratch_.data(), size);
  out.codec = BlobCodec::kLz4;
  if (dictionary != nullptr) out.dictionary_id = dictionary->id();
  return true;
}

bool BlobCoder::encode_zstd(std::string_view plain, BlobDictionary* dictionary, EncodedBlob& out) {
  if (cctx_ == nullptr) return false;
  if (dictionary != nullptr &&
      (dictionary->cdict_ == nullptr || dictionary->cdict_level_ != level_)) {
    ZSTD_freeCDict(std::exchange(dictionary->cdict_, nullptr));
    // A dictionary without the zstd magic number is raw content, which is what we store.
    dictionary->cdict_ =
        ZSTD_createCDict(dictionary->content_.data(), dictionary->content_.size(), level_);
    dictionary->cdict_level_ = level_;
  }
  ZSTD_CDict_s* cdict = dictionary != nullptr ? dictionary->cdict_ : nullptr;
  if (dictionary != nullptr && cdict == nullptr) return false;
  ZSTD_CCtx_refCDict(cctx_, cdict);
  // Compressing into a reused buffer keeps each pending blob at its compressed size rather
  // than at the worst-case bound, which matters with a thousand records in a batch.
  const std::size_t bound = ZSTD_compressBound(plain.size());
  if (scratch_.size() < bound) scratch_.resize(bound);
  const std::size_t size =
      ZSTD_compress2(cctx_, scratch_.data(), scratch_.size(), plain.data(), plain.size());
  if (ZSTD_isError(size) || size >= plain.size()) return false;
  out.bytes.assign(scratch_.data(), size);
  out.codec = BlobCodec::kZstd;
  if (dictionary != nullptr) out.dictionary_id = dictionary->id();
  return true;
}

Status BlobCoder::decode_into(std::string& out, std::string_view stored, std::int64_t codec,
                              std::string_view what, BlobDictionary* dictionary) {
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
  if (codec == static_cast<std::int64_t>(BlobCodec::kLz4))
    return decode_lz4(out, stored, what, dictionary);
  if (codec == static_cast<std::int64_t>(BlobCodec::kZstd))
    return decode_zstd(out, stored, what, dictionary);
  return fail(ErrorCode::kIntegrityError, fmt::format("{} has unknown codec {}", what, codec));
}

Status BlobCoder::decode_lz4(std::string& out, std::string_view stored, std::string_view what,
                             BlobDictionary* dictionary) {
  if (lz4_dctx_ == nullptr) return fail(ErrorCode::kStoreError, "LZ4 decoder unavailable");
  auto corrupt = [&](std::string_view why) {
    LZ4F_resetDecompressionContext(lz4_dctx_);
    return fail(ErrorCode::kIntegrityError,
                fmt::format("{} does not decompress (corrupt data: {})", what, why));
  };
  LZ4F_frameInfo_t info{};
  std::size_t header_size = stored.size();
  const std::size_t hint = LZ4F_getFrameInfo(lz4_dctx_, &info, stored.data(), &header_size);
  if (LZ4F_isError(hint)) return corrupt(LZ4F_getErrorName(hint));
  // Our frames always declare their size; one that does not was not written by this store.
  if (info.contentSize == 0) return corrupt("the frame does not declare its size");
  if (info.contentSize > max_decoded_bytes_) {
    LZ4F_resetDecompressionContext(lz4_dctx_);
    return fail(ErrorCode::kTooLarge,
                fmt::format("{} would decompress to {} bytes, over the limit of {}", what,
                            info.contentSize, max_decoded_bytes_));
  }
  out.resize(static_cast<std::size_t>(info.contentSize));
  const std::string_view history =
      dictionary != nullptr ? dictionary->lz4_history() : std::string_view();
  std::size_t produced = out.size();
  std::size_t consumed = stored.size() - header_size;
  const std::size_t left =
      LZ4F_decompress_usingDict(lz4_dctx_, out.data(), &produced, stored.data() + header_size,
                                &consumed, history.data(), history.size(), nullptr);
  if (LZ4F_isError(left)) return corrupt(LZ4F_getErrorName(left));
  // 0: the frame ended exactly here, with every declared byte produced and nothing left over.
  if (left != 0 || produced != out.size() || header_size + consumed != stored.size())
    return corrupt("size mismatch");
  return {};
}

Status BlobCoder::decode_zstd(std::string& out, std::string_view stored, std::string_view what,
                              BlobDictionary* dictionary) {
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
                                      std::string_view what, BlobDictionary* dictionary) {
  std::string plain;
  if (auto decoded = decode_into(plain, stored, codec, what, dictionary); !decoded) {
    return std::unexpected(decoded.error());
  }
  return plain;
}

Result<std::string_view> BlobCoder::check(std::string_view stored, std::int64_t codec,
                                          std::string_view what, BlobDictionary* dictionary) {
  if (auto decoded = decode_into(check_scratch_, stored, codec, what, dictionary); !decoded) {
    return std::unexpected(decoded.error());
  }
  return std::string_view(check_scratch_);
}

}  // namespace soc::store
