// Single-pass indicator scanner: rare "anchor" bytes start hand-written validators.
#include "extract/scanner.hpp"

// Linear time: every handler family keeps a watermark (the end of the last stretch it examined)
// and never looks left past it nor more than kMaxLeftReach bytes, and never re-examines what it
// already consumed, so each byte is visited a bounded number of times whatever the input.
// Candidates are held briefly so that a structure found later (an e-mail address whose local part
// looked like a domain) can still suppress what it contains; since no handler reaches further
// left than kMaxLeftReach, candidates that far behind the scan are final.

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>

#include "extract/block_masks.hpp"
#include "extract/char_class.hpp"
#include "extract/crypto_address.hpp"
#include "extract/idna.hpp"
#include "extract/ip.hpp"

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace soc::extract_detail {

bool SeenSet::insert(std::uint64_t key) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;
  while (slots_[i].generation == generation_) {
    if (slots_[i].key == key) return false;
    i = (i + 1) & mask;
  }
  slots_[i] = Slot{key, generation_};
  ++size_;
  return true;
}

void SeenSet::reset() {
  size_ = 0;
  if (slots_.size() > (1u << 16)) slots_.assign(64, Slot{});  // give back what one big text took
  if (++generation_ == 0) {
    slots_.assign(slots_.size(), Slot{});
    generation_ = 1;
  }
}

void SeenSet::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  std::uint32_t live = generation_;
  generation_ = 1;
  size_ = 0;
  for (const Slot& slot : old)
    if (slot.generation == live) insert(slot.key);
}

FoundSink::FoundSink(std::vector<Found>& out, std::size_t max_observables, ExtractReport& report)
    : out_(out), max_(max_observables), report_(report) {
  thread_local SeenSet seen;
  seen_ = &seen;
  seen_->reset();
}

bool SeenSet::contains(std::uint64_t key) const {
  if (slots_.empty()) return false;
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;;
       i = (i + 1) & mask) {
    if (slots_[i].generation != generation_) return false;
    if (slots_[i].key == key) return true;
  }
}

namespace {

// The last `n` (< 8) bytes before `end`, zero-padded, without a variable-length memcpy call.
// `size` is how many bytes before `end` may be read.
inline std::uint64_t load_tail(const char* end, std::size_t n, std::size_t size) {
  if (n == 0) return 0;
  if (size >= 8) {
    std::uint64_t v;
    std::memcpy(&v, end - 8, 8);
    return v >> (8 * (8 - n));
  }
  const char* p = end - n;
  if (n >= 4) {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    return first | (static_cast<std::uint64_t>(last) << (8 * (n - 4)));
  }
  auto byte = [&](std::size_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  };
  return byte(0) | byte(n / 2) | byte(n - 1);
}

}  // namespace

// A 64-bit fingerprint of (type, value), eight bytes at a time.
std::uint64_t FoundSink::fingerprint(ObservableType type, std::string_view value) {
  const char* data = value.data();
  std::size_t size = value.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (static_cast<std::uint64_t>(type) << 56) ^ size;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, data + i, 8);
    h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  h = (h ^ load_tail(data + size, size - i, size)) * 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 29);
}

void FoundSink::add(ObservableType type, std::uint32_t start, std::uint32_t end,
                    std::string_view value, std::uint64_t fingerprint) {
  if (!seen_->insert(fingerprint)) return;
  if (kept_ >= max_) {
    ++report_.observables_dropped;
    return;
  }
  ++kept_;
  out_.push_back(Found{type, start, end, std::string(value)});
}

namespace {

using Type = ObservableType;

constexpr std::size_t kMaxLeftReach = 512;
constexpr std::size_t kMaxLabels = 128;

enum class Defang : std::uint8_t { kNone, kDot, kAt, kColon, kColonSlashes };

struct DefangMatch {
  Defang kind = Defang::kNone;
  std::size_t length = 0;
};

// What a structure hides: a domain inside a URL or a path is not reported on its own.
enum CoverKind : std::uint8_t {
  kCoverNone,
  kCoverUrl,
  kCoverEmail,
  kCoverFile,
  kCoverIpv6,
  kCoverKinds,
};

constexpr std::uint32_t bit(Type t) {
  return 1u << static_cast<unsigned>(t);
}

constexpr std::uint32_t kCovered[kCoverKinds] = {
    0,
    bit(Type::kDomain) | bit(Type::kIpv4) | bit(Type::kIpv6) | bit(Type::kCidr) |
        bit(Type::kEmail) | bit(Type::kFile) | bit(Type::kRegistry),
    bit(Type::kDomain) | bit(Type::kFile),
    bit(Type::kDomain) | bit(Type::kEmail) | bit(Type::kFile),
    bit(Type::kIpv4),
};

// A find waiting to be finalized. Its value lives in the scan's arena, so holding, reordering
// and dropping candidates (repeats, suppressed finds) allocates nothing.
struct Candidate {
  std::uint32_t start;
  std::uint32_t end;
  Type type;
  CoverKind cover;
  std::uint32_t id;
  std::uint32_t parent;       // the structure this was derived from (URL host), 0 if none
  std::uint32_t value_begin;  // in the arena
  std::uint32_t value_size;
  std::uint64_t fingerprint;
};

// Per-thread buffers that keep their capacity from one call to the next: after warm-up a scan
// allocates only the strings it hands out.
struct ScanBuffers {
  std::vector<Candidate> pending;
  std::string arena;  // values of the pending candidates
  std::string value;  // the value being built
  std::string host;   // a host name or e-mail domain, while its structure is built
  std::string aux;    // an e-mail local part, the digits of a numeric URL host
};

// Finalization order: by start, the longer first (a structure before what it contains).
bool comes_before(const Candidate& a, const Candidate& b) {
  if (a.start != b.start) return a.start < b.start;
  if (a.end != b.end) return a.end > b.end;
  return a.id < b.id;
}

struct Label {
  std::uint32_t begin;
  std::uint32_t end;
  bool ascii;
  bool digits;
  bool upper;
  bool lower;
  bool empty() const { return begin == end; }
};

// A run of labels joined by dots or defanged dots, as found in the text.
struct NameRun {
  std::size_t begin = 0;     // first byte of the first non-empty label
  std::size_t end = 0;       // one past the last non-empty label
  std::size_t scan_end = 0;  // where scanning stopped
  std::array<Label, kMaxLabels> labels;
  std::size_t count = 0;
  bool overflow = false;
  bool defanged = false;
  bool empty_label = false;    // ".." inside the name
  bool any_empty = false;      // some label was empty before the trimming (a hint)
  bool numeric_label = false;  // some label is all digits: an IPv4 address may be inside
};

enum class DomainContext : std::uint8_t { kFreeText, kUrlHost, kEmail };

bool is_open(unsigned char c) {
  return c == '[' || c == '(' || c == '{';
}
bool is_close(unsigned char c) {
  return c == ']' || c == ')' || c == '}';
}
char lower(unsigned char c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

// Top-level domains that are also common file extensions ("readme.md", "setup.sh", "a.zip") or
// the leaves of log schema field paths ("user.name", "user.email"). A two-label name ending in
// one of them is not reported from free text unless it was defanged (whoever defangs it means a
// domain) or it sits where only a host can be (URL, e-mail address).
constexpr std::string_view kAmbiguousTlds[] = {"zip", "mov", "md",   "py",   "sh",   "rs",  "so",
                                               "pm",  "ps",  "one",  "cab",  "cat",  "pub", "mk",
                                               "tf",  "mo",  "java", "name", "email"};

// Up to eight lower-case bytes packed in an integer, so scheme lookups are integer compares.
constexpr std::uint64_t pack8(std::string_view s) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < s.size() && i < 8; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i])) << (8 * i);
  return v;
}

constexpr auto kAmbiguousTldKeys = [] {
  std::array<std::uint64_t, std::size(kAmbiguousTlds)> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = pack8(kAmbiguousTlds[i]);
  return keys;
}();

struct SchemeAlias {
  std::string_view written;
  std::string_view canonical;
  std::uint64_t key = pack8(written);
};
constexpr SchemeAlias kSchemes[] = {
    {"http", "http"},    {"https", "https"},  {"hxxp", "http"},   {"hxxps", "https"},
    {"hxtp", "http"},    {"hxtps", "https"},  {"htxp", "http"},   {"htxps", "https"},
    {"hxxxp", "http"},   {"hxxxps", "https"}, {"fxp", "ftp"},     {"fxps", "ftps"},
    {"ftp", "ftp"},      {"ftps", "ftps"},    {"sftp", "sftp"},   {"ws", "ws"},
    {"wss", "wss"},      {"ldap", "ldap"},    {"ldaps", "ldaps"}, {"rmi", "rmi"},
    {"smb", "smb"},      {"tcp", "tcp"},      {"udp", "udp"},     {"ssh", "ssh"},
    {"telnet", "telnet"}};

// The schemes' indices ordered by key, for a binary search (every ':' before "//" looks one
// up). An insertion sort of indices: constant-evaluable by every compiler at hand.
constexpr auto kSchemeOrder = [] {
  std::array<std::uint8_t, std::size(kSchemes)> order{};
  for (std::size_t i = 0; i < order.size(); ++i) {
    std::size_t k = i;
    for (; k > 0 && kSchemes[order[k - 1]].key > kSchemes[i].key; --k) order[k] = order[k - 1];
    order[k] = static_cast<std::uint8_t>(i);
  }
  return order;
}();

std::string_view canonical_scheme(std::uint64_t written) {
  auto found = std::lower_bound(
      kSchemeOrder.begin(), kSchemeOrder.end(), written,
      [](std::uint8_t index, std::uint64_t key) { return kSchemes[index].key < key; });
  return found != kSchemeOrder.end() && kSchemes[*found].key == written ? kSchemes[*found].canonical
                                                                        : std::string_view();
}

struct Hive {
  std::string_view written;
  std::string_view canonical;
};
constexpr Hive kHives[] = {
    {"hklm", "HKEY_LOCAL_MACHINE"},  {"hkey_local_machine", "HKEY_LOCAL_MACHINE"},
    {"hkcu", "HKEY_CURRENT_USER"},   {"hkey_current_user", "HKEY_CURRENT_USER"},
    {"hkcr", "HKEY_CLASSES_ROOT"},   {"hkey_classes_root", "HKEY_CLASSES_ROOT"},
    {"hku", "HKEY_USERS"},           {"hkey_users", "HKEY_USERS"},
    {"hkcc", "HKEY_CURRENT_CONFIG"}, {"hkey_current_config", "HKEY_CURRENT_CONFIG"},
};

class Scanner {
 public:
  Scanner(const ScanConfig& config, std::string_view text, FoundSink& sink, ScanBuffers& buffers,
          BlockMaskFn masks)
      : masks_(masks),
        config_(config),
        s_(reinterpret_cast<const unsigned char*>(text.data())),
        n_(text.size()),
        sink_(sink),
        pending_(buffers.pending),
        arena_(buffers.arena),
        value_(buffers.value),
        host_(buffers.host),
        aux_(buffers.aux) {
    pending_.clear();
    arena_.clear();
  }

