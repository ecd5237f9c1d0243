// The offline providers: vendor response files, the MISP feed and the lists under intel/.
#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/sha256.hpp"
#include "core/strings.hpp"
#include "enrich/caching_provider.hpp"
#include "enrich/intel_lists.hpp"
#include "enrich/ip_address.hpp"
#include "enrich/json_fields.hpp"
#include "enrich/misp_index.hpp"
#include "enrich/offline.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {
using enrich_detail::CachingProvider;
using enrich_detail::type_bit;

constexpr std::uintmax_t kMaxResponseBytes = 64u << 20;
constexpr std::size_t kMaxRdapNetworkFiles = 10'000;

constexpr std::uint32_t kIpTypes =
    type_bit(ObservableType::kIpv4) | type_bit(ObservableType::kIpv6);
constexpr std::uint32_t kHashTypes = type_bit(ObservableType::kMd5) |
                                     type_bit(ObservableType::kSha1) |
                                     type_bit(ObservableType::kSha256);

// ---------------------------------------------------------------------------------------------
// File names derived from observables.

struct FileIds {
  std::vector<std::pair<std::string_view, std::string>> ids;  // (folder, id), preferred first
  std::string refusal;                                        // set when the value was rejected
};

FileIds refuse(std::string why) {
  FileIds out;
  out.refusal = std::move(why);
  return out;
}

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string domain_id(std::string_view value) {
  value = trim(value);
  if (!value.empty() && value.back() == '.') value.remove_suffix(1);
  return to_lower(value);
}

// "http://host" -> also "http://host/": VirusTotal identifies the URL with the slash.
std::vector<std::string> url_spellings(std::string_view url) {
  std::vector<std::string> out{std::string(url)};
  const auto scheme = url.find("://");
  if (scheme != std::string_view::npos &&
      url.find_first_of("/?#", scheme + 3) == std::string_view::npos)
    out.push_back(std::string(url) + "/");
  return out;
}

void add_url_ids(FileIds& out, std::string_view folder, std::string_view url) {
  for (const std::string& spelling : url_spellings(trim(url))) {
    std::string encoded = virustotal_url_id(spelling);
    if (encoded.size() <= kMaxFileIdBytes) out.ids.emplace_back(folder, std::move(encoded));
    out.ids.emplace_back(folder, sha256_hex(spelling));
  }
}

FileIds ip_ids(std::string_view folder, const Observable& observable) {
  auto canonical = enrich_detail::canonical_ip_text(trim(observable.value));
  if (!canonical) return refuse("value is not an IP address");
  FileIds out;
  out.ids.emplace_back(folder, std::move(*canonical));
  return out;
}

FileIds checked_single(std::string_view folder, std::string id) {
  if (!is_safe_file_id(id)) return refuse("value cannot name a file (path characters or length)");
  FileIds out;
  out.ids.emplace_back(folder, std::move(id));
  return out;
}

FileIds virustotal_ids(const Observable& observable) {
  if (is_hash(observable.type)) {
    std::string id = to_lower(trim(observable.value));
    if (!is_hex(id)) return refuse("value is not a hex digest");
    return checked_single("virustotal/files", std::move(id));
  }
  if (is_ip(observable.type)) return ip_ids("virustotal/ip_addresses", observable);
  if (observable.type == ObservableType::kDomain)
    return checked_single("virustotal/domains", domain_id(observable.value));
  if (observable.type == ObservableType::kUrl) {
    FileIds out;
    add_url_ids(out, "virustotal/urls", observable.value);
    return out;
  }
  return refuse("unsupported type");
}

FileIds rdap_ids(const Observable& observable) {
  if (is_ip(observable.type)) return ip_ids("rdap/ip", observable);
  std::string domain = domain_id(observable.value);
  if (!is_safe_file_id(domain))
    return refuse("value cannot name a file (path characters or length)");
  FileIds out;
  // Registration happens at the registrable domain: walk up to it, never to a bare TLD.
  std::string_view name = domain;
  while (true) {
    out.ids.emplace_back("rdap/domain", std::string(name));
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) break;
    const std::string_view parent = name.substr(dot + 1);
    if (parent.find('.') == std::string_view::npos) break;
    name = parent;
  }
  return out;
}

FileIds opencti_ids(const Observable& observable) {
  if (is_ip(observable.type)) return ip_ids("opencti", observable);
  if (observable.type == ObservableType::kUrl) {
    FileIds out;
    add_url_ids(out, "opencti", observable.value);
    return out;
  }
  return checked_single("opencti", to_lower(trim(observable.value)));
}

