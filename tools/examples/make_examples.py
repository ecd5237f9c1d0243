#!/usr/bin/env python3
"""Writes the three reference scenarios of SPEC section 7 under examples/, as data.

Each scenario is an alert in a real SIEM format (Elastic Security / ECS) plus a context
directory laid out as contract/CONTEXT.md says: inventory, directory, host facts, 30 days of
ECS events, alert history, and vendor-native threat-intelligence responses. The output is
committed; run this script again only to change the scenarios. Deterministic: no randomness,
no wall clock.
"""
import json
import os
import shutil
from datetime import datetime, timedelta, timezone

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
UTC = timezone.utc


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)


def write_json(path, obj):
    write(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def write_jsonl(path, rows):
    write(path, "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows))


ASSETS = """host,ip,role,criticality,owner,os,tags
SRV-DC-01,10.10.1.10,domain_controller,critical,it-infra,Windows Server 2022,production;tier0
SRV-FILE-01,10.10.2.20,file_server,high,it-infra,Windows Server 2019,production
SRV-SQL-PROD,10.10.3.30,database,critical,it-data,Windows Server 2022,production;pci
SRV-BACKUP-01,10.10.5.10,backup_server,high,it-infra,Windows Server 2019,production
srv-web-prod-01,10.20.0.15,web_server,high,web-team,Ubuntu 22.04,production;internet_facing
SRV-MAIL-GW,10.10.6.5,mail_gateway,high,it-messaging,Linux,production;internet_facing
PROXY-01,10.10.6.8,proxy,high,it-network,Linux,production
WKS-MARKETING-07,10.30.7.57,workstation,medium,a.martin,Windows 11,office
WKS-FIN-01,10.30.2.11,workstation,medium,dir.financiere,Windows 11,office;finance
WKS-IT-02,10.30.9.12,workstation,medium,j.leroy,Windows 11,office;admin
"""

IDENTITIES = """user,email,display_name,title,department,groups,vip,privileged,service_account,workstation
dir.financiere,direction.financiere@corp.fr,Claire Morel,Chief Financial Officer,Finance,Executives;Finance,true,false,false,WKS-FIN-01
a.martin,a.martin@corp.fr,Alice Martin,Marketing Specialist,Marketing,Marketing,false,false,false,WKS-MARKETING-07
j.leroy,j.leroy@corp.fr,Julien Leroy,Systems Administrator,IT,IT;Server Operators,false,true,false,WKS-IT-02
svc-backup,,Backup service,Service account,IT,Backup Operators,false,true,true,SRV-BACKUP-01
"""


def common_context(ctx):
    write(os.path.join(ctx, "assets.csv"), ASSETS)
    write(os.path.join(ctx, "identities.csv"), IDENTITIES)


def office_noise(start, days):
    """Ordinary office activity: logons and file-share access in business hours."""
    rows = []
    for d in range(days):
        day = start + timedelta(days=d)
        if day.weekday() >= 5:
            continue
        for user, wks, ip in (("a.martin", "WKS-MARKETING-07", "10.30.7.57"),
                              ("dir.financiere", "WKS-FIN-01", "10.30.2.11"),
                              ("j.leroy", "WKS-IT-02", "10.30.9.12")):
            t = day.replace(hour=8, minute=40 + d % 15)
            rows.append({"@timestamp": iso(t), "event": {"category": ["authentication"], "action": "logon",
                         "outcome": "success"}, "host": {"name": wks}, "user": {"name": user},
                         "source": {"ip": ip}})
            t2 = day.replace(hour=10, minute=5 + d % 20)
            rows.append({"@timestamp": iso(t2), "event": {"category": ["network"], "action": "connection",
                         "outcome": "success"}, "host": {"name": wks}, "user": {"name": user},
                         "source": {"address": wks, "ip": ip},
                         "destination": {"address": "SRV-FILE-01", "ip": "10.10.2.20", "port": 445}})
            t3 = day.replace(hour=14, minute=12 + d % 30)
            rows.append({"@timestamp": iso(t3), "event": {"category": ["network"], "action": "connection",
                         "outcome": "success"}, "host": {"name": wks}, "user": {"name": user},
                         "source": {"address": wks, "ip": ip},
                         "destination": {"address": "PROXY-01", "ip": "10.10.6.8", "port": 8080}})
    return rows


# ---------------------------------------------------------------------------------------------
def scenario_phishing():
    base = os.path.join(ROOT, "scenario-1-phishing-attachment")
    ctx = os.path.join(base, "context")
    shutil.rmtree(base, ignore_errors=True)
    common_context(ctx)
    t = datetime(2026, 3, 10, 9, 42, 5, tzinfo=UTC)
    sha256 = "a3f2b7d41c09e8f5b6a7c2d3e4f50617283940a1b2c3d4e5f60718293a4bc9e1"
    sender, recipient = "facture-urgent@doc-secure.xyz", "direction.financiere@corp.fr"
    alert = {
        "@timestamp": iso(t),
        "kibana.alert.uuid": "5b0f2c1e-9a47-4d8e-b1a3-6c2f0e9d7a11",
        "kibana.alert.rule.name": "Email gateway - Suspicious attachment detected",
        "kibana.alert.rule.rule_id": "d7a3c9e2-4b1f-4f0a-9e6d-2c8b5a1f3e70",
        "kibana.alert.rule.uuid": "0c4e1b9a-2f3d-4a6b-8c7e-5d9f1a2b3c4d",
        "kibana.alert.rule.category": "Custom Query Rule",
        "kibana.alert.severity": "high",
        "kibana.alert.risk_score": 73,
        "kibana.alert.reason": f"Email gateway - Suspicious attachment detected - hash: {sha256} - "
                               f"recipient: {recipient} - sender: {sender}",
        "kibana.alert.original_time": iso(t),
        "kibana.alert.workflow_status": "open",
        "kibana.alert.rule.threat": [{
            "framework": "MITRE ATT&CK",
            "tactic": {"id": "TA0001", "name": "Initial Access", "reference": "https://attack.mitre.org/tactics/TA0001/"},
            "technique": [{"id": "T1566", "name": "Phishing", "reference": "https://attack.mitre.org/techniques/T1566/",
                           "subtechnique": [{"id": "T1566.001", "name": "Spearphishing Attachment",
                                             "reference": "https://attack.mitre.org/techniques/T1566/001/"}]}]}],
        "event": {"kind": "signal", "category": ["email"], "dataset": "email_gateway.alert", "module": "email_gateway"},
        "observer": {"name": "SRV-MAIL-GW", "type": "email-gateway", "vendor": "Corp"},
        "email": {
            "from": {"address": [sender]},
            "to": {"address": [recipient]},
            "subject": "Relance : facture impayee n.2026-0347 - action requise sous 24h",
            "message_id": "<20260310093931.4f2a@doc-secure.xyz>",
            "attachments": [{"file": {"name": "Facture_2026-0347.xlsm", "size": 48213,
                                      "mime_type": "application/vnd.ms-excel.sheet.macroEnabled.12",
                                      "hash": {"sha256": sha256}}}],
        },
        "ecs": {"version": "8.11.0"},
    }
    write_json(os.path.join(base, "alert.json"), alert)

    events = office_noise(t - timedelta(days=30), 30)
    events += [
        {"@timestamp": iso(t - timedelta(minutes=11)), "event": {"category": ["email"], "action": "delivered",
         "outcome": "success"}, "host": {"name": "SRV-MAIL-GW"}, "email": {"from": {"address": [sender]},
         "to": {"address": [recipient]}, "subject": alert["email"]["subject"]}},
        {"@timestamp": iso(t - timedelta(minutes=6)), "event": {"category": ["email"], "action": "opened",
         "outcome": "success"}, "host": {"name": "WKS-FIN-01"}, "user": {"name": "dir.financiere"},
         "email": {"from": {"address": [sender]}, "to": {"address": [recipient]}}},
        {"@timestamp": iso(t - timedelta(minutes=5)), "event": {"category": ["file"], "action": "creation",
         "outcome": "success"}, "host": {"name": "WKS-FIN-01"}, "user": {"name": "dir.financiere"},
         "file": {"name": "Facture_2026-0347.xlsm",
                  "path": "C:\\Users\\dir.financiere\\Downloads\\Facture_2026-0347.xlsm",
                  "hash": {"sha256": sha256}}},
    ]
    events.sort(key=lambda r: r["@timestamp"])
    write_jsonl(os.path.join(ctx, "events.jsonl"), events)
    write(os.path.join(ctx, "host_facts.csv"), "host,key,value\nWKS-FIN-01,edr.agent,installed\n")

    first = int((t - timedelta(hours=2)).timestamp())
    vt = {"data": {"id": sha256, "type": "file", "links": {"self": f"https://www.virustotal.com/api/v3/files/{sha256}"},
                   "attributes": {
                       "first_submission_date": first, "last_submission_date": first + 3600,
                       "last_analysis_date": first + 3600, "times_submitted": 14, "reputation": -45,
                       "meaningful_name": "Facture_2026-0347.xlsm", "type_description": "Office Open XML Spreadsheet",
                       "type_tag": "xlsx", "size": 48213, "sha256": sha256,
                       "md5": "6e1f0a3b2c4d5e6f708192a3b4c5d6e7", "sha1": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
                       "tags": ["macros", "xlsm", "run-file", "downloads-exe"],
                       "last_analysis_stats": {"malicious": 47, "suspicious": 0, "undetected": 25, "harmless": 0,
                                               "timeout": 0, "confirmed-timeout": 0, "failure": 1,
                                               "type-unsupported": 4},
                       "popular_threat_classification": {
                           "suggested_threat_label": "trojan.agenttesla/msil",
                           "popular_threat_category": [{"count": 31, "value": "trojan"},
                                                       {"count": 12, "value": "downloader"}],
                           "popular_threat_name": [{"count": 26, "value": "agenttesla"},
                                                   {"count": 7, "value": "msil"}]},
                       "last_analysis_results": {
                           "ESET-NOD32": {"category": "malicious", "engine_name": "ESET-NOD32",
                                          "result": "VBA/TrojanDownloader.Agent.ZQX", "method": "blacklist"},
                           "Kaspersky": {"category": "malicious", "engine_name": "Kaspersky",
                                         "result": "HEUR:Trojan-Downloader.MSOffice.SLoad.gen", "method": "blacklist"},
                           "Microsoft": {"category": "malicious", "engine_name": "Microsoft",
                                         "result": "Trojan:O97M/AgentTesla.RVA!MTB", "method": "blacklist"},
                           "ClamAV": {"category": "undetected", "engine_name": "ClamAV", "result": None,
                                      "method": "blacklist"}}}}}
    write_json(os.path.join(ctx, "intel", "virustotal", "files", sha256 + ".json"), vt)

    registered = t - timedelta(hours=48)
    rdap = {
        "objectClassName": "domain", "handle": "D436710913-CNIC", "ldhName": "doc-secure.xyz",
        "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_0", "icann_rdap_technical_implementation_guide_0",
                            "redacted"],
        "status": ["client transfer prohibited", "server transfer prohibited", "add period"],
        "events": [{"eventAction": "registration", "eventDate": registered.strftime("%Y-%m-%dT%H:%M:%S.0Z")},
                   {"eventAction": "expiration", "eventDate": (registered + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%S.0Z")},
                   {"eventAction": "last update of RDAP database", "eventDate": iso(t - timedelta(hours=1))}],
        "entities": [
            {"objectClassName": "entity", "handle": "1068", "roles": ["registrar"],
             "publicIds": [{"type": "IANA Registrar ID", "identifier": "1068"}],
             "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "NameCheap, Inc."]]],
             "entities": [{"objectClassName": "entity", "roles": ["abuse"],
                           "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse contact"],
                                                    ["email", {}, "text", "abuse@namecheap.com"]]]}]},
            {"objectClassName": "entity", "handle": "", "roles": ["registrant"],
             "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Redacted for Privacy"],
                                      ["org", {}, "text", "Privacy service provided by Withheld for Privacy ehf"],
                                      ["adr", {"cc": "IS"}, "text", ["", "", "", "", "", "", ""]]]],
             "remarks": [{"title": "REDACTED FOR PRIVACY",
                          "description": ["Some of the data in this object has been removed."],
                          "type": "object redacted due to authorization"}]}],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": "dns1.registrar-servers.com"},
                        {"objectClassName": "nameserver", "ldhName": "dns2.registrar-servers.com"}],
        "secureDNS": {"delegationSigned": False},
        "redacted": [{"name": {"type": "Registrant Name"}, "method": "removal", "reason": {"type": "Server policy"}},
                     {"name": {"type": "Registrant Email"}, "method": "replacement"}],
        "notices": [{"title": "Terms of Use", "description": ["Service subject to Terms of Use."]}],
    }
    write_json(os.path.join(ctx, "intel", "rdap", "domain", "doc-secure.xyz.json"), rdap)


