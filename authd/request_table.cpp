#include "authd/request_table.hpp"

#include <stdexcept>

#include "authd/log.hpp"
#include "core/store/database.hpp"

#ifndef SEKISHO_VERSION
#define SEKISHO_VERSION "0.0.0"
#endif

namespace sekisho::authd {

nlohmann::json error_reply(std::string_view code) {
  return {{"ok", false}, {"error", std::string(code)}};
}

void request_table::add(request_entry entry) {
  if (!entry.handle) throw std::logic_error("authd request '" + entry.op + "' has no handler");
  std::string op = entry.op;
  if (!entries_.emplace(std::move(op), std::move(entry)).second)
    throw std::logic_error("authd request registered twice");
}

const request_entry* request_table::find(std::string_view op) const {
  auto it = entries_.find(op);
  return it == entries_.end() ? nullptr : &it->second;
}

nlohmann::json request_table::dispatch(const nlohmann::json& request, const caller& who,
                                       std::size_t request_bytes) const {
  const auto op = request.find("op");
  if (op == request.end() || !op->is_string()) return error_reply("malformed");
  const request_entry* entry = find(op->get_ref<const std::string&>());
  if (entry == nullptr) return error_reply("unknown_request");
  if (entry->allowed == permission::admin && !who.admin) return error_reply("forbidden");
  if (request_bytes > entry->max_request_bytes) return error_reply("request_too_large");

  // Only our own op name and the exception text are logged: the body may hold a password.
  auto where = [&] { return "request '" + entry->op + "' from uid " + std::to_string(who.uid); };
  try {
    nlohmann::json reply = entry->handle(request, who);
    if (reply.is_object() && reply.contains("ok") && reply["ok"].is_boolean()) return reply;
    log_line(where() + ": handler returned a reply without \"ok\" (a bug)");
  } catch (const store::store_error& e) {
    log_line(where() + ": store unavailable: " + e.what());
  } catch (const std::exception& e) {
    log_line(where() + ": failed: " + e.what());
  } catch (...) {
    log_line(where() + ": failed with an unknown exception");
  }
  return error_reply("unavailable");
}

void register_builtin_requests(request_table& table) {
  table.add({.op = "ping",
             .allowed = permission::client,
             .max_request_bytes = 256,
             .handle = [](const nlohmann::json&, const caller&) -> nlohmann::json {
               return {{"ok", true}, {"version", SEKISHO_VERSION}};
             }});
}

}  // namespace sekisho::authd