  void run();

 private:
  // Length of the UTF-8 letter (IDN label character) at k, or 0 when there is none.
  std::size_t label_letter_at(std::size_t k) const {
    char32_t cp = 0;
    const std::size_t len = idna::decode_utf8(s_ + k, n_ - k, cp);
    return len && idna::is_label_letter(cp) ? len : 0;
  }

 public:
 private:
  unsigned char at(std::size_t i) const { return i < n_ ? s_[i] : 0; }
  std::uint16_t cls(std::size_t i) const { return kCharClass[at(i)]; }
  bool alnum_or_underscore(std::size_t i) const { return (cls(i) & kAlnum) || at(i) == '_'; }
  std::size_t floor_for(std::size_t p, std::size_t done) const {
    std::size_t reach = p > kMaxLeftReach ? p - kMaxLeftReach : 0;
    return std::max(reach, done);
  }

  // The bulky handlers stay out of line so that the block loop keeps its state in registers.
  void on_anchor(std::size_t p);
  [[gnu::noinline]] void handle_dot(std::size_t p);
  void handle_at(std::size_t at_begin, std::size_t at_end, bool bracketed);
  [[gnu::noinline]] bool try_url(std::size_t p);
  [[gnu::noinline]] void handle_ipv6(std::size_t p);
  void handle_slash(std::size_t p);
  [[gnu::noinline]] void handle_backslash(std::size_t p);
  void handle_dash(std::size_t p);
  void handle_upper(std::size_t p);
  [[gnu::noinline]] void handle_long(std::size_t b, std::size_t e, bool open_ended);

  DefangMatch match_defang(std::size_t i) const;
  DefangMatch match_defang_uncached(std::size_t i) const;
  DefangMatch defang_ending_at(std::size_t end, std::size_t& start) const;
  std::size_t dot_separator_at(std::size_t pos) const;
  std::size_t extend_name_left(std::size_t from, std::size_t floor) const;
  void parse_name(std::size_t start, std::size_t restart_before, NameRun& run) const;
  bool parse_plain_name(std::size_t start, NameRun& run) const;
  std::size_t plain_name_start(std::size_t p, std::size_t floor) const;
  void finish_name(std::size_t start, NameRun& run) const;
  bool name_value(const NameRun& run, std::string& out) const;
  bool domain_value(const NameRun& run, DomainContext context, std::string& out) const;
  bool after_attack_word(std::size_t p) const;
  bool two_labels_without_tld(std::size_t p, std::size_t floor);
  bool empty_dot_chain(std::size_t p);
  bool idn_tld_known(const Label& tld) const;
  bool followed_by_at(std::size_t end) const;

  void scan_ipv4(std::size_t begin, std::size_t end);
  bool try_ipv4(std::size_t i, std::size_t& consumed);
  void attack_tag(const NameRun& run);
  // An ATT&CK id is at most "T1059.001": `value` has room for 12 bytes, `size` gets its length.
  bool attack_id_at(std::size_t p, bool lower_ok, std::size_t& end, char* value,
                    std::size_t& size) const;

  // A path's root as written in its value: up to three pieces, joined only if a path follows.
  struct PathRoot {
    std::string_view head, middle = {}, tail = {};
  };
  std::uint32_t parse_windows_path(std::size_t begin, std::size_t body, const PathRoot& root,
                                   Type type);
  bool space_continues_path(std::size_t space, std::size_t component_begin) const;
  void parse_unix_path(std::size_t begin, std::size_t body);

  // `value` must not point into the arena (emit appends to it).
  std::uint32_t emit(Type type, std::size_t start, std::size_t end, std::string_view value,
                     CoverKind cover = kCoverNone, std::uint32_t parent = 0);
  void flush(std::size_t limit);
  void finalize(Candidate& c);

  BlockMaskFn masks_;
  const ScanConfig& config_;
  const unsigned char* s_;
  std::size_t n_;
  FoundSink& sink_;
  std::vector<Candidate>& pending_;
  std::string& arena_;
  std::string& value_;
  std::string& host_;
  std::string& aux_;
  std::uint32_t next_id_ = 0;
  std::size_t cover_end_[kCoverKinds] = {};
  // Recently suppressed structures, so their derived hosts go too (a derived find is finalized
  // right after its parent, with at most a few finds inside the parent in between).
  std::array<std::uint32_t, 64> suppressed_{};
  std::size_t suppressed_next_ = 0;

  // Watermarks, one per handler family.
  std::size_t pending_head_ = 0;  // pending_[0, pending_head_) are finalized
  // The smallest start among unfinalized candidates (a bound: may be smaller), or npos.
  std::size_t pending_min_start_ = static_cast<std::size_t>(-1);
  std::size_t checksums_done_ = 0;
  std::size_t dot_done_ = 0, at_done_ = 0, url_done_ = 0, v6_done_ = 0, win_done_ = 0,
              unix_done_ = 0;
  // The span of the last URL emitted, and the domain of the last e-mail address emitted.
  struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  Span last_url_, last_email_domain_;
  // The last two defang groups matched (see match_defang).
  struct DefangMemo {
    std::size_t position = static_cast<std::size_t>(-1);
    DefangMatch match;
  };
  mutable std::array<DefangMemo, 2> defang_memo_{};
  NameRun run_;  // scratch for handlers (a NameRun is large)
  NameRun host_run_;
};

// ---------------------------------------------------------------------------------------------
// Defang groups: "[.]", "(dot)", "{.}", "[@]", "(at)", "[:]", "[://]", with optional inner spaces.

// The handlers ask about the same few groups in turn (the anchor, the name parser, the group
// before a name): the last two answers are kept.
DefangMatch Scanner::match_defang(std::size_t i) const {
  if (i == defang_memo_[0].position) return defang_memo_[0].match;
  if (i == defang_memo_[1].position) return defang_memo_[1].match;
  DefangMatch m = match_defang_uncached(i);
  defang_memo_[1] = defang_memo_[0];
  defang_memo_[0] = {i, m};
  return m;
}

DefangMatch Scanner::match_defang_uncached(std::size_t i) const {
  unsigned char open = at(i);
  unsigned char close;
  switch (open) {
    case '[':
      close = ']';
      break;
    case '(':
      close = ')';
      break;
    case '{':
      close = '}';
      break;
    default:
      return {};
  }
  std::size_t j = i + 1;
  if (at(j) == ' ') ++j;
  Defang kind;
  unsigned char c = at(j);
  if (c == '.') {
    kind = Defang::kDot;
    j += 1;
  } else if (c == '@') {
    kind = Defang::kAt;
    j += 1;
  } else if (c == ':') {
    if (at(j + 1) == '/' && at(j + 2) == '/') {
      kind = Defang::kColonSlashes;
      j += 3;
    } else {
      kind = Defang::kColon;
      j += 1;
    }
  } else if (lower(c) == 'd' && lower(at(j + 1)) == 'o' && lower(at(j + 2)) == 't') {
    kind = Defang::kDot;
    j += 3;
  } else if (lower(c) == 'a' && lower(at(j + 1)) == 't') {
    kind = Defang::kAt;
    j += 2;
  } else {
    return {};
  }
  if (at(j) == ' ') ++j;
  if (at(j) != close) return {};
  return {kind, j + 1 - i};
}

DefangMatch Scanner::defang_ending_at(std::size_t end, std::size_t& start) const {
  if (end < 3) return {};
  unsigned char close = s_[end - 1];
  unsigned char open = close == ']' ? '[' : close == ')' ? '(' : close == '}' ? '{' : 0;
  if (open == 0) return {};
  for (std::size_t len = 3; len <= 8 && len <= end; ++len) {
    if (s_[end - len] != open) continue;  // a group starts with the bracket its end closes
    DefangMatch m = match_defang(end - len);
    if (m.length == len) {
      start = end - len;
      return m;
    }
  }
  return {};
}

// Length of a dot separator at `pos` ('.', "[.]", " [dot] "), or 0.
std::size_t Scanner::dot_separator_at(std::size_t pos) const {
  unsigned char c = at(pos);
  if (c == '.') return 1;
  std::size_t lead = 0;
  if (c == ' ' && is_open(at(pos + 1)))
    lead = 1;
  else if (!is_open(c))
    return 0;
  DefangMatch m = match_defang(pos + lead);
  if (m.kind != Defang::kDot) return 0;
  std::size_t len = lead + m.length;
  if (at(pos + len) == ' ' && (cls(pos + len + 1) & (kLabel | kHigh))) ++len;
  return len;
}

// ---------------------------------------------------------------------------------------------
// Names (domains, IPv4, URL hosts).

std::size_t Scanner::extend_name_left(std::size_t from, std::size_t floor) const {
  std::size_t i = from;
  while (i > floor) {
    unsigned char c = s_[i - 1];
    if (kCharClass[c] & (kLabel | kHigh)) {
      --i;
      continue;
    }
    if (c == '.') {
      --i;
      continue;
    }
    std::size_t group_end = i;
    if (c == ' ' && i >= 2 && is_close(s_[i - 2])) group_end = i - 1;
    if (is_close(at(group_end - 1))) {
      std::size_t g;
      if (defang_ending_at(group_end, g).kind == Defang::kDot && g >= floor) {
        i = g;
        if (i > floor && s_[i - 1] == ' ' && i >= 2 && (kCharClass[s_[i - 2]] & (kLabel | kHigh)))
          --i;
        continue;
      }
    }
    break;
  }
  return i;
}

// The run of URL path bytes (kUrl) among the 16 at `s`: its length, and how many '(' '[' and
// ')' ']' it holds.
struct UrlRun {
  unsigned length;
  unsigned opens;
  unsigned closes;
};

UrlRun url_run16(const unsigned char* s) {
#if defined(__x86_64__)
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
  auto is = [&](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
  // Printable ASCII (signed compare: bytes from 0x80 are negative) but DEL and the excluded.
  __m128i bad = _mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(0x21), x), is(0x7F));
  bad = _mm_or_si128(bad,
                     _mm_or_si128(_mm_or_si128(is('"'), is('<')), _mm_or_si128(is('>'), is('\\'))));
  bad = _mm_or_si128(bad,
                     _mm_or_si128(_mm_or_si128(is('^'), is('`')), _mm_or_si128(is('{'), is('|'))));
  bad = _mm_or_si128(bad, _mm_or_si128(is('}'), is('\'')));
  auto bits = [](__m128i v) { return static_cast<unsigned>(_mm_movemask_epi8(v)); };
  unsigned length = static_cast<unsigned>(__builtin_ctz(bits(bad) | 0x10000));
  unsigned valid = (1u << length) - 1;
  unsigned opens = bits(_mm_or_si128(is('('), is('['))) & valid;
  unsigned closes = bits(_mm_or_si128(is(')'), is(']'))) & valid;
  return {length, static_cast<unsigned>(__builtin_popcount(opens)),
          static_cast<unsigned>(__builtin_popcount(closes))};
#else
  unsigned length = 0, opens = 0, closes = 0;
  while (length < 16 && (kCharClass[s[length]] & kUrl)) {
    opens += s[length] == '(' || s[length] == '[';
    closes += s[length] == ')' || s[length] == ']';
    ++length;
  }
  return {length, opens, closes};
