// The context directory: loading inventory, directory, host facts, events and history, and the
// SIEM-style queries the investigation runs over them.
#include "context/context.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/time.hpp"
#include "parse/normalizer.hpp"

namespace soc {
namespace {

namespace fs = std::filesystem;

// A scratch context directory, removed with the object.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("soc_context_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TimestampMs at(const char* text) {
  auto t = parse_time(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(0);
}

constexpr const char* kAssets = R"(host,ip,role,criticality,owner,os,tags
SRV-DC-01.corp.local,10.10.1.10,Domain_Controller,Critical,it-infra,Windows Server 2022,production; tier0
SRV-FILE-01,10.10.2.20,file_server,high,it-infra,"Windows Server 2019, Datacenter",production
WKS-MARKETING-07,10.30.7.57,workstation,medium,a.martin,Windows 11,office
WKS-FIN-01,10.30.2.11,workstation,medium,dir.financiere,Windows 11,office;finance
srv-web-prod-01,10.20.0.15,web_server,high,web-team,Ubuntu 22.04,production;internet_facing
SRV-BACKUP-01,10.10.5.10,backup_server,high,it-infra,Windows Server 2019,production
,10.99.0.1,printer,low,,,
)";

constexpr const char* kIdentities =
    R"(user,email,display_name,title,department,groups,vip,privileged,service_account,workstation
dir.financiere,Direction.Financiere@corp.fr,Claire Morel,Chief Financial Officer,Finance,Executives;Finance,true,false,false,WKS-FIN-01
a.martin,a.martin@corp.fr,"Martin, Alice",Marketing Specialist,Marketing,Marketing,false,false,false,WKS-MARKETING-07
svc-backup,,Backup service,Service account,IT,Backup Operators; Domain Admins,no,yes,1,SRV-BACKUP-01
)";

constexpr const char* kHostFacts = R"(host,key,value
srv-web-prod-01.corp.local,sshd.PermitRootLogin,no
10.20.0.15,os.version,Ubuntu 22.04.4 LTS
WKS-MARKETING-07,edr.agent,installed
)";

// Written out of time order on purpose: the loader sorts.
constexpr const char* kEvents =
    R"({"@timestamp":"2026-03-11T14:22:00Z","event":{"category":["authentication"],"action":"ssh_login","outcome":"failure"},"host":{"name":"srv-web-prod-01"},"user":{"name":"root"},"source":{"ip":"185.220.101.34","geo":{"country_iso_code":"DE"}}}
{"@timestamp":"2026-03-11T14:20:00Z","event":{"category":["authentication"],"action":"ssh_login","outcome":"failure"},"host":{"name":"srv-web-prod-01"},"user":{"name":"root"},"source":{"ip":"185.220.101.34"}}
{"@timestamp":"2026-03-11T14:21:00Z","event":{"category":["authentication"],"action":"ssh_login","outcome":"failure"},"host":{"name":"srv-web-prod-01"},"user":{"name":"admin"},"source":{"ip":"185.220.101.34"}}