# ---------------------------------------------------------------------------------------------
def scenario_ssh():
    base = os.path.join(ROOT, "scenario-2-ssh-brute-force")
    ctx = os.path.join(base, "context")
    shutil.rmtree(base, ignore_errors=True)
    common_context(ctx)
    t = datetime(2026, 3, 11, 14, 23, 40, tzinfo=UTC)
    ip = "185.220.101.34"
    alert = {
        "@timestamp": iso(t),
        "kibana.alert.uuid": "9e1d4c7b-3a2f-4b8e-a6d5-1f0c9b8a7e62",
        "kibana.alert.rule.name": "Failed SSH login attempts > 50 in 5 min",
        "kibana.alert.rule.rule_id": "a4f1e7c2-8d3b-4e9a-b2c6-7f1d0e5a9b38",
        "kibana.alert.rule.type": "threshold",
        "kibana.alert.severity": "medium",
        "kibana.alert.risk_score": 47,
        "kibana.alert.reason": f"Failed SSH login attempts > 50 in 5 min - source: {ip} - target: srv-web-prod-01 - user: root",
        "kibana.alert.original_time": iso(t),
        "kibana.alert.threshold_result": {"count": 57, "from": iso(t - timedelta(minutes=5)),
                                          "terms": [{"field": "source.ip", "value": ip}]},
        "event": {"kind": "signal", "category": ["authentication"], "action": "ssh_login", "outcome": "failure",
                  "dataset": "system.auth"},
        "source": {"ip": ip, "geo": {"country_iso_code": "DE"}},
        "host": {"name": "srv-web-prod-01", "os": {"name": "Ubuntu"}},
        "user": {"name": "root"},
        "process": {"name": "sshd"},
        "ecs": {"version": "8.11.0"},
    }
    write_json(os.path.join(base, "alert.json"), alert)

    events = office_noise(t - timedelta(days=30), 30)
    for d in range(30):  # the web team's daily deployment logins from the admin workstation
        day = t - timedelta(days=30 - d)
        events.append({"@timestamp": iso(day.replace(hour=9, minute=15)), "event": {"category": ["authentication"],
                       "action": "ssh_login", "outcome": "success"}, "host": {"name": "srv-web-prod-01"},
                       "user": {"name": "deploy"}, "source": {"ip": "10.30.9.12"}})
    for i in range(57):
        events.append({"@timestamp": iso(t - timedelta(seconds=290 - i * 5)), "event": {"category": ["authentication"],
                       "action": "ssh_login", "outcome": "failure"}, "host": {"name": "srv-web-prod-01"},
                       "user": {"name": "root" if i % 3 else "admin"}, "source": {"ip": ip, "geo": {"country_iso_code": "DE"}},
                       "process": {"name": "sshd"}})
    events.sort(key=lambda r: r["@timestamp"])
    write_jsonl(os.path.join(ctx, "events.jsonl"), events)
    write(os.path.join(ctx, "host_facts.csv"),
          "host,key,value\nsrv-web-prod-01,sshd.PermitRootLogin,no\nsrv-web-prod-01,os.version,Ubuntu 22.04.4 LTS\n")

    reports = []
    for i, cats in enumerate(([18, 22], [18, 22], [22], [18, 14, 22], [18, 22])):
        reports.append({"reportedAt": iso(t - timedelta(hours=3 + 7 * i)).replace(".000Z", "+00:00"),
                        "comment": "sshd: Failed password for root from port 4" + str(1000 + i) + " ssh2",
                        "categories": cats, "reporterId": 10000 + i, "reporterCountryCode": "US",
                        "reporterCountryName": "United States of America"})
    abuse = {"data": {"ipAddress": ip, "isPublic": True, "ipVersion": 4, "isWhitelisted": False,
                      "abuseConfidenceScore": 100, "countryCode": "DE", "countryName": "Germany",
                      "usageType": "Reserved", "isp": "Tor Exit Relay Operator", "domain": "tor-exit.example",
                      "hostnames": [], "isTor": True, "totalReports": 15234, "numDistinctUsers": 1287,
                      "lastReportedAt": iso(t - timedelta(hours=3)).replace(".000Z", "+00:00"), "reports": reports}}
    write_json(os.path.join(ctx, "intel", "abuseipdb", ip + ".json"), abuse)
    greynoise = {"ip": ip, "seen": True, "classification": "malicious",
                 "first_seen": (t - timedelta(days=182)).strftime("%Y-%m-%d"), "last_seen": t.strftime("%Y-%m-%d"),
                 "actor": "unknown", "tags": ["SSH Bruteforcer", "Tor", "SSH Worm"], "spoofable": False,
                 "vpn": False, "vpn_service": "",
                 "metadata": {"country": "Germany", "country_code": "DE", "city": "Frankfurt am Main",
                              "organization": "Tor exit relay", "asn": "AS64500", "tor": True, "os": "Linux 2.2-3.x",
                              "category": "hosting", "rdns": ""},
                 "raw_data": {"scan": [{"port": 22, "protocol": "TCP"}, {"port": 2222, "protocol": "TCP"}],
                              "web": {}, "ja3": [], "hassh": [{"fingerprint": "ec7378c1a92f5a8dde7e8b7a1ddf33d1", "port": 22}]}}
    write_json(os.path.join(ctx, "intel", "greynoise", ip + ".json"), greynoise)
    write(os.path.join(ctx, "intel", "lists", "tor_exit_nodes.txt"),
          "# Tor exit relays (snapshot used by this example)\n" + ip + "\n185.220.101.35\n185.220.101.36\n")


