// Extractor behaviour beyond single cases: offsets, limits, threads, the suffix list, IDN.
#include "extract/extractor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "extract/crypto_address.hpp"
#include "extract/idna.hpp"
#include "extract/public_suffix.hpp"

namespace {

std::vector<soc::FoundObservable> find(const soc::Extractor& extractor, std::string_view text,
                                       soc::ExtractReport* report_out = nullptr) {
  std::vector<soc::FoundObservable> out;
  soc::ExtractReport report;
  extractor.extract_found(text, "message", out, report);
  if (report_out) *report_out = report;
  return out;
}

TEST(Extractor, KeepsOriginalSpanFieldAndOffset) {
  auto extractor = soc::make_extractor();
  std::string text = "go to hxxps://evil[.]com/x now";
  std::vector<soc::Observable> out;
  soc::ExtractReport report;
  extractor->extract(text, "email.body", out, report);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, soc::ObservableType::kUrl);
  EXPECT_EQ(out[0].field, "email.body");
  EXPECT_EQ(out[0].offset, 6u);
  auto found = find(*extractor, text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(text.substr(found[0].observable.offset, found[0].length), "hxxps://evil[.]com/x");
  EXPECT_EQ(text.substr(found[1].observable.offset, found[1].length), "evil[.]com");
  EXPECT_EQ(report.bytes_scanned, text.size());
}

TEST(Extractor, KeepsTheTextAsWrittenBesideTheNormalizedValue) {
  auto extractor = soc::make_extractor();
  std::string text = "go to hxxps://Evil[.]com/x now, mail Bob@Corp(.)FR";
  std::vector<soc::Observable> out;
  soc::ExtractReport report;
  extractor->extract(text, "email.body", out, report);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].value, "https://evil.com/x");
  EXPECT_EQ(out[0].original, "hxxps://Evil[.]com/x");
  EXPECT_EQ(out[1].value, "evil.com");
  EXPECT_EQ(out[1].original, "Evil[.]com");
  EXPECT_EQ(out[2].value, "bob@corp.fr");
  EXPECT_EQ(out[2].original, "Bob@Corp(.)FR");
  EXPECT_EQ(out[3].original, "Corp(.)FR");
  for (const auto& f : find(*extractor, text))
    EXPECT_EQ(f.observable.original, text.substr(f.observable.offset, f.length));
  // Field rules: the whole trimmed value, as written.
  out.clear();
  extractor->extract("  WKS-01 ", "host.name", out, report);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].value, "wks-01");
  EXPECT_EQ(out[0].original, "WKS-01");
}

TEST(Extractor, ReportsFirstOccurrenceOnly) {
  auto extractor = soc::make_extractor();
  auto found = find(*extractor, "8.8.8.8 then 8.8.8.8 and 8[.]8[.]8[.]8");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].observable.offset, 0u);
}

TEST(Extractor, CountsWhatIsOverTheTextLimitInsteadOfCuttingSilently) {
  soc::ExtractLimits limits;
  limits.max_text_bytes = 16;
  auto extractor = soc::make_extractor(limits);
  soc::ExtractReport report;
  auto found = find(*extractor, "1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4", &report);
  EXPECT_EQ(report.bytes_scanned, 16u);
  EXPECT_EQ(report.bytes_skipped, 15u);
  EXPECT_EQ(found.size(), 2u);
}

TEST(Extractor, CountsObservablesOverTheCap) {
  soc::ExtractLimits limits;
  limits.max_observables = 3;
  auto extractor = soc::make_extractor(limits);
  soc::ExtractReport report;
  auto found = find(*extractor, "1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 5.5.5.5", &report);
  EXPECT_EQ(found.size(), 3u);
  EXPECT_EQ(report.observables_dropped, 2u);  // repeats of a kept or dropped value count once
}

TEST(Extractor, CountsOversizeUrlsAndKeepsTheirHost) {
  soc::ExtractLimits limits;
  limits.max_url_bytes = 40;
  auto extractor = soc::make_extractor(limits);
  soc::ExtractReport report;
  auto found = find(*extractor, "https://evil.com/" + std::string(100, 'a'), &report);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].observable.type, soc::ObservableType::kDomain);
  EXPECT_EQ(report.oversize_rejected, 1u);
}