{"@timestamp":"2026-03-11T14:21:30Z","event":{"category":["authentication"],"action":"logon","outcome":"failure"},"host":{"name":"SRV-FILE-01"},"user":{"name":"administrator"},"source":{"ip":"185.220.101.34"}}
{"@timestamp":"2026-03-11T14:23:00Z","event":{"category":["authentication"],"action":"ssh_login","outcome":"success"},"host":{"name":"srv-web-prod-01"},"user":{"name":"deploy"},"source":{"ip":"185.220.101.34"}}
{"@timestamp":"2026-03-11T14:24:00Z","event":{"category":["network"],"action":"connection","outcome":"success"},"host":{"name":"srv-web-prod-01"},"source":{"ip":"185.220.101.34"},"destination":{"ip":"10.20.0.15","port":22}}
{"@timestamp":"2026-02-10T08:40:13Z","event":{"category":["authentication"],"action":"logon","outcome":"success"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"a.martin"},"source":{"ip":"10.30.7.57"}}
{"@timestamp":"2026-02-10T10:05:13Z","event":{"category":["network"],"action":"connection","outcome":"success"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"a.martin"},"source":{"address":"WKS-MARKETING-07","ip":"10.30.7.57"},"destination":{"address":"SRV-FILE-01","ip":"10.10.2.20","port":445}}
{"@timestamp":"2026-02-11T07:30:00Z","event":{"category":["authentication"],"action":"vpn_logon","outcome":"success"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"A.Martin"},"source":{"ip":"198.51.100.50","geo":{"country_iso_code":"FR"}}}
{"@timestamp":"2026-02-10T22:05:13Z","event":{"category":["authentication"],"action":"logon","outcome":"success"},"host":{"name":"SRV-BACKUP-01"},"user":{"name":"svc-backup"},"source":{"address":"SRV-BACKUP-01","ip":"10.10.5.10"}}
{"@timestamp":"2026-02-10T22:15:13Z","event":{"category":["network"],"action":"connection","outcome":"success"},"host":{"name":"SRV-BACKUP-01"},"user":{"name":"svc-backup"},"source":{"address":"SRV-BACKUP-01","ip":"10.10.5.10"},"destination":{"address":"SRV-BACKUP-01","ip":"10.10.5.10","port":10000}}
{"@timestamp":"2026-03-12T02:44:00Z","event":{"category":["network"],"action":"connection","outcome":"failure"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"CORP\\svc-backup"},"source":{"ip":"10.30.7.57"},"destination":{"ip":"10.10.1.10","port":135}}
{"@timestamp":"2026-03-12T02:44:30Z","event":{"category":["network"],"action":"connection","outcome":"success"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"CORP\\svc-backup"},"source":{"ip":"10.30.7.57"},"destination":{"ip":"10.10.1.10","port":445}}
{"@timestamp":"2026-03-10T09:40:00Z","event":{"category":["email"],"action":"delivered"},"email":{"from":{"address":"Facture-Urgent@doc-secure.xyz"},"to":{"address":["Direction.Financiere@corp.fr","a.martin@corp.fr"]},"subject":"Relance"}}
{"@timestamp":"2026-03-10T09:41:00Z","event":{"category":["email"],"action":"quarantined"},"email":{"from":{"address":"facture-urgent@doc-secure.xyz"},"to":{"address":["j.leroy@corp.fr"]}}}
{"@timestamp":"2026-03-10T09:55:00Z","event":{"category":["email"],"action":"message_opened"},"host":{"name":"WKS-FIN-01"},"email":{"from":{"address":"facture-urgent@doc-secure.xyz"},"to":{"address":"direction.financiere@corp.fr"}}}
{"@timestamp":"2026-03-10T09:57:00Z","event":{"category":["email"],"action":"link_clicked"},"host":{"name":"WKS-FIN-01"},"email":{"from":{"address":"facture-urgent@doc-secure.xyz"},"to":{"address":"direction.financiere@corp.fr"}}}
{"@timestamp":"2026-03-10T09:58:00Z","event":{"category":["file"],"action":"creation"},"host":{"name":"WKS-FIN-01"},"user":{"name":"dir.financiere"},"file":{"name":"Facture_2026-0347.xlsm","hash":{"sha256":"A3F2B7D41C09E8F5B6A7C2D3E4F50617283940A1B2C3D4E5F60718293A4BC9E1"}}}
{"@timestamp":"2026-03-10T10:01:00Z","event":{"category":["process"],"action":"start"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"a.martin"},"process":{"name":"invoice.exe","hash":{"sha256":"0e5f261cb5e0536508987868a22780338db2b77e7dbab487a82c5164ac056973"}}}
)";

constexpr const char* kAttachmentHash =
    "a3f2b7d41c09e8f5b6a7c2d3e4f50617283940a1b2c3d4e5f60718293a4bc9e1";
constexpr const char* kDropperHash =
    "0e5f261cb5e0536508987868a22780338db2b77e7dbab487a82c5164ac056973";

// The scenario-3 history record as shipped in examples/, plus a generic alert closed by the agent.
constexpr const char* kHistory =
    R"({"alert":{"@timestamp":"2026-03-10T14:47:13.000Z","kibana.alert.uuid":"4d7e9a2b-6c1f-4e3d-8b5a-9f0e2d4c6a87","kibana.alert.rule.name":"Suspicious PowerShell execution","kibana.alert.rule.rule_id":"b1c3e5a7-9d2f-4b6e-8a0c-4e6f8a0b2c59","kibana.alert.severity":"medium","kibana.alert.reason":"Suspicious PowerShell execution: encoded command launched by WINWORD.EXE on WKS-MARKETING-07","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution"},"technique":[{"id":"T1059","name":"Command and Scripting Interpreter","subtechnique":[{"id":"T1059.001","name":"PowerShell"}]}]}],"event":{"kind":"signal","category":["process"],"dataset":"endpoint.events.process"},"host":{"name":"WKS-MARKETING-07"},"user":{"name":"a.martin"},"process":{"name":"powershell.exe","command_line":"powershell.exe -nop -w hidden -enc SQBFAFgAIAAo...","parent":{"name":"WINWORD.EXE"}},"ecs":{"version":"8.11.0"}},"verdict":"FALSE_POSITIVE","closed_by":"L1","closed_at":"2026-03-10T15:27:13.000Z"}

{"alert":{"title":"Port scan from 198.51.100.24","src_ip":"198.51.100.24","timestamp":"2026-03-01T10:00:00Z"},"verdict":"TRUE_POSITIVE","closed_by":"agent","closed_at":"2026-03-01T10:00:05Z"}
)";

class ContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    register_builtin_normalizers(normalizers_);
    dir_ = new ScratchDir();
    dir_->write("assets.csv", kAssets);
    dir_->write("identities.csv", kIdentities);
    dir_->write("host_facts.csv", kHostFacts);
    dir_->write("events.jsonl", kEvents);
    dir_->write("history.jsonl", kHistory);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  std::shared_ptr<const Context> load(int utc_offset_minutes = 0) {
    auto c = Context::load(dir_->path(), normalizers_, utc_offset_minutes);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : Context::empty();
  }

  static inline NormalizerRegistry normalizers_;
  static inline ScratchDir* dir_ = nullptr;
  const TimeWindow all_{at("2026-01-01"), at("2026-12-31")};
};

// --- Loading ---

TEST_F(ContextTest, LoadsEveryFile) {
  auto c = load();
  EXPECT_EQ(c->dir(), dir_->path());
  EXPECT_EQ(c->event_count(), 19u);
  EXPECT_TRUE(c->has_events());
  EXPECT_EQ(c->history().size(), 2u);
}

TEST_F(ContextTest, AssetLookupByFqdnShortNameAndIp) {
  auto c = load();
  const Asset* dc = c->asset_by_host("SRV-DC-01.corp.local");
  ASSERT_NE(dc, nullptr);
  EXPECT_EQ(dc->host, "SRV-DC-01.corp.local");
  EXPECT_EQ(dc->role, "domain_controller");  // lower-cased
  EXPECT_EQ(dc->criticality, "critical");
  EXPECT_EQ(dc->tags, (std::vector<std::string>{"production", "tier0"}));
  EXPECT_TRUE(dc->has_tag("PRODUCTION"));
  EXPECT_FALSE(dc->has_tag("pci"));
  EXPECT_EQ(c->asset_by_host("srv-dc-01"), dc);
  EXPECT_EQ(c->asset_by_host("SRV-DC-01"), dc);
  EXPECT_EQ(c->asset_by_ip("10.10.1.10"), dc);
  const Asset* file = c->asset_by_host("srv-file-01.corp.local");  // inventory has the short name
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->os, "Windows Server 2019, Datacenter");
  EXPECT_EQ(c->asset_by_ip("10.10.2.20"), file);
  EXPECT_EQ(c->asset_by_host("wks-unknown"), nullptr);
  EXPECT_EQ(c->asset_by_host(""), nullptr);
  EXPECT_EQ(c->asset_by_ip("10.0.0.1"), nullptr);
  const Asset* printer = c->asset_by_ip("10.99.0.1");
  ASSERT_NE(printer, nullptr);
  EXPECT_EQ(printer->role, "printer");
  EXPECT_TRUE(printer->host.empty());
}

TEST_F(ContextTest, IdentityByUserDomainUserEmailAndLocalPart) {
  auto c = load();
  const Identity* alice = c->identity("a.martin");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->display_name, "Martin, Alice");
  EXPECT_EQ(alice->workstation, "WKS-MARKETING-07");
  EXPECT_EQ(c->identity("CORP\\a.martin"), alice);
  EXPECT_EQ(c->identity("A.Martin@corp.fr"), alice);
  EXPECT_EQ(c->identity("  a.martin  "), alice);
  const Identity* cfo = c->identity("Direction.Financiere@corp.fr");
  ASSERT_NE(cfo, nullptr);
  EXPECT_EQ(cfo->user, "dir.financiere");
  EXPECT_EQ(cfo->email, "direction.financiere@corp.fr");
  EXPECT_TRUE(cfo->vip);
  EXPECT_FALSE(cfo->privileged);
  EXPECT_EQ(cfo->groups, (std::vector<std::string>{"Executives", "Finance"}));
  EXPECT_EQ(c->identity("direction.financiere"), cfo);            // e-mail local part
  EXPECT_EQ(c->identity("dir.financiere@partner.example"), cfo);  // local part of another domain
  const Identity* svc = c->identity("CORP\\SVC-BACKUP");
  ASSERT_NE(svc, nullptr);
  EXPECT_FALSE(svc->vip);             // "no"
  EXPECT_TRUE(svc->privileged);       // "yes"
  EXPECT_TRUE(svc->service_account);  // "1"
  EXPECT_EQ(svc->groups, (std::vector<std::string>{"Backup Operators", "Domain Admins"}));
  EXPECT_EQ(c->identity("nobody"), nullptr);
  EXPECT_EQ(c->identity(""), nullptr);
}

TEST_F(ContextTest, HostFactsResolveThroughTheInventory) {
  auto c = load();
  EXPECT_EQ(c->host_fact("srv-web-prod-01", "sshd.PermitRootLogin"), "no");
  EXPECT_EQ(c->host_fact("SRV-WEB-PROD-01", "SSHD.PERMITROOTLOGIN"), "no");
  EXPECT_EQ(c->host_fact("10.20.0.15", "os.version"), "Ubuntu 22.04.4 LTS");
  EXPECT_EQ(c->host_facts("srv-web-prod-01").size(), 2u);
  EXPECT_EQ(c->host_fact("wks-marketing-07", "edr.agent"), "installed");
  EXPECT_EQ(c->host_fact("wks-marketing-07", "missing.key"), std::nullopt);
  EXPECT_EQ(c->host_fact("unknown-host", "edr.agent"), std::nullopt);
  EXPECT_TRUE(c->host_facts("unknown-host").empty());
}

