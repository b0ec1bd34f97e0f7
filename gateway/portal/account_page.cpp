#include "gateway/portal/account_page.hpp"

#include <string_view>
#include <utility>

namespace sekisho::gateway {
namespace {

// One block per key, login and device rather than tables: the page must fit a phone as well as a 1366×768 screen.
std::string section(const char* id, const char* title, const std::string& body) {
  return std::string("<section aria-labelledby=\"") + id + "-title\"><h2 id=\"" + id + "-title\">" + title + "</h2>" +
         body + "</section>";
}

std::string paragraph(const char* text) { return std::string("<p>") + text + "</p>"; }

// The changes that need a login in the last 5 minutes, when this one is older: the way to a new one.
std::string relogin(const page_facts& f, wording what) {
  return std::string("<p><a href=\"/.sekisho/login?rd=") + account_path + "\">" + pick(f, what) + "</a></p>";
}

std::string method_name(const page_facts& f, std::string_view method) {
  if (method == "password") return pick(f, {"パスワード", "password"});
  if (method == "totp") return pick(f, {"認証アプリ", "authenticator app"});
  if (method == "recovery") return pick(f, {"リカバリーコード", "recovery code"});
  if (method == "webauthn") return pick(f, {"セキュリティキー", "security key"});
  return html_escape(method.empty() ? "-" : method);
}

std::string channel_name(const page_facts& f, std::string_view channel) {
  if (channel == "web") return pick(f, {"ブラウザー", "browser"});
  if (channel == "ssh") return "SSH";
  if (channel == "radius") return pick(f, {"VPN・無線LAN", "VPN or Wi-Fi"});
  if (channel == "cli") return pick(f, {"管理コマンド", "command line"});
  return html_escape(channel.empty() ? "-" : channel);
}

// Rename and remove of a key or an app (`kind` is the path part), each its own small form (authd asks for a
// login in the last 5 minutes for both).
std::string factor_actions(const page_facts& f, const char* kind, const std::string& id, const std::string& name,
                           wording remove_label) {
  const std::string base = std::string(account_path) + "/" + kind;
  return form_start((base + "/rename").c_str(), f) + hidden_field("id", id) +
         "<input name=\"name\" maxlength=\"64\" required aria-label=\"" +
         html_escape(pick(f, {"新しい名前", "New name"})) + "\" value=\"" + html_escape(name) +
         "\"><button type=\"submit\">" + pick(f, {"名前を変える", "Rename"}) + "</button></form>" +
         form_start((base + "/remove").c_str(), f) + hidden_field("id", id) + "<button type=\"submit\">" +
         pick(f, remove_label) + "</button></form>";
}

std::string key_actions(const page_facts& f, const key_summary& k) {
  return factor_actions(f, "webauthn", k.id, k.name, {"このキーを削除", "Remove this key"});
}

std::string key_list(const page_facts& f, const std::vector<key_summary>& keys) {
  if (keys.empty())
    return paragraph(pick(f, {"登録されたセキュリティキーはありません。", "No security key is registered."}));
  std::string blocks;
  for (const auto& k : keys)
    blocks += "<div class=\"key\"><p><strong>" + html_escape(k.name) + "</strong><br>" + pick(f, {"登録日: ", "Added: "}) +
              html_escape(k.added) + " ・ " + pick(f, {"最後に使った日: ", "Last used: "}) +
              html_escape(k.last_used.empty() ? "-" : k.last_used) + "</p>" + key_actions(f, k) + "</div>";
  return "<div id=\"keys\">" + blocks + "</div>";
}

std::string keys_section(const page_facts& f, const std::vector<key_summary>& keys) {
  const std::string add = f.webauthn_options.empty()
                              ? relogin(f, {"もう一度ログインして、キーを登録する", "Log in again to add a key"})
                              : key_registration(f, "/.sekisho/account/webauthn");
  return section("security-keys", pick(f, {"セキュリティキー・パスキー", "Security keys and passkeys"}),
                 key_list(f, keys) + add);
}

std::string password_section(const page_facts& f, const std::string& user, const account_summary& account) {
  const char* title = pick(f, {"パスワードの変更", "Change your password"});
  if (!account.fresh)
    return section("password", title,
                   relogin(f, {"もう一度ログインして、パスワードを変更する", "Log in again to change your password"}));
  const std::string form =
      form_start("/.sekisho/account/password", f, "password-form") + "<input type=\"hidden\" name=\"username\" value=\"" +
      html_escape(user) + "\" autocomplete=\"username\"><label for=\"current-password\">" +
      pick(f, {"今のパスワード", "Current password"}) +
      "</label><input id=\"current-password\" name=\"current_password\" type=\"password\" "
      "autocomplete=\"current-password\" required><label for=\"new-password\">" +
      pick(f, {"新しいパスワード", "New password"}) +
      "</label><input id=\"new-password\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\" "
      "required aria-describedby=\"password-hint\"><p id=\"password-hint\">" +
      pick(f, {"名前や「password」のような推測されやすいものは使えません。変更すると、ほかの端末はログアウトされます。",
               "Names and easily guessed words such as \"password\" are refused. Changing it logs out your other "
               "devices."}) +
      "</p><label for=\"confirm-password\">" +
      pick(f, {"新しいパスワードをもう一度（確認）", "New password again (to check)"}) +
      "</label><input id=\"confirm-password\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" "
      "required><button type=\"submit\">" + pick(f, {"パスワードを変更する", "Change the password"}) + "</button></form>";
  return section("password", title, form);
}

std::string apps_section(const page_facts& f, const account_summary& account) {
  const std::string count = "<p>" + std::string(pick(f, {"登録されている認証アプリ: ", "Authenticator apps set up: "})) +
                            "<strong id=\"app-count\">" + std::to_string(account.apps) + "</strong>" +
                            pick(f, {" 個", ""}) + "</p>";
  const std::string add =
      !account.fresh ? relogin(f, {"もう一度ログインして、認証アプリを追加する", "Log in again to add an app"})
                     : std::string("<a class=\"next\" id=\"add-app\" href=\"/.sekisho/account/app\">") +
                           pick(f, {"認証アプリを追加する", "Add an authenticator app"}) + "</a>";
  std::string list;
  for (const auto& app : account.app_list)
    list += "<div class=\"key\"><p><strong>" + html_escape(app.label) + "</strong></p>" +
            factor_actions(f, "app", app.id, app.label, {"このアプリを削除", "Remove this app"}) + "</div>";
  return section("apps", pick(f, {"認証アプリ", "Authenticator apps"}),
                 count + (list.empty() ? "" : "<div id=\"apps\">" + list + "</div>") +
                     paragraph(pick(f, {"スマートフォンを買い替えたときなどに、新しい認証アプリを追加できます。今のアプリもそのまま使えます。",
                                        "Add the app on a new phone here, for example when you change phones. The "
                                        "app you have keeps working."})) +
                     add);
}

std::string recovery_section(const page_facts& f, const account_summary& account) {
  std::string body = "<p>" + std::string(pick(f, {"まだ使っていないコード: ", "Codes not used yet: "})) +
                     "<strong id=\"recovery-left\">" + std::to_string(account.recovery_codes_left) + "</strong>" +
                     pick(f, {" 個（全10個）", " (of 10)"}) + "</p>";
  if (account.recovery_codes_left <= 3)
    body += paragraph(pick(f, {"残りが少なくなっています。新しいコードを作ってください。",
                               "Only a few are left. Please make new ones."}));
  body += paragraph(pick(f, {"新しいコードを作ると、今までのコードはすべて使えなくなります。新しい10個は一度だけ表示されます。",
                             "New codes replace all the old ones, which stop working. The ten new codes are shown "
                             "only once."}));
  body += !account.fresh ? relogin(f, {"もう一度ログインして、新しいコードを作る", "Log in again to make new codes"})
                         : form_start("/.sekisho/account/recovery", f, "recovery-form") +
                               "<button type=\"submit\" id=\"renew-recovery-codes\">" +
                               pick(f, {"新しいリカバリーコードを作る", "Make new recovery codes"}) + "</button></form>";
  return section("recovery", pick(f, {"リカバリーコード", "Recovery codes"}), body);
}

std::string recent_section(const page_facts& f, const account_summary& account) {
  std::string items;
  for (const auto& l : account.recent)
    items += "<li><span class=\"when\">" + html_escape(l.time) + "</span> " +
             (l.success ? "<strong class=\"success\">" + std::string(pick(f, {"成功", "Success"}))
                        : "<strong class=\"failure\">" + std::string(pick(f, {"失敗", "Failed"}))) +
             "</strong><br>" + method_name(f, l.method) + " ・ <span class=\"source\">" + html_escape(l.source) +
             "</span> ・ " + channel_name(f, l.channel) + "</li>";
  const std::string list = items.empty() ? paragraph(pick(f, {"記録はまだありません。", "Nothing yet."}))
                                         : "<ul class=\"entries\" id=\"recent\">" + items + "</ul>";
  return section("recent-logins", pick(f, {"最近のログイン", "Recent logins"}),
                 paragraph(pick(f, {"心当たりのないログインがあるときは、すぐにパスワードを変更して管理者に連絡してください。",
                                    "If a login was not you, change your password at once and tell your administrator."})) +
                     list);
}

std::string sessions_section(const page_facts& f, const account_summary& account) {
  std::string blocks;
  bool others = false;
  for (const auto& s : account.sessions) {
    others = others || !s.current;
    blocks += std::string("<div class=\"key device") + (s.current ? " current\"" : "\"") + "><p><strong>" +
              pick(f, s.current ? wording{"この端末", "This device"} : wording{"ほかの端末", "Another device"}) +
              "</strong><br>" + pick(f, {"ログイン: ", "Logged in: "}) + html_escape(s.since) + "<br>" +
              pick(f, {"最後の操作: ", "Last used: "}) + html_escape(s.last_seen) + "<br>" + html_escape(s.source) +
              " ・ " + method_name(f, s.method) + "</p></div>";
  }
  const std::string end_others =
      !others ? paragraph(pick(f, {"ほかの端末ではログインしていません。", "You are not logged in anywhere else."}))
              : form_start("/.sekisho/account/sessions/end-others", f, "end-others-form") + "<p>" +
                    pick(f, {"共用のパソコンでログアウトし忘れたときや、見覚えのない端末があるときに使います。",
                             "Use this if you forgot to log out on a shared computer, or see a device you do not "
                             "know."}) +
                    "</p><button type=\"submit\" id=\"end-others\">" +
                    pick(f, {"ほかの端末をすべてログアウト", "Log out all other devices"}) + "</button></form>";
  return section("devices", pick(f, {"ログイン中の端末", "Devices logged in"}),
                 "<div id=\"sessions\">" + blocks + "</div>" + end_others);
}

// The sections' titles as links: the page is long on a phone.
std::string contents(const page_facts& f) {
  static constexpr std::pair<const char*, wording> parts[] = {
      {"security-keys", {"セキュリティキー", "Security keys"}}, {"password", {"パスワード", "Password"}},
      {"apps", {"認証アプリ", "Authenticator apps"}},           {"recovery", {"リカバリーコード", "Recovery codes"}},
      {"recent-logins", {"最近のログイン", "Recent logins"}},   {"devices", {"ログイン中の端末", "Devices"}}};
  std::string items;
  for (const auto& [id, title] : parts)
    items += std::string("<li><a href=\"#") + id + "-title\">" + pick(f, title) + "</a></li>";
  return "<nav aria-label=\"" + html_escape(pick(f, {"このページの内容", "On this page"})) + "\"><ul class=\"toc\">" +
         items + "</ul></nav>";
}

}  // namespace

std::string account_page(const page_facts& f, const std::string& user, const std::vector<key_summary>& keys,
                         const account_summary& account) {
  std::string content = "<p>" + std::string(pick(f, {"ログイン中: ", "Logged in as "})) + "<strong id=\"user\">" +
                        html_escape(user) + "</strong>" +
                        (account.display_name.empty() ? ""
                                                      : pick(f, {"（", " ("}) + html_escape(account.display_name) +
                                                            pick(f, {"）", ")"})) +
                        "</p>";
  if (f.message == notice::reauthenticate) content += relogin(f, {"もう一度ログインする", "Log in again"});
  if (account.known) content += contents(f);
  content += keys_section(f, keys);
  if (account.known)
    content += password_section(f, user, account) + apps_section(f, account) + recovery_section(f, account) +
               recent_section(f, account) + sessions_section(f, account);
  content += "<p class=\"end\"><a href=\"/.sekisho/logout\">" +
             std::string(pick(f, {"ログアウト / 利用者の切り替え", "Log out / switch user"})) + "</a></p>";
  return layout(f, pick(f, {"アカウント", "Account"}), content);
}

}  // namespace sekisho::gateway
