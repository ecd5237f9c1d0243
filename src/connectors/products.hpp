// The product connectors behind make_pull_connector(), each built from explicit options.
//
// Elastic and the Wazuh indexer (OpenSearch) page a search with search_after on (time,
// tiebreaker); Splunk exports `<search> | sort 0 _time | head N` from a time and the ids already
// read at that time; Sentinel runs a KQL query over (TimeGenerated, SystemAlertId) with an
// Azure AD client-credentials token. Protocol details are in each .cpp.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/http_support.hpp"

namespace soc::connectors {

// Where every product's cursor starts and how far back a caught-up pass re-reads.
struct Window {
  std::chrono::seconds lookback{120};   // late alerts: re-read this much before the position
  std::chrono::seconds backfill{3600};  // the very first pull reads this far back
};

struct SearchAfterOptions {
  std::string name;
  std::string product;  // "elastic" or "wazuh": names it in messages
  std::string format;   // the normalizer's format name ("ecs", "wazuh")
  std::string base_url;
  std::string index;
  std::string time_field;              // sorted on; its sort values are epoch milliseconds
  std::string tiebreaker_field;        // unique per alert: makes the sort a total order
  std::vector<std::string> id_fields;  // dedup key: first present in _source, else _id
  Window window;
  Credentials credentials;
  RetryPolicy retry;
};

struct SplunkOptions {
  std::string name;
  std::string base_url;                         // the management port, https://splunk:8089
  std::string search = "search index=notable";  // paging clauses are appended
  Window window;
  Credentials credentials;
  RetryPolicy retry;
};

struct SentinelOptions {
  std::string name;
  std::string api_url = "https://api.loganalytics.io";
  std::string authority_url = "https://login.microsoftonline.com";
  std::string tenant;
  std::string client_id;
  live::Secret client_secret;
  std::string workspace;
  std::string query = "SecurityAlert";  // must keep TimeGenerated and SystemAlertId
  Window window;
  RetryPolicy retry;
};

std::unique_ptr<PullConnector> make_search_after_connector(SearchAfterOptions options,
                                                           std::shared_ptr<live::HttpClient> http,
                                                           const Clock& clock);
std::unique_ptr<PullConnector> make_splunk_connector(SplunkOptions options,
                                                     std::shared_ptr<live::HttpClient> http,
                                                     const Clock& clock);
std::unique_ptr<PullConnector> make_sentinel_connector(SentinelOptions options,
                                                       std::shared_ptr<live::HttpClient> http,
                                                       const Clock& clock);

}  // namespace soc::connectors
