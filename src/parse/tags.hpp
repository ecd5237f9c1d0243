// ATT&CK tags as sources write them ("attack.t1059.001", "T1059.001", "attack.lateral-movement").
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.hpp"

namespace soc {

// "Lateral Movement" / "lateral_movement" / "LateralMovement" -> "lateral-movement".
std::string tactic_short_name(std::string_view name);
// Adds technique ids and tactic names found in free-form tags to the alert.
void add_attack_tags(Alert& alert, const std::vector<std::string>& tags);
// "t1059.001", "attack.t1059.001", "T1059/001" -> "T1059.001"; "" when not a technique id.
std::string normalize_technique_id(std::string_view tag);

}  // namespace soc
