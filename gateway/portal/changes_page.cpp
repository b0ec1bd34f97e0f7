#include "gateway/portal/changes_page.hpp"

#include "core/util/local_time.hpp"

namespace sekisho::gateway {
namespace {

wording what_changed(const std::string& event) {
  if (event == "webauthn.register") return {"セキュリティキー・パスキーが追加されました", "A security key or passkey was added"};
  if (event == "webauthn.remove") return {"セキュリティキー・パスキーが削除されました", "A security key or passkey was removed"};
  if (event == "webauthn.cloned")
    return {"複製の疑いがあるため、セキュリティキーが使えなくなりました", "A security key was locked: it may have been copied"};
  if (event == "totp.add") return {"認証アプリが追加されました", "An authenticator app was added"};
  if (event == "totp.remove") return {"認証アプリが削除されました", "An authenticator app was removed"};
  if (event == "account.password" || event == "user.passwd") return {"パスワードが変更されました", "The password was changed"};
  if (event == "recovery_codes.generate") return {"リカバリーコードが作り直されました", "New recovery codes were made"};
  if (event == "user.reset_factors")
    return {"管理者がセキュリティキーと認証アプリをすべて削除しました", "An administrator removed every key and app"};
  if (event == "break_glass.open") return {"緊急アクセスが使われました", "Emergency access was used"};
  return {"アカウントが変更されました", "The account was changed"};
}

}  // namespace

std::string account_changes_page(const page_facts& f, const std::vector<account_change>& changes) {
  std::string items;
  for (const auto& c : changes)
    items += "<li><strong>" + std::string(pick(f, what_changed(c.event))) + "</strong><br>" +
             html_escape(local_minute(c.time)) + (c.source.empty() ? "" : " ・ " + html_escape(c.source)) + "</li>";
  const std::string content =
      "<p>" +
      std::string(pick(f, {"前回のログインのあと、あなたのアカウントに次の変更がありました。心当たりがないときは、すぐに管理者に連絡してください。",
                           "Since your last login, your account changed as listed below. If this was not you, tell "
                           "your administrator at once."})) +
      "</p><ul class=\"entries\" id=\"changes\">" + items + "</ul><a class=\"next\" id=\"continue\" href=\"" +
      html_escape(f.return_path) + "\">" + pick(f, {"確認しました。続ける", "I have checked. Continue"}) + "</a>";
  return layout(f, pick(f, {"アカウントの変更のお知らせ", "Changes to your account"}), content);
}

}  // namespace sekisho::gateway