TEST_F(ContextTest, HistoryRecordsAreNormalizedAlerts) {
  auto c = load();
  const auto& history = c->history();
  ASSERT_EQ(history.size(), 2u);
  const HistoryRecord& fp = history[0];
  EXPECT_EQ(fp.alert.format, SourceFormat::kEcs);
  EXPECT_EQ(fp.alert.id, "4d7e9a2b-6c1f-4e3d-8b5a-9f0e2d4c6a87");
  EXPECT_EQ(fp.alert.rule_name, "Suspicious PowerShell execution");
  EXPECT_EQ(fp.alert.timestamp, at("2026-03-10T14:47:13Z"));
  EXPECT_EQ(fp.alert.technique_ids, (std::vector<std::string>{"T1059", "T1059.001"}));
  EXPECT_EQ(fp.verdict, "FALSE_POSITIVE");
  EXPECT_EQ(fp.closed_by, "L1");
  EXPECT_EQ(fp.closed_at, at("2026-03-10T15:27:13Z"));
  EXPECT_FALSE(fp.alert.raw.empty());
  const HistoryRecord& tp = history[1];
  EXPECT_EQ(tp.alert.format, SourceFormat::kGeneric);
  EXPECT_EQ(tp.alert.id.rfind("fp-", 0), 0u);
  EXPECT_EQ(tp.verdict, "TRUE_POSITIVE");
  EXPECT_EQ(tp.closed_by, "agent");
}

// --- Host keys ---

TEST_F(ContextTest, HostKeyCanonicalisation) {
  auto c = load();
  EXPECT_EQ(c->host_key("10.10.1.10"), "srv-dc-01.corp.local");
  EXPECT_EQ(c->host_key("SRV-DC-01"), "srv-dc-01.corp.local");
  EXPECT_EQ(c->host_key("srv-dc-01.CORP.local"), "srv-dc-01.corp.local");
  EXPECT_EQ(c->host_key("10.30.7.57"), "wks-marketing-07");
  EXPECT_EQ(c->host_key("WKS-MARKETING-07"), "wks-marketing-07");
  EXPECT_EQ(c->host_key("10.99.0.1"), "10.99.0.1");  // inventory entry without a name
  EXPECT_EQ(c->host_key("Unknown-Host"), "unknown-host");
  EXPECT_EQ(c->host_key(" 185.220.101.34 "), "185.220.101.34");
  EXPECT_EQ(c->host_key(""), "");
  EXPECT_EQ(c->host_key("   "), "");
}

TEST_F(ContextTest, LocalHourUsesTheOrganizationOffset) {
  EXPECT_EQ(load(0)->local_hour(at("2026-03-12T02:47:13Z")), 2);
  EXPECT_EQ(load(60)->local_hour(at("2026-03-12T02:47:13Z")), 3);
  EXPECT_EQ(load(-300)->local_hour(at("2026-03-12T02:47:13Z")), 21);
  EXPECT_EQ(load(330)->local_hour(at("2026-03-12T23:40:00Z")), 5);
}

// --- Authentications ---

TEST_F(ContextTest, AuthenticationsFromAnExternalIp) {
  auto c = load();
  const AuthSummary s = c->authentications_from("185.220.101.34", all_);
  EXPECT_EQ(s.failures, 4);
  EXPECT_EQ(s.successes, 1);
  EXPECT_EQ(s.first_success, at("2026-03-11T14:23:00Z"));
  EXPECT_EQ(s.users, (std::set<std::string>{"root", "admin", "administrator", "deploy"}));
}

TEST_F(ContextTest, AuthenticationWindowBoundsAreInclusive) {
  auto c = load();
  const TimeWindow exact{at("2026-03-11T14:20:00Z"), at("2026-03-11T14:22:00Z")};
  const AuthSummary inside = c->authentications_from("185.220.101.34", exact, "srv-web-prod-01");
  EXPECT_EQ(inside.failures, 3);
  EXPECT_EQ(inside.successes, 0);
  EXPECT_EQ(inside.first_success, std::nullopt);
  const TimeWindow shaved{exact.from + 1, exact.to - 1};
  EXPECT_EQ(c->authentications_from("185.220.101.34", shaved, "srv-web-prod-01").failures, 1);
  const TimeWindow before{at("2026-03-11T00:00:00Z"), at("2026-03-11T14:19:59.999Z")};
  EXPECT_EQ(c->authentications_from("185.220.101.34", before).failures, 0);
}

