// Incremental SHA-256 over OpenSSL EVP, reusable across messages so the audit chain pays no
// per-record algorithm lookup or context allocation.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_st;
struct evp_md_ctx_st;

namespace soc::store {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // False only when OpenSSL could not provide SHA-256 (a broken installation); every other
  // method is then a no-op and finish() yields an all-zero digest.
  bool usable() const { return ctx_ != nullptr; }

  void begin();
  void update(std::string_view bytes);
  // A length-prefixed field (8-byte little-endian length, then the bytes), so that a sequence
  // of fields has exactly one encoding and no field can absorb its neighbour.
  void field(std::string_view bytes);
  void field(std::int64_t value);  // the decimal text of the value, as a field
  Digest finish();
  std::string finish_hex();

 private:
  evp_md_st* md_ = nullptr;
  evp_md_ctx_st* ctx_ = nullptr;
};

std::string to_hex(const Sha256::Digest& digest);

}  // namespace soc::store
