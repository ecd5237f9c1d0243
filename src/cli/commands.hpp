// The subcommands of the command line, each returning the process exit code of CLI.md.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/result.hpp"

namespace soc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;

struct TriageOptions {
  std::string config;
  std::string context;
  std::string db;
  std::string format = "auto";
  std::string output;  // json | text; default: json unless stdout is a terminal
  std::string mode;    // overrides the configuration's operating mode
  std::vector<std::string> files;
};

struct ServeOptions {
  TriageOptions common;  // --config, --context, --db, --mode
  std::string listen;    // overrides serve.listen
};

void add_common_options(CLI::App& cmd, TriageOptions& options);
// One JSON error line on stderr (CLI.md).
void print_error(const std::string& ref, const Error& error);
void print_usage_error(const std::string& message);
// The configuration file with the command line's overrides applied, validated.
Result<Config> effective_config(const TriageOptions& options);
int run_triage(const TriageOptions& options);
int run_extract(const std::vector<std::string>& files);
int run_audit_verify(const std::string& db);
int run_replay(const TriageOptions& options);
int run_config_check(const std::string& file);
int run_serve(const ServeOptions& options);

}  // namespace soc::cli