TEST_F(ContextTest, AuthenticationTargetFilterResolvesNamesAndIps) {
  auto c = load();
  for (const char* target :
       {"srv-web-prod-01", "SRV-WEB-PROD-01", "10.20.0.15", "srv-web-prod-01.corp.local"}) {
    const AuthSummary s = c->authentications_from("185.220.101.34", all_, target);
    EXPECT_EQ(s.failures, 3) << target;
    EXPECT_EQ(s.successes, 1) << target;
    EXPECT_EQ(s.users, (std::set<std::string>{"root", "admin", "deploy"})) << target;
  }
  const AuthSummary file = c->authentications_from("185.220.101.34", all_, "10.10.2.20");
  EXPECT_EQ(file.failures, 1);
  EXPECT_EQ(file.users, std::set<std::string>{"administrator"});
  EXPECT_EQ(c->authentications_from("185.220.101.34", all_, "srv-dc-01").failures, 0);
}

TEST_F(ContextTest, AuthenticationsFromAnInventoryHostByNameOrIp) {
  auto c = load();
  const TimeWindow feb{at("2026-02-01"), at("2026-02-28")};
  for (const char* source : {"WKS-MARKETING-07", "10.30.7.57"}) {
    const AuthSummary s = c->authentications_from(source, feb);
    EXPECT_EQ(s.successes, 1) << source;  // the 08:40 logon; the VPN logon came from elsewhere
    EXPECT_EQ(s.users, std::set<std::string>{"a.martin"}) << source;
  }
  EXPECT_EQ(c->authentications_from("203.0.113.200", all_).failures, 0);
}

TEST_F(ContextTest, AuthenticationsOfAnAccount) {
  auto c = load();
  const AuthSummary alice = c->authentications_of("a.martin", all_);
  EXPECT_EQ(alice.successes, 2);  // "A.Martin" on the VPN logon is the same account
  EXPECT_EQ(alice.first_success, at("2026-02-10T08:40:13Z"));
  EXPECT_EQ(c->authentications_of("CORP\\a.martin", all_).successes, 2);
  EXPECT_EQ(c->authentications_of("root", all_).failures, 2);
  EXPECT_EQ(c->authentications_of("nobody", all_).failures, 0);
}

// --- Connections and processes ---

TEST_F(ContextTest, ConnectionsBetweenHostsByNameOrIp) {
  auto c = load();
  const TimeWindow night{at("2026-03-12T02:00:00Z"), at("2026-03-12T02:47:13Z")};
  for (auto [from, to] :
       {std::pair{"WKS-MARKETING-07", "SRV-DC-01"}, std::pair{"10.30.7.57", "10.10.1.10"},
        std::pair{"wks-marketing-07", "srv-dc-01.corp.local"}}) {
    const ConnectionSummary s = c->connections(from, to, night);
    EXPECT_EQ(s.attempts, 2) << from << " -> " << to;
    EXPECT_EQ(s.successes, 1) << from << " -> " << to;
    EXPECT_EQ(s.ports, (std::set<int>{135, 445})) << from << " -> " << to;
  }
  const TimeWindow feb{at("2026-02-01"), at("2026-02-28")};
  EXPECT_EQ(c->connections("WKS-MARKETING-07", "SRV-DC-01", feb).attempts, 0);
  const ConnectionSummary to_file = c->connections("WKS-MARKETING-07", "SRV-FILE-01", feb);
  EXPECT_EQ(to_file.attempts, 1);
  EXPECT_EQ(to_file.ports, std::set<int>{445});
  EXPECT_EQ(c->connections("SRV-DC-01", "WKS-MARKETING-07", all_).attempts,
            0);  // direction matters
}

TEST_F(ContextTest, ConnectionFromAnExternalIpToAHostSeenOnlyByItsIp) {
  auto c = load();
  const ConnectionSummary s = c->connections("185.220.101.34", "srv-web-prod-01", all_);
  // The network event (10.20.0.15:22) and the authentications recorded on the host itself.
  EXPECT_EQ(s.ports, std::set<int>{22});
  EXPECT_GE(s.attempts, 1);
}

TEST_F(ContextTest, ProcessExecutedByHashWithinTheWindow) {
  auto c = load();
  EXPECT_TRUE(c->process_executed(kDropperHash, all_));
  EXPECT_TRUE(c->process_executed(
      "0E5F261CB5E0536508987868A22780338DB2B77E7DBAB487A82C5164AC056973", all_));
  EXPECT_FALSE(
      c->process_executed(kDropperHash, {at("2026-03-10T10:01:00.001Z"), at("2026-03-11")}));
  EXPECT_TRUE(
      c->process_executed(kDropperHash, {at("2026-03-10T10:01:00Z"), at("2026-03-10T10:01:00Z")}));
  EXPECT_FALSE(c->process_executed(kAttachmentHash, all_));  // written to disk, never run
  EXPECT_FALSE(c->process_executed("ffff", all_));
}

// --- Mail ---