#endif
}

// Bit masks of 16 bytes from `pos` (bytes past the text count as NUL).
struct NameMasks {
  std::uint32_t label;  // [0-9A-Za-z_-]
  std::uint32_t dot;
  std::uint32_t digit;
  std::uint32_t upper;
  std::uint32_t lower;
};

[[gnu::always_inline]] inline NameMasks name_masks(const unsigned char* s, std::size_t pos,
                                                   std::size_t n) {
#if defined(__x86_64__)
  if (pos + 16 <= n) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos));
    auto within = [&](char first, unsigned char span) {
      __m128i offset = _mm_sub_epi8(x, _mm_set1_epi8(first));
      return _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(static_cast<char>(span))), offset);
    };
    __m128i digit = within('0', 9);
    __m128i upper = within('A', 25);
    __m128i lower = within('a', 25);
    __m128i other =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')), _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
    __m128i label = _mm_or_si128(_mm_or_si128(digit, upper), _mm_or_si128(lower, other));
    auto bits = [](__m128i v) { return static_cast<std::uint32_t>(_mm_movemask_epi8(v)); };
    return {bits(label), bits(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))), bits(digit), bits(upper),
            bits(lower)};
  }
#endif
  NameMasks m{0, 0, 0, 0, 0};
  for (std::size_t k = 0; k < 16 && pos + k < n; ++k) {
    unsigned char c = s[pos + k];
    std::uint16_t cls = kCharClass[c];
    m.label |= static_cast<std::uint32_t>((cls & kLabel) != 0) << k;
    m.dot |= static_cast<std::uint32_t>(c == '.') << k;
    m.digit |= static_cast<std::uint32_t>((cls & kDigit) != 0) << k;
    m.upper |= static_cast<std::uint32_t>((cls & kUpper) != 0) << k;
    m.lower |= static_cast<std::uint32_t>((cls & kLower) != 0) << k;
  }
  return m;
}

// The start of the plain name (ASCII labels and dots) holding the dot at `p`, as
// extend_name_left() would find it, or npos when the bytes before it need the general parser
// (a defanged dot, UTF-8, the floor reached).
std::size_t Scanner::plain_name_start(std::size_t p, std::size_t floor) const {
  std::size_t i = p;
  // Sixteen bytes at a time while they are all name bytes, then the last stretch.
  while (i >= 16 && i - 16 >= floor) {
    NameMasks m = name_masks(s_, i - 16, n_);
    std::uint32_t other = ~(m.label | m.dot) & 0xFFFF;
    if (other == 0) {
      i -= 16;
      continue;
    }
    i -= 15 - static_cast<unsigned>(31 - __builtin_clz(other));  // past the highest other byte
    break;
  }
  while (i > floor && ((kCharClass[s_[i - 1]] & kLabel) || s_[i - 1] == '.')) --i;
  if (i == floor && floor > 0) return std::string_view::npos;
  if (i > 0) {
    unsigned char c = s_[i - 1];
    if ((kCharClass[c] & kHigh) || is_close(c) || (c == ' ' && i >= 2 && is_close(s_[i - 2])))
      return std::string_view::npos;
  }
  return i;
}

// parse_name() for the common case, sixteen bytes at a time: a run of ASCII labels joined by
// plain dots. Returns false, leaving `run` unspecified, when the run holds or meets anything else
// (UTF-8, a defanged dot), which parse_name() then handles; otherwise the result is the same.
bool Scanner::parse_plain_name(std::size_t start, NameRun& run) const {
  run.count = 0;
  run.overflow = false;
  run.defanged = false;
  run.empty_label = false;
  run.numeric_label = false;
  run.any_empty = false;
  std::size_t pos = start;
  std::size_t label_begin = start;
  bool all_digits = true, upper = false, low = false;
  auto close_label = [&](std::size_t end) {
    run.any_empty = run.any_empty || end == label_begin;
    bool digits = all_digits && end > label_begin;
    if (run.count < kMaxLabels) {
      run.labels[run.count++] = Label{static_cast<std::uint32_t>(label_begin),
                                      static_cast<std::uint32_t>(end),
                                      true,
                                      digits,
                                      upper,
                                      low};
    } else {
      run.overflow = true;
    }
    run.numeric_label = run.numeric_label || digits;
    all_digits = true, upper = false, low = false;
  };
  auto take = [&](const NameMasks& m, std::uint32_t segment) {
    all_digits = all_digits && (m.digit & segment) == segment;
    upper = upper || (m.upper & segment) != 0;
    low = low || (m.lower & segment) != 0;
  };
  for (;;) {
    NameMasks m = name_masks(s_, pos, n_);
    std::uint32_t name = (m.label | m.dot) & 0xFFFF;
    auto length = static_cast<unsigned>(__builtin_ctz(~name));  // 16 when all are name bytes
    std::uint32_t valid = (1u << length) - 1;
    std::uint32_t dots = m.dot & valid;
    unsigned from = 0;
    for (; dots; dots &= dots - 1) {
      auto dot = static_cast<unsigned>(__builtin_ctz(dots));
      take(m, ((1u << dot) - 1) & ~((1u << from) - 1));
      close_label(pos + dot);
      label_begin = pos + dot + 1;
      from = dot + 1;
    }
    take(m, valid & ~((1u << from) - 1));
    if (length < 16) {
      pos += length;
      break;
    }
    pos += 16;
  }
  // What stops the run must stop parse_name() too: not UTF-8, not a defang group.
  unsigned char c = at(pos);
  if ((kCharClass[c] & kHigh) || is_open(c) || (c == ' ' && is_open(at(pos + 1)))) return false;
  close_label(pos);
  run.scan_end = pos;
  finish_name(start, run);
  return true;
}

void Scanner::parse_name(std::size_t start, std::size_t restart_before, NameRun& run) const {
  run.count = 0;
  run.overflow = false;
  run.defanged = false;
  run.empty_label = false;
  run.numeric_label = false;
  run.any_empty = false;
  std::size_t pos = start;
  std::size_t label_begin = start;
  bool ascii = true, digits = true, upper = false, low = false;
  auto close_label = [&](std::size_t end) {
    run.any_empty = run.any_empty || end == label_begin;
    if (run.count < kMaxLabels) {
      run.labels[run.count++] = Label{static_cast<std::uint32_t>(label_begin),
                                      static_cast<std::uint32_t>(end),
                                      ascii,
                                      digits && end > label_begin,
                                      upper,
                                      low};
    } else {
      run.overflow = true;
    }
    run.numeric_label = run.numeric_label || (digits && end > label_begin);
    ascii = true, digits = true, upper = false, low = false;
  };
  while (pos < n_) {
    unsigned char c = s_[pos];
    std::uint16_t k = kCharClass[c];
    if (k & kLabel) {
      std::uint16_t any = 0, all = kDigit;
      do {
        any |= k;
        all &= k;
        k = ++pos < n_ ? kCharClass[s_[pos]] : 0;
      } while (k & kLabel);
      digits = digits && (all & kDigit);
      upper = upper || (any & kUpper);
      low = low || (any & kLower);
      continue;
    }
    if (k & kHigh) {
      char32_t cp = 0;
      std::size_t len = idna::decode_utf8(s_ + pos, n_ - pos, cp);
      if (len && idna::is_label_letter(cp)) {
        ascii = false;
        digits = false;
        pos += len;
        continue;
      }
      if (pos < restart_before) {  // junk left of the anchor: the name starts after it
        pos += len ? len : 1;
        run.count = 0;
        run.overflow = false;
        run.defanged = false;
        label_begin = pos;
        ascii = true, digits = true, upper = false, low = false;
        continue;
      }
      break;
    }
    if (c == ' ' && pos == label_begin) break;  // " [.]" needs a label before it
    std::size_t sep = dot_separator_at(pos);
    if (sep == 0) break;
    if (c != '.') run.defanged = true;
    close_label(pos);
    pos += sep;
    label_begin = pos;
  }
  close_label(pos);
  run.scan_end = pos;
  finish_name(start, run);
}

void Scanner::finish_name(std::size_t start, NameRun& run) const {
  // Leading and trailing empty labels are sentence dots; inner ones make the name invalid.
  if (run.any_empty) {
    std::size_t first = 0;
    while (first < run.count && run.labels[first].empty()) ++first;
    std::size_t last = run.count;
    while (last > first && run.labels[last - 1].empty()) --last;
    if (first > 0 || last < run.count) {
      std::copy(run.labels.begin() + static_cast<std::ptrdiff_t>(first),
                run.labels.begin() + static_cast<std::ptrdiff_t>(last), run.labels.begin());
    }
    run.count = last - first;
  }
  // "-evil.com" after a space is an option dash or a list bullet, not part of the name.
  if (run.count > 0 &&
      (run.labels[0].begin == 0 || (kCharClass[s_[run.labels[0].begin - 1]] & kPathStart))) {
    Label& head = run.labels[0];
    while (head.begin < head.end && s_[head.begin] == '-') ++head.begin;
  }
  if (run.any_empty) {
    for (std::size_t i = 0; i < run.count; ++i)
      if (run.labels[i].empty()) run.empty_label = true;
  } else {
    run.empty_label = run.count > 0 && run.labels[0].empty();  // only trimming empties it
  }
  run.begin = run.count ? run.labels[0].begin : start;
  run.end = run.count ? run.labels[run.count - 1].end : start;
}

// Lower-case, A-label form of a syntactically valid host name (LDH labels, 1-63 bytes each).
bool Scanner::name_value(const NameRun& run, std::string& out) const {
  if (run.count == 0 || run.overflow || run.empty_label || run.count > 127) return false;
  out.clear();
  out.reserve(run.labels[run.count - 1].end - run.labels[0].begin);
  for (std::size_t i = 0; i < run.count; ++i) {
    const Label& l = run.labels[i];
    if (i) out.push_back('.');
    std::size_t before = out.size();
    if (l.ascii) {
      std::size_t len = l.end - l.begin;
      if (len > 63) return false;
      out.resize(before + len);
      char* dst = out.data() + before;
      for (std::size_t k = 0; k < len; ++k) dst[k] = lower(s_[l.begin + k]);
    } else {
      std::string_view raw(reinterpret_cast<const char*>(s_ + l.begin), l.end - l.begin);
      if (!idna::label_to_ascii(raw, out)) return false;
    }
    if (out[before] == '-' || out.back() == '-') return false;
  }
  return out.size() <= 253;
}

bool Scanner::followed_by_at(std::size_t end) const {
  std::size_t p = end;
  if (at(p) == '@') return true;
  if (at(p) == ' ') ++p;
  return is_open(at(p)) && match_defang(p).kind == Defang::kAt;
}

// Whether a top-level label written in UTF-8 is, as an A-label, in the public suffix list.
bool Scanner::idn_tld_known(const Label& tld) const {
  std::string_view raw(reinterpret_cast<const char*>(s_ + tld.begin), tld.end - tld.begin);
  std::string ascii;
  return idna::label_to_ascii(raw, ascii) && config_.suffixes->is_tld(ascii);
}