TEST(Extractor, CountsAmbiguousOctalAddresses) {
  auto extractor = soc::make_extractor();
  soc::ExtractReport report;
  auto found = find(*extractor, "beacon to 010.010.010.010", &report);
  EXPECT_TRUE(found.empty());
  EXPECT_EQ(report.ambiguous_ip_rejected, 1u);
}

TEST(Extractor, SameResultsFromManyThreads) {
  auto extractor = soc::make_extractor();
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "src 10.0." + std::to_string(i) + ".1 url hxxp://host" + std::to_string(i) +
            "[.]example.com/p C:\\Temp\\f" + std::to_string(i) + ".exe ";
  auto expected = find(*extractor, text);
  ASSERT_EQ(expected.size(), 800u);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        auto got = find(*extractor, text);
        if (got.size() != expected.size()) {
          ++mismatches[static_cast<std::size_t>(t)];
          continue;
        }
        for (std::size_t i = 0; i < got.size(); ++i)
          if (got[i].observable.value != expected[i].observable.value)
            ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(Extractor, FallsBackToBuiltinSuffixesAndSaysSo) {
  auto extractor = soc::make_extractor({}, "/nonexistent/public_suffix_list.dat");
  EXPECT_TRUE(extractor->suffix_list().builtin);
  EXPECT_GT(extractor->suffix_list().rules, 50u);
  auto found = find(*extractor, "evil.com and evil.co.uk and x.notatld");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].observable.value, "evil.co.uk");
}

TEST(Extractor, ReadsTheDebianSuffixList) {
  auto extractor = soc::make_extractor();
  EXPECT_FALSE(extractor->suffix_list().builtin);
  EXPECT_EQ(extractor->suffix_list().source, soc::kDefaultPublicSuffixPath);
  EXPECT_GT(extractor->suffix_list().rules, 5000u);
}

TEST(PublicSuffixList, CountsSuffixLabels) {
  auto list = soc::PublicSuffixList::load(std::string(soc::kDefaultPublicSuffixPath));
  EXPECT_EQ(list->suffix_labels("www.example.com", 3), 1u);
  EXPECT_EQ(list->suffix_labels("bbc.co.uk", 3), 2u);
  EXPECT_EQ(list->suffix_labels("foo.kawasaki.jp", 3), 3u);   // *.kawasaki.jp
  EXPECT_EQ(list->suffix_labels("city.kawasaki.jp", 3), 2u);  // !city.kawasaki.jp
  EXPECT_EQ(list->suffix_labels("x.notatld", 2), 0u);
  EXPECT_TRUE(list->is_tld("xn--p1ai"));  // the list spells it "рф"
}

TEST(Idna, EncodesPunycode) {
  std::string out;
  ASSERT_TRUE(soc::idna::label_to_ascii("münchen", out));
  EXPECT_EQ(out, "xn--mnchen-3ya");
  out.clear();
  ASSERT_TRUE(soc::idna::label_to_ascii("ПРИМЕР", out));  // upper-case Cyrillic folds
  EXPECT_EQ(out, "xn--e1afmkfd");
  out.clear();
  ASSERT_TRUE(soc::idna::label_to_ascii("MiXeD", out));
  EXPECT_EQ(out, "mixed");
  out.clear();
  EXPECT_FALSE(soc::idna::label_to_ascii("a\xe2\x80\x99s", out));  // U+2019 is no letter
}

TEST(CryptoAddress, ChecksChecksums) {
  EXPECT_TRUE(soc::crypto_address::is_bitcoin("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
  EXPECT_FALSE(soc::crypto_address::is_bitcoin("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
  EXPECT_TRUE(soc::crypto_address::is_bitcoin("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
  // A bech32m string with version 0 (or the reverse) must fail.
  EXPECT_FALSE(soc::crypto_address::is_bitcoin(
      "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv4"));
  EXPECT_TRUE(soc::crypto_address::is_monero(
      "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684"
      "Rge"));
  EXPECT_FALSE(soc::crypto_address::is_monero(std::string(95, '4')));
}

TEST(Extractor, NeverThrowsOnArbitraryBytes) {
  auto extractor = soc::make_extractor();
  std::string text;
  std::uint32_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1103515245u + 12345u;
    text.push_back(static_cast<char>(state >> 24));
  }
  soc::ExtractReport report;
  std::vector<soc::Observable> out;
  EXPECT_NO_THROW(extractor->extract(text, "raw", out, report));
  EXPECT_EQ(report.bytes_scanned, text.size());
}

}  // namespace
