#include "gateway/portal/account_page.hpp"

namespace sekisho::gateway {
namespace {

std::string key_list(const page_facts& f, const std::vector<key_summary>& keys) {
  if (keys.empty())
    return std::string("<p>") + pick(f, {"登録されたセキュリティキーはありません。", "No security key is registered."}) + "</p>";
  std::string rows;
  for (const auto& k : keys)
    rows += "<tr><td>" + html_escape(k.name) + "</td><td>" + html_escape(k.added) + "</td><td>" +
            html_escape(k.last_used.empty() ? "-" : k.last_used) + "</td></tr>";
  return std::string("<table id=\"keys\"><tr><th>") + pick(f, {"名前", "Name"}) + "</th><th>" +
         pick(f, {"登録日", "Added"}) + "</th><th>" + pick(f, {"最後に使った日", "Last used"}) + "</th></tr>" + rows +
         "</table>";
}

std::string add_key(const page_facts& f) {
  if (f.webauthn_options.empty())
    return std::string("<p><a href=\"/.sekisho/login?rd=/.sekisho/account\">") +
           pick(f, {"もう一度ログインして、キーを登録する", "Log in again to add a key"}) + "</a></p>";
  return form_start("/.sekisho/account/webauthn", f, "webauthn-form") + hidden_field("handle", f.webauthn_handle) +
         hidden_field("raw_id", "") + hidden_field("client_data_json", "") + hidden_field("attestation_object", "") + "<label for=\"key-name\">" +
         pick(f, {"キーの名前（例: 青いキー、スマートフォン）", "Name of the key (for example: blue key, phone)"}) +
         "</label><input id=\"key-name\" name=\"name\" maxlength=\"64\" required value=\"" +
         html_escape(pick(f, {"セキュリティキー", "Security key"})) + "\"></form>" +
         webauthn_block(f, "passkey-register", pick(f, {"セキュリティキーを登録する", "Add a security key"}));
}

}  // namespace

std::string account_page(const page_facts& f, const std::string& user, const std::vector<key_summary>& keys) {
  const std::string content = "<p>" + std::string(pick(f, {"ログイン中: ", "Logged in as "})) + "<strong id=\"user\">" +
                              html_escape(user) + "</strong></p><h2>" +
                              pick(f, {"セキュリティキー・パスキー", "Security keys and passkeys"}) + "</h2>" +
                              key_list(f, keys) + add_key(f) + "<p><a href=\"/.sekisho/logout\">" +
                              pick(f, {"ログアウト / 利用者の切り替え", "Log out / switch user"}) + "</a></p>";
  return layout(f, pick(f, {"アカウント", "Account"}), content);
}

}  // namespace sekisho::gateway
