// Names of observable types and roles, as they appear in JSON.
#include "core/observable.hpp"

#include <array>
#include <utility>

namespace soc {
namespace {
constexpr std::array<std::pair<ObservableType, std::string_view>, 20> kTypeNames{{
    {ObservableType::kIpv4, "ipv4"},          {ObservableType::kIpv6, "ipv6"},
    {ObservableType::kDomain, "domain"},      {ObservableType::kUrl, "url"},
    {ObservableType::kEmail, "email"},        {ObservableType::kMd5, "md5"},
    {ObservableType::kSha1, "sha1"},          {ObservableType::kSha256, "sha256"},
    {ObservableType::kSha512, "sha512"},      {ObservableType::kUser, "user"},
    {ObservableType::kHost, "host"},          {ObservableType::kCve, "cve"},
    {ObservableType::kFile, "file"},          {ObservableType::kProcess, "process"},
    {ObservableType::kRegistry, "registry"},  {ObservableType::kCidr, "cidr"},
    {ObservableType::kAttackId, "attack_id"}, {ObservableType::kAsn, "asn"},
    {ObservableType::kBitcoin, "bitcoin"},    {ObservableType::kMonero, "monero"},
}};
}  // namespace

std::string_view to_string(ObservableType type) {
  for (const auto& [t, name] : kTypeNames)
    if (t == type) return name;
  return "unknown";
}

std::optional<ObservableType> observable_type_from_string(std::string_view name) {
  for (const auto& [t, n] : kTypeNames)
    if (n == name) return t;
  return std::nullopt;
}

bool is_hash(ObservableType type) {
  return type == ObservableType::kMd5 || type == ObservableType::kSha1 ||
         type == ObservableType::kSha256 || type == ObservableType::kSha512;
}

bool is_ip(ObservableType type) {
  return type == ObservableType::kIpv4 || type == ObservableType::kIpv6;
}

bool is_decision_type(ObservableType type) {
  switch (type) {
    case ObservableType::kCidr:
    case ObservableType::kAttackId:
    case ObservableType::kAsn:
    case ObservableType::kBitcoin:
    case ObservableType::kMonero:
    case ObservableType::kSha512:
      return false;
    default:
      return true;
  }
}

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kNone:
      return "";
    case Role::kSource:
      return "source";
    case Role::kDestination:
      return "destination";
    case Role::kSender:
      return "sender";
    case Role::kRecipient:
      return "recipient";
    case Role::kAttachment:
      return "attachment";
    case Role::kTarget:
      return "target";
    case Role::kActor:
      return "actor";
    case Role::kRelated:
      return "related";
  }
  return "";
}

}  // namespace soc
