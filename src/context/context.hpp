// Context stage contract: what the organization knows about itself, loaded from the context
// directory of contract/CONTEXT.md, and queried the way an analyst queries the SIEM.
//
// Input: a directory (every file optional). Output: an immutable Context with indexed lookups.
// Threading: immutable after load(); all queries are const and thread-safe. Failure: load()
// returns an error naming the file and line of a malformed record; missing files are unknowns.
// Every time window is given by the caller, measured from the alert's own time.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "parse/normalizer.hpp"

namespace soc {

struct Asset {
  std::string host;  // as written in the inventory (display form)
  std::string ip;
  std::string
      role;  // domain_controller, database, scada, file_server, web_server, workstation, ...
  std::string criticality;  // critical, high, medium, low
  std::string owner;
  std::string os;
  std::vector<std::string> tags;
  bool has_tag(std::string_view tag) const;
};

struct Identity {
  std::string user;
  std::string email;
  std::string display_name;
  std::string title;
  std::string department;
  std::vector<std::string> groups;
  bool vip = false;
  bool privileged = false;
  bool service_account = false;
  std::string workstation;
};

// One ECS event, reduced to the fields the investigation asks about (lower-cased keys).
struct Event {
  TimestampMs time = 0;
  std::string categories;  // ";"-joined event.category
  std::string action;
  std::string outcome;
  std::string host;
  std::string user;
  std::string source_ip;
  std::string source_host;
  std::string source_country;
  std::string destination_ip;
  std::string destination_host;
  int destination_port = 0;
  std::string process_name;
  std::string process_hash;
  std::string file_hash;
  std::string file_name;
  std::string email_from;
  std::vector<std::string> email_to;
  bool has_category(std::string_view c) const;
};

struct HistoryRecord {
  Alert alert;
  std::string verdict;    // TRUE_POSITIVE / FALSE_POSITIVE / NEEDS_REVIEW
  std::string closed_by;  // L1, L2, L3, agent
  std::optional<TimestampMs> closed_at;
};

struct TimeWindow {
  TimestampMs from = 0;  // inclusive
  TimestampMs to = 0;    // inclusive
  bool contains(TimestampMs t) const { return t >= from && t <= to; }
};

struct AuthSummary {
  int failures = 0;
  int successes = 0;
  std::optional<TimestampMs> first_success;
  std::set<std::string> users;
};

struct MailActivity {
  bool delivered = false;
  bool opened = false;
  bool clicked = false;
  bool blocked = false;  // quarantined or blocked by the gateway
  bool attachment_downloaded = false;
  bool attachment_executed = false;
  std::set<std::string> hosts_with_file;  // where the attachment landed
  std::set<std::string> recipients;       // who else received mail from that sender
};

struct ConnectionSummary {
  int attempts = 0;
  int successes = 0;
  std::set<int> ports;
};

// Who an account or a host normally talks to, and when: learned from the events before the alert.
struct Baseline {
  int events = 0;
  std::set<std::string> destinations;  // host names (or IPs when no host is known)
  std::set<int> hours;                 // local hours of day with activity
  std::set<std::string> countries;     // source countries of logons
  std::set<std::string> source_hosts;  // hosts the account logs on from
};

class Context {
 public:
  static Result<std::shared_ptr<const Context>> load(const std::string& dir,
                                                     const NormalizerRegistry& normalizers,
                                                     int utc_offset_minutes);
  static std::shared_ptr<const Context> empty();

  const std::string& dir() const { return dir_; }
  const Asset* asset_by_host(std::string_view host) const;  // case-insensitive, short or FQDN
  const Asset* asset_by_ip(std::string_view ip) const;
  const Identity* identity(std::string_view user_or_email) const;  // "DOMAIN\\user", UPN, e-mail
  std::optional<std::string> host_fact(std::string_view host, std::string_view key) const;
  // True for the organization's own mail and DNS domains (learned from the directory's e-mail
  // addresses) and their subdomains: never looked up in outside threat intelligence.
  bool is_own_domain(std::string_view domain) const;
  std::vector<std::pair<std::string, std::string>> host_facts(std::string_view host) const;
  const std::vector<HistoryRecord>& history() const { return history_; }
  std::size_t event_count() const { return events_.size(); }
  bool has_events() const { return !events_.empty(); }

  // SIEM queries. `host` arguments accept a host name or an IP; both resolve through assets.
  AuthSummary authentications_from(std::string_view source, TimeWindow window,
                                   std::string_view target_host = {}) const;
  AuthSummary authentications_of(std::string_view user, TimeWindow window) const;
  MailActivity mail_activity(std::string_view sender, const std::vector<std::string>& recipients,
                             const std::vector<std::string>& hashes, TimeWindow window) const;
  ConnectionSummary connections(std::string_view from_host, std::string_view to_host,
                                TimeWindow window) const;
  bool process_executed(std::string_view hash, TimeWindow window) const;
  Baseline user_baseline(std::string_view user, TimeWindow window) const;
  Baseline host_baseline(std::string_view host, TimeWindow window) const;

  // The canonical key of a host: the inventory's name lower-cased, or the value itself.
  std::string host_key(std::string_view host_or_ip) const;
  int local_hour(TimestampMs t) const;

 private:
  std::string dir_;
  int utc_offset_minutes_ = 0;
  std::vector<Asset> assets_;
  std::unordered_map<std::string, std::size_t> asset_by_host_;
  std::unordered_map<std::string, std::size_t> asset_by_ip_;
  std::vector<Identity> identities_;
  std::unordered_map<std::string, std::size_t> identity_by_key_;
  std::vector<std::string> own_domains_;
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> host_facts_;
  std::vector<Event> events_;  // sorted by time
  std::unordered_map<std::string, std::vector<std::uint32_t>> events_by_user_;
  std::unordered_map<std::string, std::vector<std::uint32_t>>
      events_by_host_;  // host.name, source and destination
  std::unordered_map<std::string, std::vector<std::uint32_t>> events_by_hash_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> events_by_email_;
  std::vector<HistoryRecord> history_;

  friend class ContextLoader;
};

// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of fields.
Result<std::vector<std::vector<std::string>>> parse_csv(std::string_view text,
                                                        char separator = ',');

}  // namespace soc
