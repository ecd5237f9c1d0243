// libFuzzer target for the extractor, with a differential check of the SIMD block classifiers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/block_masks.hpp"
#include "extract/extractor.hpp"
#include "extract/public_suffix.hpp"
#include "extract/scanner.hpp"

namespace {

using soc::extract_detail::BlockMaskFn;
using soc::extract_detail::Found;

const soc::PublicSuffixList& suffixes() {
  static const auto list = soc::PublicSuffixList::load(std::string(soc::kDefaultPublicSuffixPath));
  return *list;
}

std::vector<Found> scan(BlockMaskFn fn, std::string_view text) {
  soc::extract_detail::ScanConfig config;
  config.suffixes = &suffixes();
  config.max_url_bytes = 8192;
  std::vector<Found> found;
  soc::ExtractReport report;
  soc::extract_detail::FoundSink sink(found, 1u << 20, report);
  soc::extract_detail::scan_text(config, text, sink, fn);
  return found;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto extractor = soc::make_extractor();
  // The first byte picks the field name, so user/host/process rules are fuzzed too.
  static const char* kFields[] = {"message", "user.name", "host.name", "process.executable"};
  std::string_view field = size ? kFields[data[0] % 4] : "message";
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size) text.remove_prefix(1);

  std::vector<soc::FoundObservable> out;
  soc::ExtractReport report;
  extractor->extract_found(text, field, out, report);
  for (const auto& f : out) {
    if (f.observable.value.empty()) __builtin_trap();
    if (std::size_t(f.observable.offset) + f.length > text.size()) __builtin_trap();
    if (f.observable.original != text.substr(f.observable.offset, f.length)) __builtin_trap();
  }
  if (report.bytes_scanned != text.size()) __builtin_trap();

  auto reference = scan(&soc::extract_detail::block_masks_scalar, text);
  for (BlockMaskFn fn :
       {&soc::extract_detail::block_masks_sse2, &soc::extract_detail::block_masks_avx2,
        &soc::extract_detail::block_masks_avx512}) {
    if (fn == &soc::extract_detail::block_masks_avx2 && !soc::extract_detail::cpu_has_avx2())
      continue;
    if (fn == &soc::extract_detail::block_masks_avx512 && !soc::extract_detail::cpu_has_avx512())
      continue;
    auto got = scan(fn, text);
    if (got.size() != reference.size()) __builtin_trap();
    for (std::size_t i = 0; i < got.size(); ++i)
      if (got[i].value != reference[i].value || got[i].start != reference[i].start)
        __builtin_trap();
  }
  return 0;
}
