#include "pam_module/authd_link.hpp"

#include "authd/client.hpp"
#include "core/util/strict_json.hpp"
#include "pam_module/remote_link.hpp"

namespace sekisho::pam {

result<nlohmann::json> ask_authd(const module_options& o, nlohmann::json& request) {
  auto reply = [&]() -> result<nlohmann::json> {
    if (o.remote) {
      auto token = read_token_file(o.remote->token_file);
      if (!token) return token.err();
      request["host_token"] = std::string(token->view());
      return call_remote(*o.remote, request, o.timeout);
    }
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
