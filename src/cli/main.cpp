// soc-triage command line: the thin shell over the engine (contract/CLI.md).
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <unistd.h>
#include <zstd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "build_info.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"soc-triage: AI triage agent for Security Operations Centers"};
  app.require_subcommand(1);
  soc::cli::TriageOptions triage;
  auto* triage_cmd = app.add_subcommand(
      "triage", "Triage alerts read from files or - (stdin); one decision per line");
  soc::cli::add_common_options(*triage_cmd, triage);
  triage_cmd->add_option("files", triage.files,
                         "Alert files (JSON, JSON array, JSON lines, CEF); - for stdin");

  std::vector<std::string> extract_files;
  auto* extract_cmd =
      app.add_subcommand("extract", "Print the observables found in text or JSON input");
  extract_cmd->add_option("files", extract_files, "Input files; - or nothing for stdin");

  auto* audit_cmd = app.add_subcommand("audit", "Audit trail commands");
  audit_cmd->require_subcommand(1);
  std::string audit_db;
  auto* verify_cmd = audit_cmd->add_subcommand(
      "verify", "Recompute the audit hash chain; exit 1 naming the first bad record");
  verify_cmd->add_option("--db", audit_db, "SQLite store")->required();

  soc::cli::TriageOptions replay;
  auto* replay_cmd =
      app.add_subcommand("replay", "Re-run stored alerts and list the decisions that change");
  soc::cli::add_common_options(*replay_cmd, replay);

  auto* config_cmd = app.add_subcommand("config", "Configuration commands");
  config_cmd->require_subcommand(1);
  std::string config_file;
  auto* check_cmd = config_cmd->add_subcommand(
      "check", "Validate a configuration file; print the effective values");
  check_cmd->add_option("file", config_file, "YAML configuration")->required();

  soc::cli::ServeOptions serve;
  auto* serve_cmd = app.add_subcommand(
      "serve", "Run the intake service: webhook, watched directories, pull connectors");
  serve_cmd->add_option("--config", serve.common.config, "YAML configuration (serve: section)");
  serve_cmd->add_option("--context", serve.common.context, "Context directory");
  serve_cmd->add_option("--db", serve.common.db, "SQLite store file (required)");
  serve_cmd->add_option("--mode", serve.common.mode, "Operating mode")
      ->check(CLI::IsMember({"shadow", "assisted", "semi_autonomous", "autonomous"}));
  serve_cmd->add_option("--listen", serve.listen, "host:port; overrides serve.listen");

  auto* version_cmd = app.add_subcommand("version", "Version, build and linked library versions");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (*triage_cmd) return soc::cli::run_triage(triage);
  if (*extract_cmd) return soc::cli::run_extract(extract_files);
  if (*verify_cmd) return soc::cli::run_audit_verify(audit_db);
  if (*replay_cmd) return soc::cli::run_replay(replay);
  if (*check_cmd) return soc::cli::run_config_check(config_file);
  if (*serve_cmd) return soc::cli::run_serve(serve);
  if (*version_cmd) {
    std::printf("soc-triage %s (%s, %s)\n", soc::build::kVersion, soc::build::kBuildType,
                soc::build::kCompiler);
    std::printf(
        "  simdjson %d.%d.%d\n  sqlite %s\n  nlohmann-json %d.%d.%d\n  %s\n  %s\n  zstd %s\n",
        simdjson::SIMDJSON_VERSION_MAJOR, simdjson::SIMDJSON_VERSION_MINOR,
        simdjson::SIMDJSON_VERSION_REVISION, sqlite3_libversion(), NLOHMANN_JSON_VERSION_MAJOR,
        NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH, OpenSSL_version(OPENSSL_VERSION),
        curl_version(), ZSTD_versionString());
    return 0;
  }
  return 2;
}