bool Scanner::domain_value(const NameRun& run, DomainContext context, std::string& out) const {
  if (run.count < 2 || run.count > 127 || run.overflow || run.empty_label) return false;
  const Label& tld = run.labels[run.count - 1];
  std::size_t tld_len = tld.end - tld.begin;
  // Cheap rejections first: most dotted words in alerts are file names, versions, namespaces.
  if (context == DomainContext::kFreeText && tld.upper && tld.lower)
    return false;            // "Microsoft.Security", "Foo.Bar": code identifiers, not host names
  std::uint64_t packed = 0;  // the TLD when it has at most 8 bytes, as the PSL keys it
  if (tld.ascii) {
    if (tld_len < 2 || tld_len > 63) return false;
    bool punycode = tld_len > 4 && lower(s_[tld.begin]) == 'x' && lower(s_[tld.begin + 1]) == 'n' &&
                    s_[tld.begin + 2] == '-' && s_[tld.begin + 3] == '-';
    char buf[64];
    std::memset(buf, 0, 8);  // the packed key is zero-padded
    for (std::size_t k = 0; k < tld_len; ++k) {
      unsigned char c = s_[tld.begin + k];
      if (!(kCharClass[c] & kAlpha) && !(punycode && (kCharClass[c] & kLabel) && c != '_'))
        return false;
      buf[k] = lower(c);
    }
    if (tld_len <= 8) {
      std::memcpy(&packed, buf, 8);
      if (!config_.suffixes->is_short_tld(packed)) return false;
    } else if (!config_.suffixes->is_tld(std::string_view(buf, tld_len))) {
      return false;
    }
  } else if (!idn_tld_known(tld)) {
    return false;
  }
  if (context == DomainContext::kFreeText) {
    const Label& first = run.labels[0];
    if (first.end - first.begin == 6 && std::memcmp(s_ + first.begin, "System", 6) == 0)
      return false;
    if (run.count == 2 && !run.defanged && tld_len <= 8) {
      for (std::uint64_t ext : kAmbiguousTldKeys)
        if (ext == packed) return false;
    }
    unsigned char before = at(run.begin - 1);
    if (run.begin > 0 && before == '\\') return false;
    if (run.begin > 0 && before == '/' &&
        ((cls(run.begin - 2) & (kLabel | kHigh)) || at(run.begin - 2) == '.' ||
         at(run.begin - 2) == '~'))
      return false;  // "dir/evil.com": a file in a relative path
    if (followed_by_at(run.end)) return false;
  }
  if (!name_value(run, out)) return false;
  std::size_t suffix = config_.suffixes->suffix_labels(out, run.count);
  return suffix > 0 && suffix < run.count;
}

// Whether the six bytes before `p` (or before the space before it) spell "attack": the only
// name a URL or an e-mail domain does not hide is a Sigma tag such as "attack.t1059".
bool Scanner::after_attack_word(std::size_t p) const {
  std::size_t q = at(p - 1) == ' ' ? p - 1 : p;
  if (q < 6) return false;
  static constexpr std::string_view kAttack = "attack";
  for (std::size_t k = 0; k < 6; ++k)
    if (lower(s_[q - 6 + k]) != kAttack[k]) return false;
  return true;
}

// The commonest dotted word in alert text and the cheapest to dismiss: two plain labels whose
// last is no top-level domain ("setup.exe", "v1.0", "00.746663", "Category.Name" aside from
// "name"). Such a run holds no domain (bad TLD), no IPv4 address (two labels) and no Sigma tag
// (its first label is not "attack"). Returns true, having moved the dot watermark as parsing
// would, when the run at the dot `p` is one; false when the general path must look.
bool Scanner::two_labels_without_tld(std::size_t p, std::size_t floor) {
  std::size_t e = p + 1;
  while (e < n_ && (kCharClass[s_[e]] & kLabel)) ++e;
  unsigned char after = at(e);
  if (after == '.' || is_open(after) || (kCharClass[after] & kHigh) ||
      (after == ' ' && is_open(at(e + 1))))
    return false;
  std::size_t b = p;
  while (b > floor && (kCharClass[s_[b - 1]] & kLabel)) --b;
  if (b == floor && floor > 0) return false;
  if (b > 0) {
    unsigned char c = s_[b - 1];
    if (c == '.' || (kCharClass[c] & kHigh) || is_close(c) ||
        (c == ' ' && b >= 2 && is_close(s_[b - 2])))
      return false;
  }
  if (p - b >= 6 && after_attack_word(p)) return false;
  std::size_t tld_len = e - (p + 1);
  if (tld_len >= 2 && tld_len <= 8) {
    std::uint64_t packed = 0;
    for (std::size_t k = 0; k < tld_len; ++k) {
      unsigned char c = s_[p + 1 + k];
      if (!(kCharClass[c] & kAlpha)) {
        packed = 0;  // not a TLD, and no punycode TLD ("xn--...") is this short with a digit
        if (k == 2 && c == '-') return false;
        break;
      }
      packed |= static_cast<std::uint64_t>(static_cast<unsigned char>(lower(c))) << (8 * k);
    }
    if (packed != 0 && config_.suffixes->is_short_tld(packed)) return false;
  } else if (tld_len > 8) {
    return false;  // long TLDs and punycode: the general path
  }
  dot_done_ = std::max(e, p + 1);
  return true;
}

// A defang group at `p` with no label before it: when only more groups follow ("[.](dot)"),
// parse_name() would find empty labels only. Moves the dot watermark as it would and returns
// true then; false when a label (or UTF-8) follows and the general parser must run.
bool Scanner::empty_dot_chain(std::size_t p) {
  std::size_t pos = p;
  while (pos < n_) {
    unsigned char c = s_[pos];
    if (kCharClass[c] & (kLabel | kHigh)) return false;
    if (c == ' ') break;  // a label cannot start with a space
    std::size_t sep = dot_separator_at(pos);
    if (sep == 0) break;
    pos += sep;
  }
  dot_done_ = std::max(pos, p + 1);
  return true;
}

void Scanner::handle_dot(std::size_t p) {
  if (p < dot_done_) return;
  // A name inside the last URL or e-mail domain emitted is hidden by it (its host was reported
  // with it), and no name there reaches past it: it needs no parsing. Still parsed: a Sigma tag
  // ("attack.t1059"), and digits around the dot, so that an octal-looking address in a URL is
  // counted in the report as before (the run is then parsed from this dot, which finds it).
  if (((p > last_url_.begin && p < last_url_.end) ||
       (p > last_email_domain_.begin && p < last_email_domain_.end)) &&
      !(cls(p - 1) & kDigit) && !(cls(p + 1) & kDigit) && !after_attack_word(p))
    return;
  NameRun& run = run_;
  std::size_t floor = floor_for(p, dot_done_);
  if (s_[p] == '.' && two_labels_without_tld(p, floor)) return;
  std::size_t plain_start = s_[p] == '.' ? plain_name_start(p, floor) : std::string_view::npos;
  if (plain_start == std::string_view::npos || !parse_plain_name(plain_start, run)) {
    std::size_t from = p;
    if (is_open(s_[p]) && at(p - 1) == ' ' && p >= 2 && (kCharClass[s_[p - 2]] & (kLabel | kHigh)))
      from = p - 1;
    std::size_t start = extend_name_left(from, floor);
    if (start == p && s_[p] != '.' && empty_dot_chain(p)) return;
    parse_name(start, p, run);
  }
  dot_done_ = std::max(run.scan_end, p + 1);
  if (run.count == 0) return;
  // Four octets are four labels: "22:35:00.746663" holds no address. (Inside a URL an address
  // is hidden, but an octal-looking one is still counted in the report.)
  if (run.numeric_label && run.count >= 4) scan_ipv4(run.begin, run.end);
  // A URL or an e-mail address is finalized before what lies inside it and hides its domains
  // (it reported its host itself): those need no checks. ATT&CK tags are not hidden.
  bool in_url = run.begin >= last_url_.begin && run.end <= last_url_.end;
  bool email_domain = run.begin == last_email_domain_.begin && run.end == last_email_domain_.end;
  if (!in_url && !email_domain && domain_value(run, DomainContext::kFreeText, value_))
    emit(Type::kDomain, run.begin, run.end, value_);
  attack_tag(run);
}

// ---------------------------------------------------------------------------------------------
// IPv4 and CIDR.

void Scanner::scan_ipv4(std::size_t begin, std::size_t end) {
  std::size_t i = begin;
  while (i < end) {
    if (!(cls(i) & kDigit)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < end && (cls(j) & kDigit)) ++j;
    bool left_ok = true;
    if (i > 0) {
      unsigned char c = s_[i - 1];
      if ((kCharClass[c] & kAlnum) || c == '_' || c == '.') left_ok = false;
      std::size_t g;
      if (is_close(c) && defang_ending_at(i, g).kind == Defang::kDot) left_ok = false;
      if (c == ' ' && is_close(at(i - 2)) && defang_ending_at(i - 1, g).kind == Defang::kDot)
        left_ok = false;
    }
    std::size_t consumed = 0;
    if (left_ok && try_ipv4(i, consumed)) {
      i = consumed;
      continue;
    }
    i = j;
  }
}