TEST_F(ContextTest, MailDeliveredOpenedClickedAndDownloaded) {
  auto c = load();
  const MailActivity m = c->mail_activity(
      "facture-urgent@doc-secure.xyz", {"direction.financiere@corp.fr"}, {kAttachmentHash}, all_);
  EXPECT_TRUE(m.delivered);
  EXPECT_TRUE(m.opened);
  EXPECT_TRUE(m.clicked);
  EXPECT_FALSE(m.blocked);
  EXPECT_TRUE(m.attachment_downloaded);
  EXPECT_FALSE(m.attachment_executed);
  EXPECT_EQ(m.hosts_with_file, std::set<std::string>{"wks-fin-01"});
  EXPECT_EQ(m.recipients, (std::set<std::string>{"direction.financiere@corp.fr", "a.martin@corp.fr",
                                                 "j.leroy@corp.fr"}));
}

TEST_F(ContextTest, MailAddressesAreCaseInsensitive) {
  auto c = load();
  const MailActivity m =
      c->mail_activity("Facture-Urgent@DOC-SECURE.xyz", {"Direction.Financiere@Corp.FR"},
                       {"A3F2B7D41C09E8F5B6A7C2D3E4F50617283940A1B2C3D4E5F60718293A4BC9E1"}, all_);
  EXPECT_TRUE(m.delivered);
  EXPECT_TRUE(m.opened);
  EXPECT_TRUE(m.attachment_downloaded);
}

TEST_F(ContextTest, MailBlockedByTheGateway) {
  auto c = load();
  const MailActivity m =
      c->mail_activity("facture-urgent@doc-secure.xyz", {"j.leroy@corp.fr"}, {}, all_);
  EXPECT_TRUE(m.blocked);
  EXPECT_FALSE(m.delivered);
  EXPECT_FALSE(m.opened);
  EXPECT_FALSE(m.clicked);
}

TEST_F(ContextTest, MailDeliveredButNotOpened) {
  auto c = load();
  const MailActivity m =
      c->mail_activity("facture-urgent@doc-secure.xyz", {"a.martin@corp.fr"}, {}, all_);
  EXPECT_TRUE(m.delivered);
  EXPECT_FALSE(m.opened);
  EXPECT_FALSE(m.clicked);
  EXPECT_FALSE(m.blocked);
}

TEST_F(ContextTest, MailAttachmentExecuted) {
  auto c = load();
  const MailActivity m =
      c->mail_activity("facture-urgent@doc-secure.xyz", {"a.martin@corp.fr"}, {kDropperHash}, all_);
  EXPECT_TRUE(m.attachment_executed);
  EXPECT_FALSE(m.attachment_downloaded);
  EXPECT_EQ(m.hosts_with_file, std::set<std::string>{"wks-marketing-07"});
}

TEST_F(ContextTest, MailFromAnotherSenderOrOutsideTheWindowIsIgnored) {
  auto c = load();
  const MailActivity other =
      c->mail_activity("someone@else.example", {"direction.financiere@corp.fr"}, {}, all_);
  EXPECT_FALSE(other.delivered);
  EXPECT_FALSE(other.opened);
  EXPECT_TRUE(other.recipients.empty());
  const MailActivity early =
      c->mail_activity("facture-urgent@doc-secure.xyz", {"direction.financiere@corp.fr"},
                       {kAttachmentHash}, {at("2026-03-01"), at("2026-03-10T09:39:59Z")});
  EXPECT_FALSE(early.delivered);
  EXPECT_FALSE(early.attachment_downloaded);
  EXPECT_TRUE(early.recipients.empty());
  // No sender given: any mail to the recipient counts.
  const MailActivity any = c->mail_activity("", {"direction.financiere@corp.fr"}, {}, all_);
  EXPECT_TRUE(any.delivered);
  EXPECT_TRUE(any.recipients.empty());
}

// --- Baselines ---

TEST_F(ContextTest, UserBaselineIncludesTheLocalLogonHost) {
  auto c = load();
  const TimeWindow feb{at("2026-02-01"), at("2026-02-28")};
  const Baseline b = c->user_baseline("svc-backup", feb);
  EXPECT_EQ(b.events, 2);
  EXPECT_EQ(b.destinations, std::set<std::string>{"srv-backup-01"});
  EXPECT_EQ(b.source_hosts, std::set<std::string>{"srv-backup-01"});
  EXPECT_EQ(b.hours, std::set<int>{22});
  EXPECT_TRUE(b.countries.empty());
}

TEST_F(ContextTest, UserBaselineHoursInTheOrganizationsOffset) {
  const TimeWindow feb{at("2026-02-01"), at("2026-02-28")};
  EXPECT_EQ(load(60)->user_baseline("svc-backup", feb).hours, std::set<int>{23});
  EXPECT_EQ(load(120)->user_baseline("svc-backup", feb).hours, std::set<int>{0});
  EXPECT_EQ(load(-600)->user_baseline("svc-backup", feb).hours, std::set<int>{12});
}

