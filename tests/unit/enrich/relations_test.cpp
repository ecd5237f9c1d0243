// Relation-graph edges drawn from enrichments: resolutions, certificates, AS and registrar.
#include <gtest/gtest.h>

#include <algorithm>

#include "enrich/offline.hpp"
#include "enrich/parsers.hpp"

namespace soc {
namespace {

const std::string kIntelDir = std::string(SOC_TRIAGE_TEST_DATA_DIR) + "/enrich/intel";

Observable obs(ObservableType type, std::string value) {
  Observable o;
  o.type = type;
  o.value = std::move(value);
  return o;
}

bool has_edge(const std::vector<Relation>& edges, const std::string& from, const std::string& to,
              const std::string& type) {
  return std::any_of(edges.begin(), edges.end(), [&](const Relation& r) {
    return r.from == from && r.to == to && r.type == type;
  });
}

TEST(Relations, IpResolutionsCertificateAndAs) {
  auto vt = make_offline_virustotal(kIntelDir);
  const auto edges = relations_from(vt->lookup(obs(ObservableType::kIpv4, "203.0.113.45")));
  EXPECT_TRUE(has_edge(edges, "203.0.113.45", "doc-secure.xyz", "resolves_to"));
  EXPECT_TRUE(has_edge(edges, "203.0.113.45", "invoice-portal.example", "resolves_to"));
  EXPECT_TRUE(has_edge(edges, "203.0.113.45", "AS64500", "belongs_to"));
  EXPECT_TRUE(has_edge(edges, "203.0.113.45", "Acme Co", "has_cert"));
  EXPECT_EQ(edges.size(), 4u);
}

TEST(Relations, DomainRecordsPointFromIpToDomain) {
  auto vt = make_offline_virustotal(kIntelDir);
  const auto edges = relations_from(vt->lookup(obs(ObservableType::kDomain, "doc-secure.xyz")));
  EXPECT_TRUE(has_edge(edges, "203.0.113.45", "doc-secure.xyz", "resolves_to"));
  EXPECT_TRUE(has_edge(edges, "2001:db8::45", "doc-secure.xyz", "resolves_to"));
  EXPECT_TRUE(has_edge(edges, "doc-secure.xyz", "Let's Encrypt", "has_cert"));
  EXPECT_TRUE(has_edge(edges, "doc-secure.xyz", "NameCheap, Inc.", "registered_with"));
}

TEST(Relations, RdapRegistrarAndGreyNoiseAs) {
  auto rdap = make_offline_rdap(kIntelDir);
  const auto registrar = relations_from(rdap->lookup(obs(ObservableType::kDomain, "20c.com")));
  EXPECT_TRUE(has_edge(registrar, "20c.com", "CSL Computer Service Langenbach GmbH d/b/a joker.com",
                       "registered_with"));
  auto greynoise = make_offline_greynoise(kIntelDir);
  const auto as = relations_from(greynoise->lookup(obs(ObservableType::kIpv4, "71.6.135.131")));
  EXPECT_TRUE(has_edge(as, "71.6.135.131", "AS4134", "belongs_to"));
}

TEST(Relations, SelfSignedWithoutIssuerName) {
  Enrichment e;
  e.observable = "192.0.2.9";
  e.type = ObservableType::kIpv4;
  e.status = LookupStatus::kOk;
  e.facts.certificate_self_signed = true;
  EXPECT_TRUE(has_edge(relations_from(e), "192.0.2.9", "self-signed", "has_cert"));
}

TEST(Relations, FailedLookupsGiveNoEdges) {
  Enrichment e;
  e.observable = "192.0.2.9";
  e.type = ObservableType::kIpv4;
  e.status = LookupStatus::kError;
  e.facts.asn = 64500;
  e.facts.resolutions = {"a.example"};
  EXPECT_TRUE(relations_from(e).empty());
}

}  // namespace
}  // namespace soc