bool Scanner::try_ipv4(std::size_t i, std::size_t& consumed) {
  std::size_t pos = i;
  Ipv4Bytes octets{};
  bool ambiguous = false;
  for (std::size_t k = 0; k < 4; ++k) {
    if (k > 0) {
      std::size_t sep = dot_separator_at(pos);
      if (sep == 0) return false;
      pos += sep;
    }
    std::size_t digits_begin = pos;
    unsigned value = 0;
    while ((cls(pos) & kDigit) && pos - digits_begin < 4) value = value * 10 + (s_[pos++] - '0');
    std::size_t digits = pos - digits_begin;
    if (digits == 0 || digits > 3 || value > 255) return false;
    if (digits > 1 && s_[digits_begin] == '0' && value > 7) ambiguous = true;
    octets[k] = static_cast<std::uint8_t>(value);
  }
  if (alnum_or_underscore(pos)) return false;
  std::size_t sep = dot_separator_at(pos);
  if (sep && (cls(pos + sep) & (kLabel | kHigh))) return false;  // 1.2.3.4.5, 1.2.3.4.nip.io
  consumed = pos;
  if (ambiguous) {
    ++sink_.report().ambiguous_ip_rejected;
    return true;
  }
  char value[24];
  std::size_t size = format_ipv4(octets, value);
  if (at(pos) == '/' && (cls(pos + 1) & kDigit)) {
    std::size_t q = pos + 1;
    unsigned prefix = 0;
    while ((cls(q) & kDigit) && q - pos <= 3) prefix = prefix * 10 + (s_[q++] - '0');
    if (q - pos - 1 <= 2 && prefix <= 32 && !alnum_or_underscore(q) &&
        !(at(q) == '.' && (cls(q + 1) & kDigit))) {
      value[size++] = '/';
      if (prefix >= 10) value[size++] = static_cast<char>('0' + prefix / 10);
      value[size++] = static_cast<char>('0' + prefix % 10);
      emit(Type::kCidr, i, q, std::string_view(value, size));
      consumed = q;
      return true;
    }
  }
  emit(Type::kIpv4, i, pos, std::string_view(value, size));
  return true;
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses.

void Scanner::handle_at(std::size_t at_begin, std::size_t at_end, bool bracketed) {
  if (at_begin < at_done_) return;
  at_done_ = at_end;
  // The domain first: it is what most stray '@' lack, and it is cheap to reject.
  std::size_t domain_begin = at_end;
  if (bracketed && at(domain_begin) == ' ') ++domain_begin;
  if (!(cls(domain_begin) & (kLabel | kHigh))) return;
  // A domain has a separator after its first label ("x@y@" has none).
  std::size_t first_label_end = domain_begin;
  while (cls(first_label_end) & kLabel) ++first_label_end;
  unsigned char after = at(first_label_end);
  if (after != '.' && !is_open(after) && after != ' ' && !(kCharClass[after] & kHigh)) {
    at_done_ = std::max(at_done_, first_label_end);
    return;
  }
  NameRun& run = host_run_;
  if (!parse_plain_name(domain_begin, run)) parse_name(domain_begin, domain_begin, run);
  at_done_ = std::max(at_done_, run.scan_end);
  if (run.count < 2 || run.begin != domain_begin) return;
  std::string& domain = host_;
  if (!domain_value(run, DomainContext::kEmail, domain)) return;

  std::size_t local_end = at_begin;
  if (bracketed && at(local_end - 1) == ' ') --local_end;
  std::size_t floor = floor_for(at_begin, 0);
  std::size_t i = local_end;
  while (i > floor) {
    unsigned char c = s_[i - 1];
    if (kCharClass[c] & kLocal) {
      --i;
      continue;
    }
    std::size_t g;
    if (is_close(c) && defang_ending_at(i, g).kind == Defang::kDot && g >= floor) {
      i = g;
      continue;
    }
    break;
  }
  if (i == floor && floor > 0 && (kCharClass[s_[i - 1]] & kLocal)) return;  // absurdly long
  std::string& local = aux_;
  local.assign(reinterpret_cast<const char*>(s_ + i), local_end - i);
  std::size_t kept = 0;
  for (std::size_t k = 0; k < local.size(); ++k) {
    if (is_open(static_cast<unsigned char>(local[k]))) {
      local[kept++] = '.';
      k += match_defang(i + k).length - 1;
      continue;
    }
    local[kept++] = lower(static_cast<unsigned char>(local[k]));
  }
  local.resize(kept);
  // A local part never starts with a dot: "...john@" starts at "john".
  std::size_t lead = 0;
  while (lead < local.size() && local[lead] == '.') ++lead;
  std::size_t local_begin = i;
  for (std::size_t dropped = 0; dropped < lead; ++dropped)
    local_begin += is_open(s_[local_begin]) ? match_defang(local_begin).length : 1;
  local.erase(0, lead);
  if (local.empty() || local.size() > 64 || local.back() == '.' ||
      local.find("..") != std::string::npos)
    return;
  std::string& email = value_;
  email.assign(local);
  email.push_back('@');
  email += domain;
  std::uint32_t id = emit(Type::kEmail, local_begin, run.end, email, kCoverEmail);
  last_email_domain_ = {run.begin, run.end};
  emit(Type::kDomain, run.begin, run.end, domain, kCoverNone, id);
}

// ---------------------------------------------------------------------------------------------
// URLs and IPv6.

bool Scanner::try_url(std::size_t p) {
  if (p < url_done_) return false;
  std::size_t scheme_end, authority;
  DefangMatch m = p > 0 && is_open(s_[p - 1]) ? match_defang(p - 1) : DefangMatch{};
  if (m.kind == Defang::kColon && at(p - 1 + m.length) == '/' && at(p + m.length) == '/') {
    scheme_end = p - 1, authority = p - 1 + m.length + 2;  // http[:]//
  } else if (m.kind == Defang::kColonSlashes) {
    scheme_end = p - 1, authority = p - 1 + m.length;  // http[://]
  } else if (at(p + 1) == '/' && at(p + 2) == '/') {
    scheme_end = p, authority = p + 3;
  } else if (at(p + 1) == '\\' && at(p + 2) == '/' && at(p + 3) == '\\' && at(p + 4) == '/') {
    scheme_end = p, authority = p + 5;  // JSON-escaped "\/\/"
  } else {
    return false;
  }
  std::size_t scheme_floor = std::max(url_done_, scheme_end > 8 ? scheme_end - 8 : 0);
  std::size_t b = scheme_end;
  while (b > scheme_floor && (kCharClass[s_[b - 1]] & kAlpha)) --b;
  if (b == scheme_end || (b > 0 && alnum_or_underscore(b - 1))) return false;
  std::uint64_t written = 0;
  for (std::size_t k = 0; k < scheme_end - b; ++k)
    written |= static_cast<std::uint64_t>(static_cast<unsigned char>(lower(s_[b + k]))) << (8 * k);
  std::string_view scheme = canonical_scheme(written);
  if (scheme.empty()) return false;

  // userinfo@ (kept in the URL; "http://bank.com@evil.com/" goes to evil.com)
  // Browsers take the host after the last '@' of the authority.
  std::size_t host = authority;
  for (std::size_t k = authority; k < n_ && k < authority + 256; ++k) {
    unsigned char c = s_[k];
    if (c == '@') host = k + 1;
    if (c == '/' || c == '?' || c == '#' || !(kCharClass[c] & kUrl)) break;
  }
  std::string& host_value = host_;
  host_value.clear();
  Type host_type = Type::kDomain;
  bool host_is_observable = false;
  std::size_t host_end;
  if (at(host) == '[') {
    std::size_t close = host + 1;
    while (close < n_ && close < host + 48 &&
           ((cls(close) & kHex) || s_[close] == ':' || s_[close] == '.'))
      ++close;
    if (at(close) != ']') return false;
    std::string_view inside(reinterpret_cast<const char*>(s_ + host + 1), close - host - 1);
    auto v6 = parse_ipv6(inside);
    if (!v6) return false;
    host_value = format_ipv6(*v6);
    host_type = Type::kIpv6;
    host_is_observable = true;
    host_end = close + 1;
  } else {
    NameRun& run = host_run_;
    if (!parse_plain_name(host, run)) parse_name(host, host, run);
    if (run.count == 0 || run.begin != host) return false;
    host_end = run.end;
    bool numeric = run.count == 4;
    for (std::size_t i = 0; i < run.count && numeric; ++i) numeric = run.labels[i].digits;
    std::string& text_form = aux_;
    text_form.clear();
    if (numeric) {
      for (std::size_t i = 0; i < 4; ++i) {
        if (i) text_form.push_back('.');
        text_form.append(reinterpret_cast<const char*>(s_ + run.labels[i].begin),
                         run.labels[i].end - run.labels[i].begin);
      }
      if (auto v4 = parse_ipv4(text_form)) {
        char formatted[16];
        host_value.assign(formatted, format_ipv4(*v4, formatted));
        host_type = Type::kIpv4;
        host_is_observable = true;
      } else {
        host_value = text_form;  // octal or out-of-range: kept literally, not reported
      }
    } else if (domain_value(run, DomainContext::kUrlHost, host_value)) {
      host_is_observable = true;
    } else if (!name_value(run, host_value)) {
      return false;
    }
  }
  std::string& url = value_;
  url.assign(scheme);
  url += "://";
  url.append(reinterpret_cast<const char*>(s_ + authority), host - authority);  // userinfo@
  if (host_type == Type::kIpv6) url.push_back('[');
  url += host_value;
  if (host_type == Type::kIpv6) url.push_back(']');
  std::size_t q = host_end;
  std::size_t colon = 0;
  if (at(q) == ':') {
    colon = 1;
  } else if (is_open(at(q)) && match_defang(q).kind == Defang::kColon) {
    colon = match_defang(q).length;
  }
  if (colon && (cls(q + colon) & kDigit)) {
    std::size_t d = q + colon;
    unsigned port = 0;
    while ((cls(d) & kDigit) && d - (q + colon) < 6) port = port * 10 + (s_[d++] - '0');
    if (d - (q + colon) <= 5 && port >= 1 && port <= 65535 && !alnum_or_underscore(d)) {
      url += ':';
      url += std::to_string(port);
      q = d;
    }
  }
  std::size_t end = q;
  unsigned char c = at(q);
  if (c == '/' || c == '?' || c == '#' || (c == '\\' && at(q + 1) == '/')) {
    std::size_t k = q;
    std::size_t opens = 0, closes = 0;
    bool rewrites = false;  // a '[' '(' or "\/" that the copy below may have to rewrite
    for (;;) {
      if (k + 16 <= n_) {
        UrlRun run = url_run16(s_ + k);
        opens += run.opens;
        closes += run.closes;
        rewrites = rewrites || run.opens != 0;
        k += run.length;
        if (run.length == 16) continue;
      }
      if (k >= n_) break;
      unsigned char d = s_[k];
      std::uint16_t kd = kCharClass[d];
      if (kd & kUrl) {
        bool open = d == '(' || d == '[';
        opens += open;
        closes += (d == ')' || d == ']');
        rewrites = rewrites || open;
        ++k;
        continue;
      }
      if (d == '\\' && at(k + 1) == '/') {
        rewrites = true;
        k += 2;
        continue;
      }
      if (kd & kHigh) {
        if (const std::size_t len = label_letter_at(k)) {
          k += len;
          continue;
        }
      }
      break;
    }
    end = k;
    url_done_ = std::max(url_done_, k);
    while (end > q) {
      unsigned char t = s_[end - 1];
      if (t == '.' || t == ',' || t == ';' || t == ':' || t == '!' || t == '?' || t == '*') {
        --end;
        continue;
      }
      if ((t == ')' || t == ']') && closes > opens) {
        --closes;
        --end;
        continue;
      }
      break;
    }
    url.reserve(url.size() + (end - q));
    std::size_t copied = q;
    for (std::size_t i = rewrites ? q : end; i < end; ++i) {
      unsigned char d = s_[i];
      if (!is_open(d) && d != '\\') continue;
      std::size_t skip = 0;
      char replacement = 0;
      if (d == '\\' && at(i + 1) == '/') {
        skip = 2, replacement = '/';
      } else if (is_open(d)) {
        DefangMatch m = match_defang(i);
        if (m.kind == Defang::kDot && i + m.length <= end) skip = m.length, replacement = '.';
      }
      if (skip == 0) continue;
      url.append(reinterpret_cast<const char*>(s_ + copied), i - copied);
      url.push_back(replacement);
      i += skip - 1;
      copied = i + 1;
    }
    url.append(reinterpret_cast<const char*>(s_ + copied), end - copied);
  }
  url_done_ = std::max(url_done_, std::max(end, host_end));
  std::uint32_t id = 0;
  if (end - b > config_.max_url_bytes) {
    ++sink_.report().oversize_rejected;
  } else {
    id = emit(Type::kUrl, b, end, url, kCoverUrl);
    last_url_ = {b, end};
  }
  if (host_is_observable) emit(host_type, host, host_end, host_value, kCoverNone, id);
  return true;
}

void Scanner::handle_ipv6(std::size_t p) {
  if (p < v6_done_) return;
  bool next_ok = (cls(p + 1) & kHex) || at(p + 1) == ':';
  bool prev_ok = p > 0 && ((cls(p - 1) & kHex) || s_[p - 1] == ':');
  if (!next_ok || !(prev_ok || at(p + 1) == ':')) return;
  std::size_t floor = floor_for(p, v6_done_);
  floor = std::max(floor, p > 40 ? p - 40 : 0);
  std::size_t b = p;
  while (b > floor && ((kCharClass[s_[b - 1]] & kHex) || s_[b - 1] == ':')) --b;
  std::size_t e = p;
  std::size_t colons = 0;
  bool gap = false;
  for (; e < n_; ++e) {
    unsigned char c = s_[e];
    if (c == ':') {
      ++colons;
      gap = gap || (e > 0 && s_[e - 1] == ':');
    } else if (!(kCharClass[c] & kHex) && c != '.') {
      break;
    }
  }
  for (std::size_t k = b; k < p; ++k) colons += s_[k] == ':';
  v6_done_ = e;
  // Without "::" an address has seven colons (six with a dotted quad): "22:35:00" is a time.
  if (e - b > 45 || (!gap && colons < 6)) return;
  if (b > 0) {
    unsigned char c = s_[b - 1];
    if ((kCharClass[c] & kAlnum) || c == '_' || c == ':' || c == '.' || c == ']' || c == ')')
      return;
  }
  while (e > b && s_[e - 1] == '.') --e;
  if (e - b >= 2 && s_[e - 1] == ':' && s_[e - 2] != ':') --e;
  if (alnum_or_underscore(e)) return;
  std::string_view text(reinterpret_cast<const char*>(s_ + b), e - b);
  bool prefix_follows = at(e) == '/' && (cls(e + 1) & kDigit);
  if ((text == "::" && !prefix_follows) || std::count(text.begin(), text.end(), ':') < 2) return;
  auto v6 = parse_ipv6(text);
  if (!v6) return;
  std::string value = format_ipv6(*v6);
  std::size_t end = e;
  if (at(e) == '%') {  // zone id: part of the text, not of the address
    std::size_t z = e + 1;
    while (z < n_ && z < e + 32 && (kCharClass[s_[z]] & kLabel)) ++z;
    if (z > e + 1) end = z;
  }
  if (at(end) == '/' && (cls(end + 1) & kDigit)) {
    std::size_t q = end + 1;
    unsigned prefix = 0;
    while ((cls(q) & kDigit) && q - end <= 4) prefix = prefix * 10 + (s_[q++] - '0');
    if (q - end - 1 <= 3 && prefix <= 128 && !alnum_or_underscore(q)) {
      value += '/';
      value += std::to_string(prefix);
      emit(Type::kCidr, b, q, value, kCoverIpv6);
      v6_done_ = std::max(v6_done_, q);
      return;
    }
  }
  emit(Type::kIpv6, b, end, value, kCoverIpv6);
}

// ---------------------------------------------------------------------------------------------
// File paths and registry keys.

// A space inside a Windows path ("Program Files") is kept when the words after it lead to another
// separator soon, and the component before it has no file extension ("cmd.exe /c" ends a path).
bool Scanner::space_continues_path(std::size_t space, std::size_t component_begin) const {
  std::size_t dot = space;
  while (dot > component_begin && s_[dot - 1] != '.') --dot;
  if (dot > component_begin && space - dot >= 1 && space - dot <= 4) {
    bool ext = true;
    for (std::size_t k = dot; k < space; ++k) ext = ext && (kCharClass[s_[k]] & kAlnum);
    if (ext) return false;
  }
  std::size_t q = space + 1;
  for (int words = 0; words < 4; ++words) {
    unsigned char first = at(q);
    if (!((kCharClass[first] & kAlnum) || first == '(')) return false;
    if ((kCharClass[first] & kAlpha) && at(q + 1) == ':') return false;  // a new drive path
    while (q < n_ && q < space + 64 && (kCharClass[s_[q]] & kWinPath)) ++q;
    unsigned char stop = at(q);
    if (stop == '\\' || stop == '/') return true;
    if (stop != ' ' || q >= space + 64) return false;
    ++q;
  }
  return false;
}

// Returns the id of the emitted path, or 0 when there is no component after the root.
std::uint32_t Scanner::parse_windows_path(std::size_t begin, std::size_t body, const PathRoot& root,
                                          Type type) {
  std::size_t k = body;
  std::size_t component_begin = body;
  while (k < n_) {
    unsigned char c = s_[k];
    std::uint16_t kc = kCharClass[c];
    if (kc & kWinPath) {
      ++k;
      continue;
    }
    if (c == '\\' || c == '/') {
      while (k < n_ && (s_[k] == '\\' || s_[k] == '/')) ++k;
      component_begin = k;
      continue;
    }
    if (c == ' ' && k > component_begin && space_continues_path(k, component_begin)) {
      ++k;
      continue;
    }
    if (kc & kHigh) {
      if (const std::size_t len = label_letter_at(k)) {
        k += len;
        continue;
      }
    }
    break;
  }
  win_done_ = std::max(win_done_, k);
  std::size_t end = k;
  std::size_t opens = 0, closes = 0;
  for (std::size_t i = body; i < end; ++i) {
    opens += (s_[i] == '(' || s_[i] == '[');
    closes += (s_[i] == ')' || s_[i] == ']');
  }
  while (end > body) {
    unsigned char t = s_[end - 1];
    if (t == '.' || t == '\\' || t == '/' || t == '!' || t == ' ') {
      --end;
      continue;
    }
    if ((t == ')' || t == ']') && closes > opens) {
      --closes;
      --end;
      continue;
    }
    break;
  }
  if (end == body) return 0;  // nothing after the root (the end is never a separator)
  std::string& value = value_;
  value.assign(root.head);
  value += root.middle;
  value += root.tail;
  std::size_t components = 0;
  for (std::size_t i = body; i < end;) {
    while (i < end && (s_[i] == '\\' || s_[i] == '/')) ++i;
    std::size_t component = i;
    while (i < end && s_[i] != '\\' && s_[i] != '/') ++i;
    if (i == component) break;
    if (components++) value.push_back('\\');
    value.append(reinterpret_cast<const char*>(s_ + component), i - component);
  }
  if (components == 0) return 0;
  return emit(type, begin, end, value, kCoverFile);
}

void Scanner::handle_backslash(std::size_t p) {
  if (p < win_done_) return;
  // Registry: HKLM\..., HKLM:\..., HKEY_LOCAL_MACHINE\..., \REGISTRY\MACHINE\...
  std::size_t word_end = at(p - 1) == ':' ? p - 1 : p;
  std::size_t word_begin = word_end;
  while (word_begin > 0 && word_end - word_begin < 20 &&
         ((kCharClass[s_[word_begin - 1]] & kAlpha) || s_[word_begin - 1] == '_'))
    --word_begin;
  if (word_end - word_begin >= 3 && !alnum_or_underscore(word_begin - 1)) {
    char buf[20];
    std::size_t len = word_end - word_begin;
    for (std::size_t k = 0; k < len; ++k) buf[k] = lower(s_[word_begin + k]);
    std::string_view word(buf, len);
    for (const auto& hive : kHives) {
      if (hive.written == word) {
        std::size_t body = p;
        while (at(body) == '\\') ++body;
        parse_windows_path(word_begin, body, {hive.canonical, "\\"}, Type::kRegistry);
        return;
      }
    }
  }
  bool boundary = p == 0 || (kCharClass[s_[p - 1]] & kPathStart);
  if (boundary) {
    auto starts = [&](std::size_t at_pos, std::string_view word) {
      for (std::size_t k = 0; k < word.size(); ++k)
        if (lower(at(at_pos + k)) != word[k]) return false;
      return true;
    };
    if (starts(p + 1, "registry\\machine\\")) {
      parse_windows_path(p, p + 18, {"HKEY_LOCAL_MACHINE\\"}, Type::kRegistry);
      return;
    }
    if (starts(p + 1, "registry\\user\\")) {
      parse_windows_path(p, p + 15, {"HKEY_USERS\\"}, Type::kRegistry);
      return;
    }
  }
  // Drive: C:\...
  if (at(p - 1) == ':' && p >= 2 && (kCharClass[s_[p - 2]] & kAlpha) &&
      !alnum_or_underscore(p - 3)) {
    const char root[] = {static_cast<char>(s_[p - 2] & ~0x20), ':', '\\'};
    std::size_t body = p;
    while (at(body) == '\\') ++body;
    parse_windows_path(p - 2, body, {std::string_view(root, 3)}, Type::kFile);
    return;
  }
  // Environment variable: %APPDATA%\...
  if (at(p - 1) == '%') {
    std::size_t q = p - 1;
    while (q > 0 && p - q < 40 &&
           ((kCharClass[s_[q - 1]] & kAlnum) || s_[q - 1] == '_' || s_[q - 1] == '(' ||
            s_[q - 1] == ')'))
      --q;
    if (q > 0 && s_[q - 1] == '%' && q < p - 1 && !alnum_or_underscore(q - 2)) {
      std::string_view variable(reinterpret_cast<const char*>(s_ + q - 1), p - q + 1);
      std::size_t body = p;
      while (at(body) == '\\') ++body;
      parse_windows_path(q - 1, body, {variable, "\\"}, Type::kFile);
      return;
    }
  }
  // UNC: \\server\share\... (also JSON-escaped as four backslashes)
  if (at(p + 1) == '\\' && (p == 0 || ((kCharClass[s_[p - 1]] & kPathStart) && s_[p - 1] != ':'))) {
    std::size_t prefix = at(p + 2) == '\\' && at(p + 3) == '\\' ? 4 : 2;
    std::size_t server = p + prefix;
    std::size_t server_end = server;
    while (server_end < n_ && server_end < server + 253 &&
           ((kCharClass[s_[server_end]] & kLabel) || s_[server_end] == '.'))
      ++server_end;
    std::size_t separator = 0;
    while (at(server_end + separator) == '\\') ++separator;
    if (server_end == server || separator == 0) {
      win_done_ = std::max(win_done_, server_end);
      return;
    }
    std::string_view name(reinterpret_cast<const char*>(s_ + server), server_end - server);
    std::string& lowered = host_;
    lowered.resize(name.size());
    for (std::size_t k = 0; k < name.size(); ++k)
      lowered[k] = lower(static_cast<unsigned char>(name[k]));
    if (prefix == 2 && separator >= 2) {
      // "\\Device\\HarddiskVolume2\\..." is a JSON-escaped rooted NT path, not a UNC share.
      if (lowered == "device" || lowered == "systemroot") {
        parse_windows_path(p, server_end + separator, {"\\", name, "\\"}, Type::kFile);
      }
      win_done_ = std::max(win_done_, server_end);
      return;
    }
    std::size_t body = server_end;
    while (at(body) == '\\') ++body;
    std::uint32_t parent = parse_windows_path(p, body, {"\\\\", name, "\\"}, Type::kFile);
    if (parent == 0) return;
    if (auto v4 = parse_ipv4(lowered)) {
      char formatted[16];
      emit(Type::kIpv4, server, server_end,
           std::string_view(formatted, format_ipv4(*v4, formatted)), kCoverNone, parent);
      return;
    }
    NameRun& run = host_run_;
    parse_name(server, server, run);
    if (run.end == server_end && domain_value(run, DomainContext::kUrlHost, value_)) {
      emit(Type::kDomain, server, server_end, value_, kCoverNone, parent);
    } else if (lowered.find('.') == std::string::npos && lowered.size() <= 63) {
      emit(Type::kHost, server, server_end, lowered, kCoverNone, parent);
    }
    return;
  }
  // NT object paths: \Device\HarddiskVolume3\..., \SystemRoot\..., \??\C:\...
  if (boundary) {
    for (std::string_view root : {std::string_view("Device\\"), std::string_view("SystemRoot\\")}) {
      bool match = true;
      for (std::size_t k = 0; k < root.size() && match; ++k)
        match = lower(at(p + 1 + k)) == lower(static_cast<unsigned char>(root[k]));
      if (match) {
        parse_windows_path(p, p + 1 + root.size(), {"\\", root}, Type::kFile);
        return;
      }
    }
  }
}

void Scanner::parse_unix_path(std::size_t begin, std::size_t body) {
  std::size_t k = body;
  while (k < n_) {
    unsigned char c = s_[k];
    std::uint16_t kc = kCharClass[c];
    if ((kc & kUnixPath) || c == '/') {
      ++k;
      continue;
    }
    if (kc & kHigh) {
      if (const std::size_t len = label_letter_at(k)) {
        k += len;
        continue;
      }
    }
    break;
  }
  unix_done_ = std::max(unix_done_, k);
  std::size_t end = k;
  while (end > body && (s_[end - 1] == '.' || s_[end - 1] == '/')) --end;
  std::string& value = value_;
  value.assign(reinterpret_cast<const char*>(s_ + begin), body - begin);
  value.push_back('/');
  std::size_t components = 0;
  bool all_numeric = true;
  bool in_separator = true;
  for (std::size_t i = body; i < end; ++i) {
    unsigned char c = s_[i];
    if (c == '/') {
      if (!in_separator) value.push_back('/');
      in_separator = true;
      continue;
    }
    if (in_separator) ++components;
    in_separator = false;
    if (!(kCharClass[c] & kDigit)) all_numeric = false;
    value.push_back(static_cast<char>(c));
  }
  if (components < 2 || all_numeric) return;
  emit(Type::kFile, begin, end, value, kCoverFile);
}

void Scanner::handle_slash(std::size_t p) {
  // Drive path with forward slashes: C:/Users/...
  if (at(p - 1) == ':' && p >= 2 && (kCharClass[s_[p - 2]] & kAlpha) &&
      !alnum_or_underscore(p - 3) && at(p + 1) != '/') {
    if (p < win_done_) return;
    const char root[] = {static_cast<char>(s_[p - 2] & ~0x20), ':', '\\'};
    parse_windows_path(p - 2, p + 1, {std::string_view(root, 3)}, Type::kFile);
    return;
  }
  if (p < unix_done_) return;
  std::size_t begin = p;
  if (at(p - 1) == '~' && (p == 1 || (kCharClass[at(p - 2)] & kPathStart))) {
    begin = p - 1;
  } else if (p > 0 && !(kCharClass[s_[p - 1]] & kPathStart)) {
    return;
  }
  if (!(cls(p + 1) & kUnixPath)) return;
  parse_unix_path(begin, p);
}

// ---------------------------------------------------------------------------------------------
// Identifiers: CVE, ATT&CK, AS numbers.

void Scanner::handle_dash(std::size_t p) {
  if (p < 3 || lower(s_[p - 1]) != 'e' || lower(s_[p - 2]) != 'v' || lower(s_[p - 3]) != 'c')
    return;
  if (alnum_or_underscore(p - 4)) return;
  std::size_t q = p + 1;
  unsigned year = 0;
  for (int k = 0; k < 4; ++k, ++q) {
    if (!(cls(q) & kDigit)) return;
    year = year * 10 + (s_[q] - '0');
  }
  if (year < 1999 || year > 2099 || at(q) != '-') return;
  std::size_t seq = ++q;
  while ((cls(q) & kDigit) && q - seq < 8) ++q;
  if (q - seq < 4 || q - seq > 7 || alnum_or_underscore(q)) return;
  char value[16] = {'C', 'V', 'E', '-'};
  std::memcpy(value + 4, s_ + p + 1, 4);
  value[8] = '-';
  std::memcpy(value + 9, s_ + seq, q - seq);
  emit(Type::kCve, p - 3, q, std::string_view(value, 9 + (q - seq)));
}

// T1059, T1059.001, TA0002, G0016, S0154 at `p`. Ranges follow the ATT&CK id spaces.
bool Scanner::attack_id_at(std::size_t p, bool lower_ok, std::size_t& end, char* value,
                           std::size_t& size) const {
  unsigned char c = at(p);
  char letter = lower_ok ? static_cast<char>(lower(c) - 32) : static_cast<char>(c);
  std::size_t q = p + 1;
  bool tactic = false;
  if (letter == 'T' && (at(q) == 'A' || (lower_ok && at(q) == 'a'))) {
    tactic = true;
    ++q;
  } else if (letter != 'T' && letter != 'G' && letter != 'S') {
    return false;
  }
  unsigned number = 0;
  for (int k = 0; k < 4; ++k, ++q) {
    if (!(cls(q) & kDigit)) return false;
    number = number * 10 + (s_[q] - '0');
  }
  if (tactic ? (number < 1 || number > 99)
             : (number < (letter == 'T' ? 800u : 1u) || number > 1999))
    return false;
  size = 0;
  value[size++] = letter;
  if (tactic) value[size++] = 'A';
  std::memcpy(value + size, s_ + q - 4, 4);
  size += 4;
  if (letter == 'T' && !tactic && at(q) == '.' && (cls(q + 1) & kDigit)) {
    if (!(cls(q + 2) & kDigit) || !(cls(q + 3) & kDigit) || alnum_or_underscore(q + 4))
      return false;
    std::memcpy(value + size, s_ + q, 4);
    size += 4;
    q += 4;
  } else if (alnum_or_underscore(q)) {
    return false;
  }
  end = q;
  return true;
}

void Scanner::attack_tag(const NameRun& run) {
  // Sigma rule tags: "attack.t1059.001", "attack.g0016".
  if (run.count < 2) return;
  const Label& first = run.labels[0];
  if (first.end - first.begin != 6) return;
  static constexpr std::string_view kAttack = "attack";
  for (std::size_t k = 0; k < 6; ++k)
    if (lower(s_[first.begin + k]) != kAttack[k]) return;
  std::size_t end, size;
  char value[12];
  if (attack_id_at(run.labels[1].begin, true, end, value, size))
    emit(Type::kAttackId, run.labels[1].begin, end, std::string_view(value, size));
}

void Scanner::handle_upper(std::size_t p) {
  unsigned char c = s_[p];
  if (c == 'S' && at(p - 1) == 'A' && !alnum_or_underscore(p - 2) && (cls(p + 1) & kDigit)) {
    std::size_t q = p + 1;
    std::uint64_t number = 0;
    while ((cls(q) & kDigit) && q - p <= 11) number = number * 10 + (s_[q++] - '0');
    if (s_[p + 1] != '0' && q - p - 1 <= 10 && number >= 1 && number <= 4294967295ull &&
        !alnum_or_underscore(q))
      emit(Type::kAsn, p - 1, q, "AS" + std::to_string(number));
    return;
  }
  if (c == 'N' && lower(at(p - 1)) == 's' && lower(at(p - 2)) == 'a' &&
      !alnum_or_underscore(p - 3)) {
    std::size_t q = p + 1;
    for (int k = 0; k < 2 && (at(q) == ' ' || at(q) == ':' || at(q) == '#' || at(q) == '='); ++k)
      ++q;
    std::size_t digits = q;
    std::uint64_t number = 0;
    while ((cls(q) & kDigit) && q - digits <= 10) number = number * 10 + (s_[q++] - '0');
    if (q > digits && s_[digits] != '0' && q - digits <= 10 && number <= 4294967295ull &&
        !alnum_or_underscore(q))
      emit(Type::kAsn, p - 2, q, "AS" + std::to_string(number));
    return;
  }
  if (alnum_or_underscore(p - 1)) return;
  std::size_t end, size;
  char value[12];
  if (attack_id_at(p, false, end, value, size))
    emit(Type::kAttackId, p, end, std::string_view(value, size));
}

// ---------------------------------------------------------------------------------------------
// Long alphanumeric runs: hashes and cryptocurrency addresses.

// Eight alphanumeric bytes at once: lower-cases them into `out` and says whether they are all
// hex digits, and which of digits and letters they hold. In ASCII alphanumerics bit 0x40 is set
// exactly for letters, and a lower-case letter is a hex digit when it is at most 'f' (0x66).
struct HexChunk {
  bool hex;
  bool digit;
  bool letter;
};
inline HexChunk lower_hex_chunk(const unsigned char* in, char* out) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  std::uint64_t w;
  std::memcpy(&w, in, 8);
  std::uint64_t letters = w & (0x40 * kOnes);
  std::uint64_t lowered = w | (letters >> 1);
  std::memcpy(out, &lowered, 8);
  bool above_f = ((lowered + 0x19 * kOnes) & letters << 1 & (0x80 * kOnes)) != 0;
  return {!above_f, letters != 0x40 * kOnes, letters != 0};
}