FileIds file_ids(std::string_view provider, const Observable& observable) {
  if (provider == "virustotal") return virustotal_ids(observable);
  if (provider == "abuseipdb" || provider == "greynoise" || provider == "shodan")
    return ip_ids(provider, observable);
  if (provider == "rdap") return rdap_ids(observable);
  if (provider == "opencti") return opencti_ids(observable);
  return refuse("provider keeps no files");
}

// ---------------------------------------------------------------------------------------------
// One listed folder of response files.

std::optional<std::string> read_whole_file(const std::filesystem::path& path, std::string& error) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = ec.message();
    return std::nullopt;
  }
  if (size > kMaxResponseBytes) {
    error = fmt::format("{} bytes, over the {} byte limit", size, kMaxResponseBytes);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class IntelFolder {
 public:
  enum class Naming { kLowerCase, kExact, kIpAddress };
  struct File {
    std::string stem;  // as spelled on disk
    bool has_meta = false;
  };

  IntelFolder(std::filesystem::path dir, std::string label, Naming naming)
      : dir_(std::move(dir)), label_(std::move(label)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir_, ec)) return;
    std::unordered_set<std::string> meta_stems;
    constexpr std::string_view kMeta = ".meta.json";
    constexpr std::string_view kJson = ".json";
    for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      const std::string name = entry.path().filename().string();
      if (name.ends_with(kMeta)) {
        meta_stems.insert(name.substr(0, name.size() - kMeta.size()));
        continue;
      }
      if (!name.ends_with(kJson) || name.size() == kJson.size()) continue;
      std::string stem = name.substr(0, name.size() - kJson.size());
      files_.try_emplace(key_of(stem, naming), File{stem, false});
    }
    for (auto& [key, file] : files_) file.has_meta = meta_stems.contains(file.stem);
  }

  const File* find(std::string_view id) const {
    auto it = files_.find(id);
    return it == files_.end() ? nullptr : &it->second;
  }
  std::filesystem::path path_of(const File& file) const { return dir_ / (file.stem + ".json"); }
  std::filesystem::path meta_path_of(const File& file) const {
    return dir_ / (file.stem + ".meta.json");
  }
  const std::string& label() const { return label_; }
  template <class Visit>
  void for_each_file(Visit visit) const {
    for (const auto& [key, file] : files_) visit(file);
  }

 private:
  static std::string key_of(const std::string& stem, Naming naming) {
    switch (naming) {
      case Naming::kExact:
        return stem;
      case Naming::kIpAddress:
        if (auto ip = enrich_detail::canonical_ip_text(stem)) return *ip;
        return to_lower(stem);
      case Naming::kLowerCase:
        return to_lower(stem);
    }
    return stem;
  }

  std::filesystem::path dir_;
  std::string label_;
  std::unordered_map<std::string, File, enrich_detail::TransparentStringHash, std::equal_to<>>
      files_;
};

std::optional<TimestampMs> read_fetched_at(const std::filesystem::path& path) {
  std::string error;
  auto text = read_whole_file(path, error);
  if (!text) return std::nullopt;
  auto parsed = enrich_detail::parse_body(*text, "meta");
  if (!parsed) return std::nullopt;
  const auto* fetched = enrich_detail::member(&*parsed, "fetched_at");
  return enrich_detail::time_of(fetched);
}

// ---------------------------------------------------------------------------------------------
// Providers over response files.

using Parser = Result<Enrichment> (*)(std::string_view, const Observable&);

struct FolderSpec {
  std::string label;  // "virustotal/files": path under intel/ and key used by file_ids()
  IntelFolder::Naming naming;
};

class FileProvider : public CachingProvider {
 public:
  FileProvider(const std::filesystem::path& intel_dir, std::string name, double reliability,
               std::uint32_t types, Parser parser, const std::vector<FolderSpec>& folders)
      : CachingProvider(std::move(name), reliability, types), parser_(parser) {
    folders_.reserve(folders.size());  // IntelFolder addresses must stay put
    for (const FolderSpec& spec : folders)
      folders_.emplace_back(intel_dir / spec.label, spec.label, spec.naming);
  }

 protected:
  const IntelFolder* folder(std::string_view label) const {
    for (const IntelFolder& candidate : folders_)
      if (candidate.label() == label) return &candidate;
    return nullptr;
  }