# ---------------------------------------------------------------------------------------------
def scenario_lateral():
    base = os.path.join(ROOT, "scenario-3-lateral-movement")
    ctx = os.path.join(base, "context")
    shutil.rmtree(base, ignore_errors=True)
    common_context(ctx)
    t = datetime(2026, 3, 12, 2, 47, 13, tzinfo=UTC)
    targets = [("SRV-DC-01", "10.10.1.10"), ("SRV-FILE-01", "10.10.2.20"), ("SRV-SQL-PROD", "10.10.3.30")]
    alert = {
        "@timestamp": iso(t),
        "kibana.alert.uuid": "c2a8e5f1-7b3d-4c9e-8a1f-3d6b0e2c9f45",
        "kibana.alert.rule.name": "Unusual SMB/RPC activity",
        "kibana.alert.rule.rule_id": "e8b2d4f6-1a3c-4e5b-9d7f-0c2e4a6b8d13",
        "kibana.alert.rule.type": "new_terms",
        "kibana.alert.severity": "high",
        "kibana.alert.risk_score": 73,
        "kibana.alert.reason": "Unusual SMB/RPC activity - source: WKS-MARKETING-07 - targets: SRV-DC-01, "
                               "SRV-FILE-01, SRV-SQL-PROD - user: svc-backup - time: 02:47 AM",
        "kibana.alert.original_time": iso(t),
        "event": {"kind": "signal", "category": ["network"], "type": ["connection"], "dataset": "network_traffic.flow"},
        "host": {"name": "WKS-MARKETING-07"},
        "source": {"address": "WKS-MARKETING-07", "ip": "10.30.7.57"},
        "destination": {"port": 445},
        "network": {"protocol": "smb", "transport": "tcp"},
        "user": {"name": "svc-backup", "domain": "CORP"},
        "related": {"hosts": ["WKS-MARKETING-07"] + [h for h, _ in targets], "user": ["svc-backup"],
                    "ip": ["10.30.7.57"] + [ip for _, ip in targets]},
        "ecs": {"version": "8.11.0"},
    }
    write_json(os.path.join(base, "alert.json"), alert)

    events = office_noise(t - timedelta(days=30), 30)
    for d in range(30):  # svc-backup: nightly jobs on SRV-BACKUP-01 between 22:00 and 23:00
        day = (t - timedelta(days=30 - d)).replace(hour=22, minute=5 + d % 40)
        events.append({"@timestamp": iso(day), "event": {"category": ["authentication"], "action": "logon",
                       "outcome": "success"}, "host": {"name": "SRV-BACKUP-01"}, "user": {"name": "svc-backup"},
                       "source": {"address": "SRV-BACKUP-01", "ip": "10.10.5.10"}})
        events.append({"@timestamp": iso(day + timedelta(minutes=10)), "event": {"category": ["network"],
                       "action": "connection", "outcome": "success"}, "host": {"name": "SRV-BACKUP-01"},
                       "user": {"name": "svc-backup"}, "source": {"address": "SRV-BACKUP-01", "ip": "10.10.5.10"},
                       "destination": {"address": "SRV-BACKUP-01", "ip": "10.10.5.10", "port": 10000}})
    ps = t - timedelta(hours=36)
    events.append({"@timestamp": iso(ps), "event": {"category": ["process"], "action": "start", "outcome": "success"},
                   "host": {"name": "WKS-MARKETING-07"}, "user": {"name": "a.martin"},
                   "process": {"name": "powershell.exe", "command_line": "powershell.exe -nop -w hidden -enc SQBFAFgAIAAo...",
                               "parent": {"name": "WINWORD.EXE"}}})
    for i, (host, ip) in enumerate(targets):
        for port in (445, 135):
            events.append({"@timestamp": iso(t - timedelta(minutes=3) + timedelta(seconds=20 * i + port % 7)),
                           "event": {"category": ["network"], "action": "connection", "outcome": "success"},
                           "host": {"name": "WKS-MARKETING-07"}, "user": {"name": "svc-backup"},
                           "source": {"address": "WKS-MARKETING-07", "ip": "10.30.7.57"},
                           "destination": {"address": host, "ip": ip, "port": port}})
        events.append({"@timestamp": iso(t - timedelta(minutes=3) + timedelta(seconds=20 * i + 2)),
                       "event": {"category": ["authentication"], "action": "logon", "outcome": "success"},
                       "host": {"name": host}, "user": {"name": "svc-backup"},
                       "source": {"address": "WKS-MARKETING-07", "ip": "10.30.7.57"}})
    events.sort(key=lambda r: r["@timestamp"])
    write_jsonl(os.path.join(ctx, "events.jsonl"), events)
    write(os.path.join(ctx, "host_facts.csv"), "host,key,value\nWKS-MARKETING-07,edr.agent,installed\n")

    earlier = {
        "@timestamp": iso(ps),
        "kibana.alert.uuid": "4d7e9a2b-6c1f-4e3d-8b5a-9f0e2d4c6a87",
        "kibana.alert.rule.name": "Suspicious PowerShell execution",
        "kibana.alert.rule.rule_id": "b1c3e5a7-9d2f-4b6e-8a0c-4e6f8a0b2c59",
        "kibana.alert.severity": "medium",
        "kibana.alert.reason": "Suspicious PowerShell execution: encoded command launched by WINWORD.EXE on WKS-MARKETING-07",
        "kibana.alert.rule.threat": [{"framework": "MITRE ATT&CK",
                                      "tactic": {"id": "TA0002", "name": "Execution"},
                                      "technique": [{"id": "T1059", "name": "Command and Scripting Interpreter",
                                                     "subtechnique": [{"id": "T1059.001", "name": "PowerShell"}]}]}],
        "event": {"kind": "signal", "category": ["process"], "dataset": "endpoint.events.process"},
        "host": {"name": "WKS-MARKETING-07"},
        "user": {"name": "a.martin"},
        "process": {"name": "powershell.exe", "command_line": "powershell.exe -nop -w hidden -enc SQBFAFgAIAAo...",
                    "parent": {"name": "WINWORD.EXE"}},
        "ecs": {"version": "8.11.0"},
    }
    write_jsonl(os.path.join(ctx, "history.jsonl"), [
        {"alert": earlier, "verdict": "FALSE_POSITIVE", "closed_by": "L1", "closed_at": iso(ps + timedelta(minutes=40))}])