// [b, e) is an alphanumeric run of at least 25 bytes, complete unless `open_ended` (then it goes
// on past e).
void Scanner::handle_long(std::size_t b, std::size_t e, bool open_ended) {
  constexpr std::size_t kMaxToken = 130;  // longer than any hash or address
  if (open_ended)
    while (e < n_ && (kCharClass[s_[e]] & kAlnum) && e - b <= kMaxToken) ++e;
  if (e - b > kMaxToken) return;
  std::size_t len = e - b;
  std::string_view token(reinterpret_cast<const char*>(s_ + b), len);
  if (len == 32 || len == 40 || len == 64 || len == 128) {
    std::string& value = value_;
    value.resize(len);
    bool hex = true, digit = false, letter = false;
    for (std::size_t k = 0; k < len; k += 8) {
      HexChunk chunk = lower_hex_chunk(s_ + b + k, value.data() + k);
      hex = hex && chunk.hex;
      digit = digit || chunk.digit;
      letter = letter || chunk.letter;
    }
    // All-digit or all-letter runs are counters, padding or words, not digests.
    if (hex && digit && letter) {
      Type type = len == 32   ? Type::kMd5
                  : len == 40 ? Type::kSha1
                  : len == 64 ? Type::kSha256
                              : Type::kSha512;
      emit(type, b, e, value);
      return;
    }
  }
  // Checksums cost a few hundred nanoseconds each: text made of address look-alikes gets a
  // bounded number of them (one per 256 bytes scanned, plus a start allowance); the rest are
  // counted in the report, not silently dropped.
  bool bitcoin_shaped = (len >= 26 && len <= 35 && (s_[b] == '1' || s_[b] == '3')) ||
                        (len >= 14 && len <= 90 && lower(s_[b]) == 'b' && lower(s_[b + 1]) == 'c' &&
                         s_[b + 2] == '1');
  bool monero_shaped = (len == 95 || len == 106) && (s_[b] == '4' || s_[b] == '8');
  if (!bitcoin_shaped && !monero_shaped) return;
  std::size_t allowance = 16 + b / 256;
  if (checksums_done_ >= allowance) {
    ++sink_.report().checksums_skipped;
    return;
  }
  ++checksums_done_;
  if (bitcoin_shaped && crypto_address::is_bitcoin(token)) {
    std::string& value = value_;
    value.assign(token);
    if (lower(value[0]) == 'b')
      for (char& ch : value) ch = lower(static_cast<unsigned char>(ch));
    emit(Type::kBitcoin, b, e, value);
    return;
  }
  if (monero_shaped && crypto_address::is_monero(token)) emit(Type::kMonero, b, e, token);
}

