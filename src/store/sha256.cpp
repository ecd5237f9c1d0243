// SHA-256 for the audit chain, on OpenSSL 3's EVP interface with a fetched, cached algorithm.
#include "store/sha256.hpp"

#include <openssl/evp.h>

#include <charconv>

namespace soc::store {

Sha256::Sha256() {
  md_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md_ != nullptr) ctx_ = EVP_MD_CTX_new();
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(md_);
}

void Sha256::begin() {
  if (ctx_ != nullptr) EVP_DigestInit_ex2(ctx_, md_, nullptr);
}

void Sha256::update(std::string_view bytes) {
  if (ctx_ != nullptr && !bytes.empty()) EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
}

void Sha256::field(std::string_view bytes) {
  std::uint64_t size = bytes.size();
  char prefix[8];
  for (char& byte : prefix) {
    byte = static_cast<char>(size & 0xffU);
    size >>= 8;
  }
  update(std::string_view(prefix, sizeof prefix));
  update(bytes);
}

void Sha256::field(std::int64_t value) {
  char text[24];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  (void)ec;  // 24 characters always hold an int64
  field(std::string_view(text, static_cast<std::size_t>(end - text)));
}

Sha256::Digest Sha256::finish() {
  Digest digest{};
  if (ctx_ != nullptr) {
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_, digest.data(), &size);
  }
  return digest;
}

std::string Sha256::finish_hex() { return to_hex(finish()); }

std::string to_hex(const Sha256::Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(digest.size() * 2, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4];
    hex[2 * i + 1] = kDigits[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace soc::store
