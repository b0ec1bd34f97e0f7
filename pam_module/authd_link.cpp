#include "pam_module/authd_link.hpp"

#include "authd/client.hpp"
#include "core/util/strict_json.hpp"

namespace sekisho::pam {

result<nlohmann::json> ask_authd(const module_options& o, nlohmann::json& request) {
  auto reply = [&]() -> result<nlohmann::json> {
    auto c = authd::client::connect(o.socket, o.timeout);
    if (!c) return c.err();
    return c->call(request);
  }();
  wipe_json(request);
  if (!reply) return reply.err();
  if (!(*reply)["ok"].get<bool>()) {
    const auto error = reply->value("error", std::string("no reason given"));
    return make_error("authd refused the request: " + error);
  }
  return reply;
}

}  // namespace sekisho::pam