// ---------------------------------------------------------------------------------------------

// Cheap tests on the neighbours decide whether a handler can possibly match here; most anchors
// in alert text (JSON colons, dates, sentence dots, GUID dashes) stop at this point.
void Scanner::on_anchor(std::size_t p) {
  unsigned char next = at(p + 1);
  unsigned char prev = p > 0 ? s_[p - 1] : 0;
  std::uint16_t next_class = kCharClass[next];
  std::uint16_t prev_class = kCharClass[prev];
  switch (s_[p]) {
    case '.':
      if ((prev_class & (kLabel | kHigh)) && (next_class & (kLabel | kHigh)) && p >= dot_done_)
        handle_dot(p);
      break;
    case '@':  // an address's domain starts right after the '@'
      if (next_class & (kLabel | kHigh)) handle_at(p, p + 1, false);
      break;
    case ':':
      // "://", ":\\/" (JSON), or a defanged colon: "[:]//", "[://]".
      if ((next == '/' || next == '\\') ? at(p + 2) == '/'
                                        : is_open(prev) && (is_close(next) || next == ' ')) {
        if (try_url(p)) break;
      }
      if ((next_class & kHex) || next == ':') handle_ipv6(p);
      break;
    case '/':  // a drive or Unix path goes on right after the '/'
      if ((prev == ':' || prev == '~' || (prev_class & kPathStart) || p == 0) &&
          ((next_class & (kWinPath | kHigh)) || next == '\\'))
        handle_slash(p);
      break;
    case '\\':
      // Every path and key needs a component after this separator (or another separator):
      // "\\"" (JSON) and "C:\\ " end here, and leave no watermark that matters.
      if ((next_class & (kWinPath | kHigh)) || next == '\\' || next == '/') handle_backslash(p);
      break;
    case '[':
    case '(':
    case '{': {
      if (next != '.' && next != '@' && next != ':' && next != ' ' && (next | 0x20) != 'd' &&
          (next | 0x20) != 'a')
        break;
      // A dot group inside a name already parsed, an at group inside an address already seen.
      if ((next == '.' || (next | 0x20) == 'd') && p < dot_done_) break;
      if ((next == '@' || (next | 0x20) == 'a') && p < at_done_) break;
      DefangMatch m = match_defang(p);
      if (m.kind == Defang::kDot)
        handle_dot(p);
      else if (m.kind == Defang::kAt)
        handle_at(p, p + m.length, true);
      break;
    }
    case '-':
      if ((prev | 0x20) == 'e') handle_dash(p);
      break;
    default:  // T, S, N, G
      if (((next_class & kDigit) || next == 'A' || next == ' ' || next == ':' || next == '#' ||
           next == '=') &&
          (prev == 'A' || prev == 'S' || prev == 's' || !((prev_class & kAlnum) || prev == '_')))
        handle_upper(p);
      break;
  }
}