TEST_F(ContextTest, UserBaselineDestinationsCountriesAndSources) {
  auto c = load();
  const TimeWindow feb{at("2026-02-01"), at("2026-02-28")};
  const Baseline b = c->user_baseline("A.Martin", feb);
  EXPECT_EQ(b.events, 3);
  EXPECT_EQ(b.destinations, (std::set<std::string>{"wks-marketing-07", "srv-file-01"}));
  EXPECT_EQ(b.source_hosts, (std::set<std::string>{"wks-marketing-07", "198.51.100.50"}));
  EXPECT_EQ(b.countries, std::set<std::string>{"FR"});
  EXPECT_EQ(b.hours, (std::set<int>{7, 8, 10}));
}

TEST_F(ContextTest, UserBaselineByDomainAccountSeesTheNightConnections) {
  auto c = load();
  const TimeWindow night{at("2026-03-12T00:00:00Z"), at("2026-03-12T03:00:00Z")};
  const Baseline b = c->user_baseline("CORP\\svc-backup", night);
  EXPECT_EQ(b.events, 2);
  EXPECT_EQ(b.destinations, std::set<std::string>{"srv-dc-01.corp.local"});
  EXPECT_EQ(b.source_hosts, std::set<std::string>{"wks-marketing-07"});
  EXPECT_EQ(b.hours, std::set<int>{2});
}

TEST_F(ContextTest, HostBaselineCountsWhatTheHostInitiated) {
  auto c = load();
  const TimeWindow feb{at("2026-02-01"), at("2026-02-28")};
  const Baseline b = c->host_baseline("WKS-MARKETING-07", feb);
  EXPECT_EQ(b.events,
            2);  // the local logon and the SMB connection; the VPN logon came from outside
  EXPECT_EQ(b.destinations, std::set<std::string>{"srv-file-01"});  // itself excluded
  EXPECT_EQ(b.hours, (std::set<int>{8, 10}));
  EXPECT_EQ(c->host_baseline("10.30.7.57", feb).events, 2);
  EXPECT_TRUE(
      c->host_baseline("WKS-MARKETING-07", feb).destinations.count("srv-dc-01.corp.local") == 0);
  const Baseline none = c->host_baseline("unknown-host", all_);
  EXPECT_EQ(none.events, 0);
  EXPECT_TRUE(none.destinations.empty());
}

TEST_F(ContextTest, EmptyContextAnswersEveryQueryWithNothing) {
  auto c = Context::empty();
  EXPECT_FALSE(c->has_events());
  EXPECT_EQ(c->event_count(), 0u);
  EXPECT_EQ(c->asset_by_host("srv-dc-01"), nullptr);
  EXPECT_EQ(c->identity("a.martin"), nullptr);
  EXPECT_EQ(c->authentications_from("185.220.101.34", all_).failures, 0);
  EXPECT_FALSE(c->mail_activity("a@b.c", {"d@e.f"}, {"00"}, all_).delivered);
  EXPECT_EQ(c->connections("a", "b", all_).attempts, 0);
  EXPECT_FALSE(c->process_executed("00", all_));
  EXPECT_EQ(c->user_baseline("a", all_).events, 0);
  EXPECT_EQ(c->host_key("Host-1"), "host-1");
  EXPECT_TRUE(c->history().empty());
}

// --- Failure modes ---

class ContextLoadFailures : public ::testing::Test {
 protected:
  ContextLoadFailures() { register_builtin_normalizers(normalizers_); }
  Result<std::shared_ptr<const Context>> load() {
    return Context::load(dir_.path(), normalizers_, 0);
  }
  NormalizerRegistry normalizers_;
  ScratchDir dir_;
};

TEST_F(ContextLoadFailures, EmptyDirectoryIsAnEmptyContext) {
  auto c = load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE((*c)->has_events());
  EXPECT_TRUE((*c)->history().empty());
  EXPECT_EQ((*c)->asset_by_host("srv-dc-01"), nullptr);
}

TEST_F(ContextLoadFailures, OnlySomeFilesPresent) {
  dir_.write("identities.csv", kIdentities);
  auto c = load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NE((*c)->identity("a.martin"), nullptr);
  EXPECT_EQ((*c)->event_count(), 0u);
}

TEST_F(ContextLoadFailures, HeaderOnlyAndEmptyFilesAreFine) {
  dir_.write("assets.csv", "host,ip,role,criticality\n");
  dir_.write("identities.csv", "");
  dir_.write("events.jsonl", "\n\n");
  dir_.write("history.jsonl", "");
  auto c = load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->event_count(), 0u);
}

TEST_F(ContextLoadFailures, MissingDirectoryIsNotFound) {
  NormalizerRegistry registry;
  auto c = Context::load(dir_.path() + "/no-such-dir", registry, 0);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_NE(c.error().message.find("no-such-dir"), std::string::npos);
  dir_.write("a-file", "x");
  auto file = Context::load(dir_.path() + "/a-file", registry, 0);
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, ErrorCode::kNotFound);
}