  // Fills `out` from one response file; true when the answer may be kept.
  bool answer_from_file(const IntelFolder& folder, const IntelFolder::File& file,
                        const Observable& observable, Enrichment& out) const {
    const std::string where = fmt::format("{}/{}.json", folder.label(), file.stem);
    std::string read_error;
    auto body = read_whole_file(folder.path_of(file), read_error);
    if (!body) {
      out.status = LookupStatus::kError;
      out.error = fmt::format("{}: cannot read {}: {}", name(), where, read_error);
      return false;
    }
    auto parsed = parser_(*body, observable);
    if (parsed) {
      out = std::move(*parsed);
    } else {
      out.status = LookupStatus::kError;
      out.error = fmt::format("{} (in {})", parsed.error().message, where);
    }
    if (out.status != LookupStatus::kOk && out.status != LookupStatus::kNotFound)
      out.verdict = Verdict::kUnknown;  // a failed lookup never vouches for anything
    if (file.has_meta) out.fetched_at = read_fetched_at(folder.meta_path_of(file));
    return true;
  }

  // Called when no file is named after the observable; answers like resolve(), or nothing.
  virtual std::optional<bool> fallback(const Observable&, Enrichment&) const {
    return std::nullopt;
  }

 private:
  bool resolve(const Observable& observable, Enrichment& out) const final {
    FileIds ids = file_ids(name(), observable);
    if (!ids.refusal.empty()) {
      out.status = LookupStatus::kSkipped;
      out.error = fmt::format("{}: lookup refused: {}", name(), ids.refusal);
      return false;
    }
    for (const auto& [label, id] : ids.ids) {
      if (!is_safe_file_id(id)) continue;
      const IntelFolder* dir = folder(label);
      if (dir == nullptr) continue;
      if (const IntelFolder::File* file = dir->find(id))
        return answer_from_file(*dir, *file, observable, out);
    }
    if (auto cacheable = fallback(observable, out)) return *cacheable;
    // No message: "not found" says it all, and misses are the hot path.
    out.status = LookupStatus::kNotFound;
    return false;
  }

  Parser parser_;
  std::vector<IntelFolder> folders_;
};

// RDAP answers for IPs are network objects: one file covers a whole range, so an IP without a
// file of its own takes the narrowest network file that contains it.
class RdapProvider final : public FileProvider {
 public:
  explicit RdapProvider(const std::filesystem::path& intel_dir)
      : FileProvider(intel_dir, "rdap", default_reliability::kRdap,
                     type_bit(ObservableType::kDomain) | kIpTypes, &parse_rdap_response,
                     {{"rdap/domain", IntelFolder::Naming::kLowerCase},
                      {"rdap/ip", IntelFolder::Naming::kIpAddress}}) {}

 private:
  struct Network {
    enrich_detail::IpAddress start;
    enrich_detail::IpAddress end;
    const IntelFolder::File* file = nullptr;
  };

  void index_networks() const {
    const IntelFolder* dir = folder("rdap/ip");
    if (dir == nullptr) return;
    std::size_t seen = 0;
    dir->for_each_file([&](const IntelFolder::File& file) {
      if (++seen > kMaxRdapNetworkFiles) return;
      std::string error;
      auto text = read_whole_file(dir->path_of(file), error);
      if (!text) return;
      auto parsed = enrich_detail::parse_body(*text, "rdap");
      if (!parsed) return;
      auto start = enrich_detail::parse_ip(enrich_detail::string_at(&*parsed, "startAddress"));
      auto end = enrich_detail::parse_ip(enrich_detail::string_at(&*parsed, "endAddress"));
      if (start && end && start->v4 == end->v4 && start->bytes <= end->bytes)
        networks_.push_back(Network{*start, *end, &file});
    });
  }

  std::optional<bool> fallback(const Observable& observable, Enrichment& out) const override {
    if (!is_ip(observable.type)) return std::nullopt;
    auto ip = enrich_detail::parse_ip(trim(observable.value));
    if (!ip) return std::nullopt;
    std::call_once(networks_indexed_, [this] { index_networks(); });
    const Network* best = nullptr;
    for (const Network& network : networks_) {
      if (network.start.v4 != ip->v4 || ip->bytes < network.start.bytes ||
          network.end.bytes < ip->bytes)
        continue;
      if (best == nullptr || best->start.bytes < network.start.bytes ||
          (best->start.bytes == network.start.bytes && network.end.bytes < best->end.bytes))
        best = &network;
    }
    if (best == nullptr) return std::nullopt;
    return answer_from_file(*folder("rdap/ip"), *best->file, observable, out);
  }

