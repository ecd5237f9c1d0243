// The one list of built-in alert formats.
#include "parse/ecs_normalizer.hpp"
#include "parse/generic_normalizer.hpp"

namespace soc {

void register_builtin_normalizers(NormalizerRegistry& registry) {
  registry.add(std::make_unique<EcsNormalizer>());
  registry.add(std::make_unique<GenericNormalizer>());
}

}  // namespace soc
