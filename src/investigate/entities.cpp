// Entity keys for correlation.
#include "investigate/entities.hpp"

#include <algorithm>

#include "core/strings.hpp"

namespace soc {

std::vector<std::string> entity_keys(const std::vector<Observable>& observables,
                                     const Context& context) {
  std::vector<std::string> keys;
  for (const auto& o : observables) {
    std::string key;
    switch (o.type) {
      case ObservableType::kHost:
        key = "host:" + context.host_key(o.value);
        break;
      case ObservableType::kIpv4:
      case ObservableType::kIpv6:
        // An inventoried IP is its host: alerts that name the host and alerts that name the IP
        // meet.
        key = context.asset_by_ip(o.value) ? "host:" + context.host_key(o.value) : "ip:" + o.value;
        break;
      case ObservableType::kUser: {
        std::string u = to_lower(o.value);
        if (auto slash = u.rfind('\\'); slash != std::string::npos) u = u.substr(slash + 1);
        if (const Identity* id = context.identity(u)) u = to_lower(id->user);
        key = "user:" + u;
        break;
      }
      case ObservableType::kEmail:
        if (o.role == Role::kSender) break;
        if (const Identity* id = context.identity(o.value))
          key = "user:" + to_lower(id->user);
        else
          key = "email:" + o.value;
        break;
      default:
        break;
    }
    if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
      keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace soc
