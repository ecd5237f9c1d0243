// The one list of built-in alert formats.
#include "parse/cef_normalizer.hpp"
#include "parse/ecs_normalizer.hpp"
#include "parse/generic_normalizer.hpp"
#include "parse/ocsf_normalizer.hpp"
#include "parse/secops_normalizer.hpp"
#include "parse/sentinel_normalizer.hpp"
#include "parse/splunk_normalizer.hpp"
#include "parse/wazuh_normalizer.hpp"

namespace soc {

void register_builtin_normalizers(NormalizerRegistry& registry) {
  registry.add(std::make_unique<EcsNormalizer>());
  registry.add(std::make_unique<SplunkNormalizer>());
  registry.add(std::make_unique<SentinelNormalizer>());
  registry.add(std::make_unique<SecopsNormalizer>());
  registry.add(std::make_unique<WazuhNormalizer>());
  registry.add(std::make_unique<OcsfNormalizer>());
  registry.add(std::make_unique<CefNormalizer>());
  registry.add(std::make_unique<GenericNormalizer>());
}

}  // namespace soc
