// Relation-graph edges (resolves_to, has_cert, belongs_to, registered_with) from enrichments.
#include <fmt/format.h>

#include "enrich/parsers.hpp"

namespace soc {

std::vector<Relation> relations_from(const Enrichment& enrichment) {
  std::vector<Relation> out;
  if (enrichment.status != LookupStatus::kOk) return out;
  const IntelFacts& facts = enrichment.facts;
  const std::string& self = enrichment.observable;
  const bool self_is_ip = is_ip(enrichment.type);
  const bool self_is_domain =
      enrichment.type == ObservableType::kDomain || enrichment.type == ObservableType::kHost;

  for (const std::string& other : facts.resolutions) {
    if (self_is_ip) out.push_back(Relation{self, other, "resolves_to"});
    if (self_is_domain) out.push_back(Relation{other, self, "resolves_to"});
  }
  if (!facts.certificate_issuer.empty()) {
    out.push_back(Relation{self, facts.certificate_issuer, "has_cert"});
  } else if (facts.certificate_self_signed.value_or(false)) {
    out.push_back(Relation{self, "self-signed", "has_cert"});
  }
  if (facts.asn && (self_is_ip || self_is_domain))
    out.push_back(Relation{self, fmt::format("AS{}", *facts.asn), "belongs_to"});
  if (self_is_domain && !facts.registrar.empty())
    out.push_back(Relation{self, facts.registrar, "registered_with"});
  return out;
}

}  // namespace soc