  mutable std::once_flag networks_indexed_;
  mutable std::vector<Network> networks_;
};

// ---------------------------------------------------------------------------------------------
// Providers over in-memory indexes.

class MispProvider final : public CachingProvider {
 public:
  explicit MispProvider(enrich_detail::MispIndex index)
      : CachingProvider("misp", default_reliability::kMisp, kSupported), index_(std::move(index)) {}

 private:
  static constexpr std::uint32_t kSupported =
      kIpTypes | kHashTypes | type_bit(ObservableType::kSha512) |
      type_bit(ObservableType::kDomain) | type_bit(ObservableType::kHost) |
      type_bit(ObservableType::kUrl) | type_bit(ObservableType::kEmail) |
      type_bit(ObservableType::kFile) | type_bit(ObservableType::kAsn) |
      type_bit(ObservableType::kCve) | type_bit(ObservableType::kRegistry) |
      type_bit(ObservableType::kBitcoin) | type_bit(ObservableType::kMonero);
  static constexpr std::size_t kMaxTags = 32;

  bool resolve(const Observable& observable, Enrichment& out) const override {
    auto hits = index_.find(observable);
    if (hits.empty()) {
      out.status = LookupStatus::kNotFound;
      return false;
    }
    // Most severe events first, then feed order, so the summary leads with what matters.
    std::stable_sort(hits.begin(), hits.end(), [&](const auto& a, const auto& b) {
      return index_.event(a.event).threat_level_id < index_.event(b.event).threat_level_id;
    });
    bool detection_grade = false;
    for (const auto& hit : hits) {
      const MispEvent& event = index_.event(hit.event);
      enrich_detail::push_unique(out.facts.events, event.info.empty() ? event.uuid : event.info);
      for (const std::string& tag : event.tags)
        if (out.facts.tags.size() < kMaxTags) enrich_detail::push_unique(out.facts.tags, tag);
      detection_grade = detection_grade ||
                        (hit.to_ids && (event.threat_level_id == 1 || event.threat_level_id == 2));
    }
    out.verdict = detection_grade ? Verdict::kMalicious : Verdict::kSuspicious;
    return true;
  }

  enrich_detail::MispIndex index_;
};

class ListsProvider final : public CachingProvider {
 public:
  explicit ListsProvider(enrich_detail::IntelLists lists)
      : CachingProvider("lists", default_reliability::kLists, 0xFFFFFFFFu),
        lists_(std::move(lists)) {}

 private:
  bool resolve(const Observable& observable, Enrichment& out) const override {
    const auto ids = lists_.match(observable);
    if (ids.empty()) {
      out.status = LookupStatus::kNotFound;
      return false;
    }
    bool blocked = false;
    bool allowed = false;
    for (std::uint16_t id : ids) {
      const auto& list = lists_.list(id);
      enrich_detail::push_unique(out.facts.lists, list.name);
      blocked = blocked || list.kind == enrich_detail::ListKind::kBlock;
      allowed = allowed || list.kind == enrich_detail::ListKind::kAllow;
    }
    std::sort(out.facts.lists.begin(), out.facts.lists.end());
    if (allowed) out.facts.allow_listed = true;
    out.verdict = blocked ? Verdict::kSuspicious : allowed ? Verdict::kBenign : Verdict::kUnknown;
    return true;
  }

  enrich_detail::IntelLists lists_;
};

}  // namespace

bool is_safe_file_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxFileIdBytes || id.front() == '.') return false;
  char previous = '\0';
  for (char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || byte < 0x20 || byte == 0x7f) return false;
    if (c == '.' && previous == '.') return false;
    previous = c;
  }
  return true;
}

std::optional<std::string> intel_cache_path(std::string_view provider,
                                            const Observable& observable) {
  FileIds ids = file_ids(provider, observable);
  if (!ids.refusal.empty()) return std::nullopt;
  for (const auto& [folder, id] : ids.ids)
    if (is_safe_file_id(id)) return fmt::format("{}/{}.json", folder, id);
  return std::nullopt;
}