if __name__ == "__main__":
    scenario_phishing()
    scenario_ssh()
    scenario_lateral()
    write(os.path.join(ROOT, "README.md"), """# Examples: the reference scenarios of SPEC section 7

| folder | alert | what the context holds |
| --- | --- | --- |
| `scenario-1-phishing-attachment/` | Elastic Security alert from the e-mail gateway | VirusTotal v3 file object (47/72, AgentTesla, first seen 2 h before), RDAP domain (registered 48 h before, Namecheap, redacted), VIP recipient, e-mail opened and attachment downloaded but not executed |
| `scenario-2-ssh-brute-force/` | Elastic threshold alert on SSH failures | AbuseIPDB v2 verbose check (100/100, 15,234 reports), GreyNoise context (malicious, SSH Bruteforcer, Tor, seen for 6 months), a Tor exit list, 57 failures and no success, `PermitRootLogin=no` |
| `scenario-3-lateral-movement/` | Elastic new-terms alert on SMB/RPC | 30-day baselines (the workstation never reached the DC; svc-backup only works on SRV-BACKUP-01 at 22:00-23:00), the 02:44 SMB sessions, and the PowerShell alert of 36 h before closed as false positive by L1 |

Run one: `build/soc-triage triage --context examples/scenario-2-ssh-brute-force/context --output text examples/scenario-2-ssh-brute-force/alert.json`

All names, addresses and hashes are fictitious except 185.220.101.34, the address the
specification names. Regenerate with `python3 tools/examples/make_examples.py`.
""")
