// The "acme-xdr" field mapping the mapped-format tests share: the C++ twin of
// tests/data/parse/mapped/acme_xdr.yaml (config_test checks that the two agree).
#pragma once
#include "config/config.hpp"

namespace soc::parse_test {

inline ObservableMapping mapped(std::string path, MappedValueKind kind,
                                ObservableType type = ObservableType::kHost,
                                Role role = Role::kRelated) {
  return ObservableMapping{std::move(path), kind, type, role};
}

inline FormatMapping acme_xdr_mapping() {
  using K = MappedValueKind;
  using T = ObservableType;
  FormatMapping m;
  m.name = "acme-xdr";
  m.match = {{"product", "Acme XDR"}, {"event.uuid", std::nullopt}};
  m.id = "event.uuid";
  m.time = "ts";
  m.rule_name = "detection.name";
  m.rule_id = "detection.id";
  m.description = "detection.summary";
  m.severity = "sev";
  m.severity_map = {{"1", Severity::kLow},
                    {"2", Severity::kMedium},
                    {"3", Severity::kHigh},
                    {"4", Severity::kCritical}};
  m.techniques = {"mitre[].technique_id"};
  m.tactics = {"mitre[].tactic"};
  m.categories = {"category"};
  m.outcome = "result";
  m.event_count = "hits";
  m.source_country = "src.geo.country_iso";
  m.observables = {
      mapped("src.ip", K::kIp, T::kHost, Role::kSource),
      mapped("dst.ip", K::kIp, T::kHost, Role::kDestination),
      mapped("user.name", K::kFixed, T::kUser, Role::kActor),
      mapped("host.name", K::kFixed, T::kHost, Role::kTarget),
      mapped("proc.name", K::kFixed, T::kProcess, Role::kRelated),
      mapped("proc.cmd", K::kText),
      mapped("proc.parent.cmd", K::kText),
      mapped("proc.sha256", K::kHash, T::kHost, Role::kRelated),
      mapped("files[].sha256", K::kFixed, T::kSha256, Role::kAttachment),
      mapped("files[].md5", K::kHash, T::kHost, Role::kAttachment),
      mapped("files[].path", K::kFixed, T::kFile, Role::kAttachment),
      mapped("files[].name", K::kFixed, T::kFile, Role::kAttachment),
      mapped("mail.from", K::kFixed, T::kEmail, Role::kSender),
      mapped("mail.to[]", K::kFixed, T::kEmail, Role::kRecipient),
      mapped("mail.urls[]", K::kFixed, T::kUrl, Role::kRelated),
  };
  m.texts = {"message", "mail.subject", "details.*"};
  return m;
}

}  // namespace soc::parse_test