TEST_F(ContextLoadFailures, MalformedEventLineNamesFileAndLine) {
  dir_.write("events.jsonl",
             "{\"@timestamp\":\"2026-03-11T14:20:00Z\",\"host\":{\"name\":\"a\"}}\n\n{\"@"
             "timestamp\": broken\n");
  auto c = load();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kParseError);
  EXPECT_NE(c.error().message.find("events.jsonl:3"), std::string::npos) << c.error().message;
}

TEST_F(ContextLoadFailures, EventWithoutTimestampNamesFileAndLine) {
  dir_.write("events.jsonl",
             "{\"@timestamp\":\"2026-03-11T14:20:00Z\"}\n{\"host\":{\"name\":\"a\"}}\n");
  auto c = load();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kParseError);
  EXPECT_NE(c.error().message.find("events.jsonl:2"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("@timestamp"), std::string::npos) << c.error().message;
}

TEST_F(ContextLoadFailures, EventCreatedIsAcceptedAsTheTime) {
  dir_.write("events.jsonl",
             R"({"event":{"created":"2026-03-11T14:20:00Z","category":"authentication",)"
             R"("outcome":"failure"},"source":{"ip":"192.0.2.1"},"host":{"name":"h"}})");
  auto c = load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)->authentications_from("192.0.2.1", {at("2026-03-11"), at("2026-03-12")}).failures,
            1);
}

TEST_F(ContextLoadFailures, MalformedCsvNamesTheFile) {
  dir_.write("assets.csv", "host,ip,role,criticality\n\"SRV-1,10.0.0.1,web,high\n");
  auto c = load();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kParseError);
  EXPECT_NE(c.error().message.find("assets.csv"), std::string::npos) << c.error().message;
}

TEST_F(ContextLoadFailures, CsvHeaderMissingARequiredColumn) {
  dir_.write("host_facts.csv", "host,value\nsrv,1\n");
  auto c = load();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kParseError);
  EXPECT_NE(c.error().message.find("host_facts.csv"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("'key'"), std::string::npos) << c.error().message;
}

TEST_F(ContextLoadFailures, HistoryLineProblemsNameTheLine) {
  const std::string good =
      R"({"alert":{"title":"x"},"verdict":"FALSE_POSITIVE","closed_by":"L1","closed_at":"2026-03-01T00:00:00Z"})";
  struct Case {
    std::string second_line;
    ErrorCode code;
    const char* words;
  };
  for (const Case& k :
       {Case{R"({"alert":{"title":"y"},"verdict":"MAYBE"})", ErrorCode::kParseError, "verdict"},
        Case{R"({"verdict":"TRUE_POSITIVE"})", ErrorCode::kParseError, "alert"},
        Case{R"({"alert":{"foo":"bar"},"verdict":"TRUE_POSITIVE"})", ErrorCode::kNotAnAlert,
             "history.jsonl:2"},
        Case{R"({"alert":)", ErrorCode::kParseError, "history.jsonl:2"}}) {
    dir_.write("history.jsonl", good + "\n" + k.second_line + "\n");
    auto c = load();
    ASSERT_FALSE(c) << k.second_line;
    EXPECT_EQ(c.error().code, k.code) << k.second_line;
    EXPECT_NE(c.error().message.find("history.jsonl:2"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find(k.words), std::string::npos) << c.error().message;
  }
}

TEST_F(ContextLoadFailures, UserPrincipalNamesMatchTheAccount) {
  // account_key() documents "alice@corp.fr" -> "alice": events logged with a UPN must count for
  // the account, and a query by UPN must find events logged with the bare name.
  dir_.write(
      "events.jsonl",
      R"({"@timestamp":"2026-03-11T08:00:00Z","event":{"category":["authentication"],"outcome":"success"},)"
      R"("host":{"name":"wks-1"},"user":{"name":"Alice@corp.fr"}})"
      "\n"
      R"({"@timestamp":"2026-03-11T09:00:00Z","event":{"category":["authentication"],"outcome":"success"},)"
      R"("host":{"name":"wks-1"},"user":{"name":"alice"}})"
      "\n");
  auto c = load();
  ASSERT_TRUE(c) << c.error().message;
  const TimeWindow day{at("2026-03-11"), at("2026-03-12")};
  EXPECT_EQ((*c)->authentications_of("alice", day).successes, 2);
  EXPECT_EQ((*c)->authentications_of("alice@corp.fr", day).successes, 2);
  EXPECT_EQ((*c)->user_baseline("CORP\\alice", day).events, 2);
}

TEST_F(ContextLoadFailures, HostNamesStartingWithADigitHaveShortNamesToo) {
  // "3par-01" is a valid host name (RFC 1123); only IP addresses must escape shortening.
  dir_.write("assets.csv", "host,ip,role,criticality\n3PAR-01.corp.local,10.10.9.9,storage,high\n");
  auto c = load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NE((*c)->asset_by_host("3PAR-01.corp.local"), nullptr);
  EXPECT_NE((*c)->asset_by_host("3par-01"), nullptr);
  EXPECT_EQ((*c)->host_key("3par-01"), "3par-01.corp.local");
}

}  // namespace
}  // namespace soc
