#include "gateway/portal/account_page.hpp"

namespace sekisho::gateway {
namespace {

// Rename and remove, each its own small form (authd asks for a login in the last 5 minutes for both).
std::string key_actions(const page_facts& f, const key_summary& k) {
  return form_start("/.sekisho/account/webauthn/rename", f) + hidden_field("id", k.id) +
         "<input name=\"name\" maxlength=\"64\" required aria-label=\"" +
         html_escape(pick(f, {"新しい名前", "New name"})) + "\" value=\"" + html_escape(k.name) +
         "\"><button type=\"submit\">" + pick(f, {"名前を変える", "Rename"}) + "</button></form>" +
         form_start("/.sekisho/account/webauthn/remove", f) + hidden_field("id", k.id) + "<button type=\"submit\">" +
         pick(f, {"このキーを削除", "Remove this key"}) + "</button></form>";
}

std::string key_list(const page_facts& f, const std::vector<key_summary>& keys) {
  if (keys.empty())
    return std::string("<p>") + pick(f, {"登録されたセキュリティキーはありません。", "No security key is registered."}) + "</p>";
  // One block per key rather than a table: the page must fit a phone as well as a 1366×768 screen.
  std::string blocks;
  for (const auto& k : keys)
    blocks += "<div class=\"key\"><p><strong>" + html_escape(k.name) + "</strong><br>" + pick(f, {"登録日: ", "Added: "}) +
              html_escape(k.added) + " ・ " + pick(f, {"最後に使った日: ", "Last used: "}) +
              html_escape(k.last_used.empty() ? "-" : k.last_used) + "</p>" + key_actions(f, k) + "</div>";
  return "<div id=\"keys\">" + blocks + "</div>";
}

std::string add_key(const page_facts& f) {
  if (f.webauthn_options.empty())
    return std::string("<p><a href=\"/.sekisho/login?rd=/.sekisho/account\">") +
           pick(f, {"もう一度ログインして、キーを登録する", "Log in again to add a key"}) + "</a></p>";
  return key_registration(f, "/.sekisho/account/webauthn");
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
