// Checksum validation of cryptocurrency addresses, so a random base58 word is never reported.
#pragma once
#include <string_view>

namespace soc::crypto_address {

// Legacy P2PKH/P2SH (base58check, version 0x00 or 0x05) or SegWit bech32/bech32m ("bc1...")
// mainnet addresses, checksum verified.
bool is_bitcoin(std::string_view text);
// Monero mainnet standard (95 chars, '4'), subaddress (95, '8') or integrated (106, '4')
// addresses, Keccak-256 checksum verified.
bool is_monero(std::string_view text);

}  // namespace soc::crypto_address