std::uint32_t Scanner::emit(Type type, std::size_t start, std::size_t end, std::string_view value,
                            CoverKind cover, std::uint32_t parent) {
  // A value already reported adds nothing, whatever would happen to this occurrence. Structures
  // still go through: they suppress what they contain.
  std::uint64_t fingerprint = FoundSink::fingerprint(type, value);
  if (cover == kCoverNone && sink_.already_reported(fingerprint)) return 0;
  std::uint32_t id = ++next_id_;
  auto value_begin = static_cast<std::uint32_t>(arena_.size());
  arena_.append(value);
  pending_min_start_ = std::min(pending_min_start_, start);
  pending_.push_back(Candidate{static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end),
                               type, cover, id, parent, value_begin,
                               static_cast<std::uint32_t>(value.size()), fingerprint});
  // Keep the pending list in finalization order; finds arrive almost sorted, so this rarely moves.
  for (std::size_t k = pending_.size() - 1;
       k > pending_head_ && comes_before(pending_[k], pending_[k - 1]); --k)
    std::swap(pending_[k], pending_[k - 1]);
  return id;
}

void Scanner::finalize(Candidate& c) {
  if (c.parent != 0) {
    std::size_t recorded = std::min(suppressed_next_, suppressed_.size());
    for (std::size_t k = 0; k < recorded; ++k)
      if (suppressed_[k] == c.parent) return;
  } else {
    for (int k = 1; k < kCoverKinds; ++k) {
      if (cover_end_[k] >= c.end && (kCovered[k] & bit(c.type))) {
        if (c.cover != kCoverNone) suppressed_[suppressed_next_++ % suppressed_.size()] = c.id;
        return;
      }
    }
  }
  if (c.cover != kCoverNone)
    cover_end_[c.cover] = std::max<std::size_t>(cover_end_[c.cover], c.end);
  sink_.add(c.type, c.start, c.end, std::string_view(arena_).substr(c.value_begin, c.value_size),
            c.fingerprint);
}

void Scanner::flush(std::size_t limit) {
  while (pending_head_ < pending_.size() && pending_[pending_head_].start < limit)
    finalize(pending_[pending_head_++]);
  pending_min_start_ = pending_head_ < pending_.size() ? pending_[pending_head_].start
                                                       : static_cast<std::size_t>(-1);
  // Drop the finalized prefix once it is the larger part, so each find is moved O(1) times.
  if (pending_head_ * 2 >= pending_.size()) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_));
    pending_head_ = 0;
    if (pending_.empty()) arena_.clear();
  }
}

// A cheap necessary condition for runs_of_25(lo, hi) != 0: 25 set bits from bit i < 64 cover
// the two whole bytes from bit 8 * ceil(i / 8) on, so some two adjacent bytes of hi:lo are 0xFF.
// Most blocks of prose and JSON fail it.
bool may_hold_run_of_25(std::uint64_t lo, std::uint64_t hi) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  std::uint64_t zero = ~lo;  // bytes of lo that are 0xFF become 0x00
  std::uint64_t full = ~(((zero & kLow7) + kLow7) | zero | kLow7);  // 0x80 where lo's byte is 0xFF
  std::uint64_t straddle = (full >> 63) & static_cast<std::uint64_t>((hi & 0xFF) == 0xFF);
  std::uint64_t next_two = static_cast<std::uint64_t>((hi & 0xFFFF) == 0xFFFF);
  return ((full & (full >> 8)) | straddle | next_two) != 0;
}

// Bit i of the result is set when bits i..i+24 of the 128-bit value (hi:lo) are all set, for
// i < 64: where an alphanumeric run of at least 25 bytes starts or continues.
std::uint64_t runs_of_25(std::uint64_t lo, std::uint64_t hi) {
  __extension__ using U128 = unsigned __int128;
  U128 x = (static_cast<U128>(hi) << 64) | lo;
  U128 t = x & (x >> 1);  // 2
  t &= t >> 2;            // 4
  t &= t >> 4;            // 8
  t &= t >> 8;            // 16
  t &= t >> 9;            // 25
  return static_cast<std::uint64_t>(t);
}

void Scanner::run() {
  const BlockMaskFn masks = masks_;
  auto block_at = [&](std::size_t base) {
    if (base >= n_) return BlockMasks{0, 0};
    if (base > 0 && base + 65 <= n_) return masks(s_ + base - 1);
    // The ends of the text: the window is padded with NUL, which matches nothing.
    unsigned char window[66] = {};
    if (base > 0) window[0] = s_[base - 1];
    std::memcpy(window + 1, s_ + base, std::min<std::size_t>(65, n_ - base));
    return masks(window);
  };
  BlockMasks current = block_at(0);
  std::uint64_t previous_alnum_top = 0;  // bit 63 of the previous block's alnum mask
  for (std::size_t base = 0; base < n_; base += 64) {
    BlockMasks next = block_at(base + 64);
    for (std::uint64_t bits = current.anchors; bits; bits &= bits - 1)
      on_anchor(base + static_cast<std::size_t>(__builtin_ctzll(bits)));
    // Hashes and addresses are alphanumeric runs of 25+ bytes: visit each such run once, at its
    // first byte (a run that began in an earlier block was visited there).
    if (may_hold_run_of_25(current.alnum, next.alnum)) {
      std::uint64_t starts = current.alnum & ~((current.alnum << 1) | previous_alnum_top);
      for (std::uint64_t bits = runs_of_25(current.alnum, next.alnum) & starts; bits;
           bits &= bits - 1) {
        auto i = static_cast<unsigned>(__builtin_ctzll(bits));
        // The run's length from the masks: up to the first clear bit of hi:lo from bit i.
        std::uint64_t rest_lo = ~(current.alnum >> i);
        std::uint64_t rest_hi = ~next.alnum;
        std::size_t length;
        if (rest_lo != 0 && (i == 0 || static_cast<unsigned>(__builtin_ctzll(rest_lo)) < 64 - i)) {
          length = static_cast<std::size_t>(__builtin_ctzll(rest_lo));
        } else {
          length = 64 - i + (rest_hi ? static_cast<std::size_t>(__builtin_ctzll(rest_hi)) : 64);
        }
        std::size_t b = base + i;
        handle_long(b, b + length, length == 128 - i);
      }
    }
    previous_alnum_top = current.alnum >> 63;
    current = next;
    // Finalizing early lets emit() drop repeats of values already reported.
    if (base > kMaxLeftReach && pending_min_start_ < base - kMaxLeftReach)
      flush(base - kMaxLeftReach);
  }
  flush(static_cast<std::size_t>(-1));
}

}  // namespace

void scan_text(const ScanConfig& config, std::string_view text, FoundSink& sink,
               BlockMaskFn masks) {
  thread_local ScanBuffers buffers;
  Scanner scanner(config, text, sink, buffers, masks ? masks : block_mask_function());
  scanner.run();
  // One huge text should not pin its memory to the thread for good.
  constexpr std::size_t kKeep = 1 << 20;
  if (buffers.arena.capacity() > kKeep) std::string().swap(buffers.arena);
  if (buffers.pending.capacity() > kKeep / sizeof(Candidate))
    std::vector<Candidate>().swap(buffers.pending);
}

}  // namespace soc::extract_detail