std::unique_ptr<IntelProvider> make_offline_virustotal(const std::filesystem::path& intel_dir) {
  using N = IntelFolder::Naming;
  return std::make_unique<FileProvider>(
      intel_dir, "virustotal", default_reliability::kVirusTotal,
      kHashTypes | kIpTypes | type_bit(ObservableType::kDomain) | type_bit(ObservableType::kUrl),
      &parse_virustotal_response,
      std::vector<FolderSpec>{{"virustotal/files", N::kLowerCase},
                              {"virustotal/ip_addresses", N::kIpAddress},
                              {"virustotal/domains", N::kLowerCase},
                              {"virustotal/urls", N::kExact}});
}

std::unique_ptr<IntelProvider> make_offline_abuseipdb(const std::filesystem::path& intel_dir) {
  return std::make_unique<FileProvider>(
      intel_dir, "abuseipdb", default_reliability::kAbuseIpdb, kIpTypes, &parse_abuseipdb_response,
      std::vector<FolderSpec>{{"abuseipdb", IntelFolder::Naming::kIpAddress}});
}

std::unique_ptr<IntelProvider> make_offline_greynoise(const std::filesystem::path& intel_dir) {
  return std::make_unique<FileProvider>(
      intel_dir, "greynoise", default_reliability::kGreyNoise, kIpTypes, &parse_greynoise_response,
      std::vector<FolderSpec>{{"greynoise", IntelFolder::Naming::kIpAddress}});
}

std::unique_ptr<IntelProvider> make_offline_shodan(const std::filesystem::path& intel_dir) {
  return std::make_unique<FileProvider>(
      intel_dir, "shodan", default_reliability::kShodan, kIpTypes, &parse_shodan_response,
      std::vector<FolderSpec>{{"shodan", IntelFolder::Naming::kIpAddress}});
}

std::unique_ptr<IntelProvider> make_offline_rdap(const std::filesystem::path& intel_dir) {
  return std::make_unique<RdapProvider>(intel_dir);
}

std::unique_ptr<IntelProvider> make_offline_opencti(const std::filesystem::path& intel_dir) {
  // URL ids (base64url) are case-sensitive; the other ids are lower-case values. Lower-casing
  // the listing would break the former, so the folder is exact and lower-case files are asked.
  return std::make_unique<FileProvider>(
      intel_dir, "opencti", default_reliability::kOpenCti,
      kIpTypes | kHashTypes | type_bit(ObservableType::kSha512) |
          type_bit(ObservableType::kDomain) | type_bit(ObservableType::kUrl) |
          type_bit(ObservableType::kEmail),
      &parse_opencti_response, std::vector<FolderSpec>{{"opencti", IntelFolder::Naming::kExact}});
}

std::unique_ptr<IntelProvider> make_offline_misp(const std::filesystem::path& intel_dir,
                                                 OfflineLoadReport* report) {
  std::vector<std::string> warnings;
  auto index = enrich_detail::MispIndex::load(intel_dir / "misp", warnings);
  if (report != nullptr)
    report->warnings.insert(report->warnings.end(), warnings.begin(), warnings.end());
  return std::make_unique<MispProvider>(std::move(index));
}

std::unique_ptr<IntelProvider> make_offline_lists(const std::filesystem::path& intel_dir,
                                                  OfflineLoadReport* report) {
  std::vector<std::string> warnings;
  auto lists = enrich_detail::IntelLists::load(intel_dir / "lists", warnings);
  if (report != nullptr)
    report->warnings.insert(report->warnings.end(), warnings.begin(), warnings.end());
  return std::make_unique<ListsProvider>(std::move(lists));
}

std::vector<std::unique_ptr<IntelProvider>> make_offline_providers(const std::string& intel_dir,
                                                                   OfflineLoadReport* report) {
  const std::filesystem::path dir(intel_dir);
  std::vector<std::unique_ptr<IntelProvider>> out;
  out.push_back(make_offline_virustotal(dir));
  out.push_back(make_offline_abuseipdb(dir));
  out.push_back(make_offline_greynoise(dir));
  out.push_back(make_offline_shodan(dir));
  out.push_back(make_offline_rdap(dir));
  out.push_back(make_offline_misp(dir, report));
  out.push_back(make_offline_opencti(dir));
  out.push_back(make_offline_lists(dir, report));
  return out;
}

std::vector<std::unique_ptr<IntelProvider>> make_offline_providers(const std::string& intel_dir) {
  return make_offline_providers(intel_dir, nullptr);
}

}  // namespace soc
