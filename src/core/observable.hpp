// Observables (IOCs and entities) found in an alert: type, normalized value, role and origin.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soc {

enum class ObservableType : std::uint8_t {
  kIpv4,
  kIpv6,
  kDomain,
  kUrl,
  kEmail,
  kMd5,
  kSha1,
  kSha256,
  kSha512,
  kUser,
  kHost,
  kCve,
  kFile,
  kProcess,
  kRegistry,
  kCidr,
  kAttackId,
  kAsn,
  kBitcoin,
  kMonero,
};

std::string_view to_string(ObservableType type);
std::optional<ObservableType> observable_type_from_string(std::string_view name);
bool is_hash(ObservableType type);
bool is_ip(ObservableType type);
// The types decision.schema.json lists; others (cidr, attack id, ...) are kept out of decisions.
bool is_decision_type(ObservableType type);

// Where an observable sits in the story the alert tells.
enum class Role : std::uint8_t {
  kNone,
  kSource,
  kDestination,
  kSender,
  kRecipient,
  kAttachment,
  kTarget,
  kActor,
  kRelated,
};
std::string_view to_string(Role role);

struct Observable {
  ObservableType type{};
  std::string value;  // normalized: refanged, lower-cased where case does not matter
  Role role = Role::kNone;
  std::string field;         // where in the alert it was found ("source.ip", "message")
  std::uint32_t offset = 0;  // byte offset in the field's text, for free-text finds
  std::string original;      // the text as it appeared (defanged form), for free-text finds

  bool same_indicator(const Observable& other) const {
    return type == other.type && value == other.value;
  }
};

}  // namespace soc
