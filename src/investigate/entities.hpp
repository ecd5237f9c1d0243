// Entity keys ("host:wks-01", "user:alice", "ip:203.0.113.5") that tie alerts together.
#pragma once
#include <string>
#include <vector>

#include "context/context.hpp"
#include "core/observable.hpp"

namespace soc {

std::vector<std::string> entity_keys(const std::vector<Observable>& observables,
                                     const Context& context);

}  // namespace soc
