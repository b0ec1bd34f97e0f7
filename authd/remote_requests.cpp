#include "authd/remote_requests.hpp"

#include <array>
#include <string_view>

#include "authd/frame.hpp"
#include "authd/log.hpp"
#include "authd/request_fields.hpp"
#include "core/store/host_store.hpp"
#include "core/util/digest.hpp"
#include "core/util/strict_json.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

// What pam_sekisho.so asks; nothing that needs a web session or an admin.
constexpr std::array<std::string_view, 6> remote_ops = {"ping",          "login.combined", "login.joined",
                                                        "account.status", "approval.open",  "approval.finish"};

bool allowed(const json& inner) {
  const auto op = inner.find("op");
  if (op == inner.end() || !op->is_string()) return false;
  for (auto name : remote_ops)
    if (op->get<std::string>() == name) return true;
  return false;
}

// The size the inner request's own limit is checked against; the text is wiped (it holds the password).
std::size_t size_of(const json& request) {
  auto text = request.dump(-1, ' ', false, json::error_handler_t::replace);
  const auto n = text.size();
  wipe_string(text);
  return n;
}

json relay(const request_table& table, store::connection_pool& pool, const clock_fn& now, const json& req,
           const caller& who) {
  request_fields f;
  if (auto bad = f.read(req, {{"token", 128}, {"peer", 64}})) return bad_field(bad);
  const auto inner = req.find("request");
  if (inner == req.end() || !inner->is_object()) return bad_field("request");
  if (!allowed(*inner)) return error_reply("forbidden");
  std::optional<store::pam_host> host;
  {
    auto db = pool.acquire();
    host = store::use_pam_host_token(*db, sha256(f["token"]), now());
  }
  if (!host) {
    log_line("WARNING: a PAM request from " + f["peer"] + " with an unknown or revoked host token was refused");
    return error_reply("unknown_host");
  }
  json request = *inner;
  request["host"] = host->name;  // the registered server, whatever the request said
  auto reply = table.dispatch(request, who, size_of(request));
  wipe_json(request);
  return reply;
}

}  // namespace

void register_remote_requests(request_table& table, store::connection_pool& pool, clock_fn now) {
  table.add({"pam.remote", permission::client, 8192, [&table, &pool, now](const json& req, const caller& who) {
               return relay(table, pool, now, req, who);
             }});
}

}  // namespace sekisho::authd
