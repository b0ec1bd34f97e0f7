#include "gateway/portal/pages.hpp"

#include "core/util/encoding.hpp"

namespace sekisho::gateway {
namespace {

wording notice_text(notice n) {
  switch (n) {
    case notice::none: return {"", ""};
    case notice::wrong_password:
      return {"ユーザー名またはパスワードが違います。もう一度入力してください。",
              "The user name or password is not right. Please try again."};
    case notice::wrong_code:
      return {"コードが違います。認証アプリに今表示されているコードを入力してください。",
              "That code is not right. Enter the code your authenticator app shows now."};
    case notice::throttled:
      return {"失敗が続いたため、しばらくログインできません。%s 秒後にもう一度お試しください。",
              "Too many failed attempts. Please wait %s seconds, then try again."};
    case notice::locked:
      return {"このアカウントはロックされています。管理者に連絡してください。",
              "This account is locked. Please contact your administrator."};
    case notice::disabled:
      return {"このアカウントは使えません。管理者に連絡してください。",
              "This account is disabled. Please contact your administrator."};
    case notice::not_enrolled:
      return {"2つ目の認証（セキュリティキーまたは認証アプリ）がまだ登録されていません。管理者から受け取った登録用リンクを開いてください。",
              "Your second factor (security key or authenticator app) is not set up yet. Open the enrollment link your administrator gave you."};
    case notice::login_expired:
      return {"時間切れです。最初からログインしてください。", "Time ran out. Please log in again from the start."};
    case notice::form_expired:
      return {"画面の有効期限が切れました。もう一度入力してください。",
              "This page expired. Please enter your details again."};
    case notice::unavailable:
      return {"ログインの仕組みに接続できません。少し待ってからもう一度お試しください。続く場合は管理者に連絡してください。",
              "The login service is not answering. Please try again in a moment; if it goes on, contact your administrator."};
    case notice::logged_out: return {"ログアウトしました。", "You have logged out."};
    case notice::key_login_failed:
      return {"セキュリティキーで確認できませんでした。もう一度タッチするか、認証アプリのコードを使ってください。",
              "Your security key could not be checked. Touch it again, or use the code from your app."};
    case notice::key_added: return {"セキュリティキーを登録しました。", "Your security key is registered."};
    case notice::key_refused:
      return {"このセキュリティキーは登録できませんでした。別のキーを使うか、管理者に連絡してください。",
              "This security key could not be registered. Try another key or contact your administrator."};
    case notice::key_changed: return {"変更しました。", "Done."};
    case notice::last_factor:
      return {"最後の2つ目の認証は削除できません。先に別のキーか認証アプリを登録してください。",
              "You cannot remove your last second factor. Register another key or app first."};
    case notice::reauthenticate:
      return {"安全のため、もう一度ログインしてから操作してください。", "For your safety, please log in again first."};
    case notice::link_expired:
      return {"この登録用リンクは使えません（使用済みか期限切れです）。管理者に新しいリンクをもらってください。",
              "This enrollment link cannot be used (it was used already or has expired). Ask your administrator for a new one."};
    case notice::password_refused: return {"このパスワードは使えません。", "This password cannot be used."};
    case notice::passwords_differ:
      return {"2つのパスワードが同じではありません。もう一度入力してください。",
              "The two passwords are not the same. Please type them again."};
    case notice::enrolled: return {"登録が終わりました。", "You are all set up."};
    case notice::wrong_current_password:
      return {"今のパスワードが違います。もう一度入力してください。",
              "Your current password is not right. Please try again."};
    case notice::password_changed:
      return {"パスワードを変更しました。ほかの端末はログアウトされました。",
              "Your password is changed. Your other devices are logged out."};
    case notice::app_added: return {"認証アプリを登録しました。", "The authenticator app is set up."};
    case notice::recovery_codes_renewed:
      return {"新しいリカバリーコードを作りました。前のコードはもう使えません。",
              "New recovery codes are made. The old ones no longer work."};
    case notice::others_logged_out:
      return {"ほかの端末をすべてログアウトしました。", "All your other devices are logged out."};
    case notice::break_glass_denied:
      return {"ユーザー名、パスワード、または緊急用コードが違います。", "The user name, password or emergency code is not right."};
    case notice::break_glass_off:
      return {"この施設では緊急アクセスは使えません。管理者に連絡してください。",
              "Emergency access is not available here. Please contact your administrator."};
    case notice::reason_missing:
      return {"緊急アクセスの理由を入力してください（例: 急患対応、キーを自宅に忘れた）。",
              "Please type why you need emergency access (for example: emergency patient, key left at home)."};
    case notice::approval_not_found:
      return {"そのコードで承認を待っているログインはありません。端末に表示されたコードを確かめてください（2分で期限切れになります）。",
              "No login is waiting for approval with that code. Check the code your terminal shows (it expires after 2 minutes)."};
    case notice::approval_given:
      return {"承認しました。端末に戻って Enter を押してください。", "Approved. Go back to your terminal and press Enter."};
    case notice::approval_denied:
      return {"拒否しました。そのログインは失敗します。自分で始めたログインでなければ、管理者に連絡してください。",
              "Denied. That login will fail. If you did not start it, tell your administrator."};
    case notice::approval_emergency:
      return {"緊急アクセス中はログインを承認できません。", "Logins cannot be approved during emergency access."};
    case notice::must_change_password:
      return {"管理者が設定した仮のパスワードです。下の「パスワードの変更」で自分のパスワードに変えてください。変えるまで電子カルテは開けません。",
              "Your password is a temporary one set by your administrator. Change it below (Change password); "
              "the EHR opens once it is changed."};
  }
  return {"", ""};
}

bool is_good_news(notice n) {
  switch (n) {
    case notice::logged_out: case notice::key_added: case notice::key_changed: case notice::enrolled:
    case notice::password_changed: case notice::app_added: case notice::recovery_codes_renewed:
    case notice::others_logged_out: case notice::approval_given:
      return true;
    default:
      return false;
  }
}

std::string notice_html(const page_facts& f) {
  if (f.message == notice::none) return "";
  std::string text = pick(f, notice_text(f.message));
  if (const auto at = text.find("%s"); at != std::string::npos) text.replace(at, 2, std::to_string(f.retry_after));
  if (!f.detail.empty()) text += " " + f.detail;
  const bool good = is_good_news(f.message);
  return std::string("<p class=\"") + (good ? "ok" : "error") + "\" role=\"" + (good ? "status" : "alert") + "\">" +
         html_escape(text) + "</p>";
}

// The other language's link: the same page with ?lang=, which the portal remembers in a cookie.
std::string language_switch(const page_facts& f) {
  if (!f.switchable) return "";
  const bool en = f.lang == language::en;
  std::string path = f.self_path.empty() ? "/.sekisho/login" : f.self_path;
  path += path.find('?') == std::string::npos ? "?lang=" : "&lang=";
  path += en ? "ja" : "en";
  return "<p class=\"lang\"><a href=\"" + html_escape(path) + "\" lang=\"" + (en ? "ja" : "en") + "\">" +
         (en ? "日本語" : "English") + "</a></p>";
}

}  // namespace

const char* pick(const page_facts& f, wording w) { return f.lang == language::en ? w.en : w.ja; }

std::string layout(const page_facts& f, const char* title, const std::string& content) {
  return std::string("<!doctype html><html lang=\"") + std::string(code_of(f.lang)) +
         "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<title>" + title + " - Sekisho</title><style>"
         "body{font-family:sans-serif;font-size:18px;max-width:28em;margin:2em auto;padding:0 1em;color:#111}"
         "h1{font-size:1.6em}label{display:block;margin-top:1em;font-weight:bold}"
         "input{font-size:1.2em;width:100%;box-sizing:border-box;padding:.5em;margin-top:.3em}"
         "button{font-size:1.2em;width:100%;padding:.6em;margin-top:1.5em;cursor:pointer}"
         ".error{background:#fde8e8;border-left:6px solid #b00020;padding:.6em}"
         ".ok{background:#e6f4ea;border-left:6px solid #137333;padding:.6em}.lang{text-align:right}"
         ".key{border:1px solid #999;padding:0 1em 1em;margin:1em 0}.key button{margin-top:.6em}"
         ".device{padding-bottom:0}.device.current{border:2px solid #137333}"
         "section{border-top:1px solid #bbb;margin-top:2em}"
         ".toc{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}"
         ".entries{list-style:none;padding:0}.entries li{border-bottom:1px solid #ddd;padding:.4em 0}"
         ".success{color:#137333}.failure{color:#b00020}"
         ".codes{font-family:monospace;font-size:1.4em;line-height:1.8}.qr svg{width:240px;height:240px}"
         ".secret{font-family:monospace;font-size:1.2em;word-break:break-all}"
         "a.next{display:block;text-align:center;font-size:1.2em;padding:.6em;margin-top:1.5em;border:1px solid #555}"
         ":focus{outline:3px solid #1a73e8;outline-offset:2px}"
         "@media print{.lang,button,a.next,.noprint{display:none}body{font-size:14pt}}</style></head><body>" +
         language_switch(f) + "<h1>" + title + "</h1>" + notice_html(f) + content + "</body></html>\n";
}

std::string hidden_field(const char* name, const std::string& value) {
  return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + html_escape(value) + "\">";
}

std::string form_start(const char* action, const page_facts& f, const char* id) {
  const std::string id_attribute = id == nullptr ? "" : std::string(" id=\"") + id + "\"";
  return std::string("<form method=\"post\" action=\"") + action + "\"" + id_attribute + ">" + hidden_field("csrf", f.csrf) +
         hidden_field("rd", f.return_path);
}

std::string webauthn_block(const page_facts& f, const char* button_id, const char* label) {
  return std::string("<div id=\"webauthn\" data-options=\"") + html_escape(f.webauthn_options) + "\" data-error=\"" +
         html_escape(pick(f, {"セキュリティキーが使えませんでした。もう一度お試しください。",
                              "The security key did not answer. Please try again."})) +
         "\"><button type=\"button\" id=\"" + button_id + "\"" + (std::string_view(button_id) == "passkey-login" ? " autofocus" : "") +
         ">" + label + "</button><p class=\"error\" role=\"alert\" id=\"webauthn-error\" hidden></p></div>"
         "<script src=\"/.sekisho/static/webauthn.js\" defer></script>";
}

std::string key_registration(const page_facts& f, const char* action) {
  return form_start(action, f, "webauthn-form") + hidden_field("handle", f.webauthn_handle) + hidden_field("raw_id", "") +
         hidden_field("client_data_json", "") + hidden_field("attestation_object", "") + "<label for=\"key-name\">" +
         pick(f, {"キーの名前（例: 青いキー、スマートフォン）", "Name of the key (for example: blue key, phone)"}) +
         "</label><input id=\"key-name\" name=\"name\" maxlength=\"64\" required value=\"" +
         html_escape(pick(f, {"セキュリティキー", "Security key"})) + "\"></form>" +
         webauthn_block(f, "passkey-register", pick(f, {"セキュリティキーを登録する", "Add a security key"}));
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// The security key button (when the user has one): the script turns the server's options into a WebAuthn
// call and posts the answer in an ordinary form. A key is offered first: it cannot be phished.
std::string security_key_login(const page_facts& f, const char* action, const char* label, wording otherwise) {
  if (f.webauthn_options.empty()) return "";
  return security_key_answer(f, action, label) + "<p>" + pick(f, otherwise) + "</p>";
}

}  // namespace

std::string security_key_answer(const page_facts& f, const char* action, const char* label,
                                const std::string& extra_fields) {
  return webauthn_block(f, "passkey-login", label) + form_start(action, f, "webauthn-form") + extra_fields +
         hidden_field("handle", f.webauthn_handle) + hidden_field("credential_id", "") +
         hidden_field("client_data_json", "") + hidden_field("authenticator_data", "") + hidden_field("signature", "") +
         hidden_field("user_handle", "") + "</form>";
}

std::string password_page(const page_facts& f) {
  const std::string form =
      form_start("/.sekisho/login", f) + "<label for=\"username\">" + pick(f, {"ユーザー名", "User name"}) +
      "</label><input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" "
      "spellcheck=\"false\" required autofocus><label for=\"password\">" + pick(f, {"パスワード", "Password"}) +
      "</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
      "required><button type=\"submit\">" + pick(f, {"次へ", "Next"}) + "</button></form>";
  const std::string emergency =
      !f.break_glass_offered ? ""
                             : "<p><a id=\"break-glass\" href=\"/.sekisho/break-glass?rd=" +
                                   html_escape(percent_encode(f.return_path, "/")) + "\">" +
                                   pick(f, {"緊急時（セキュリティキーも認証アプリも使えないとき）",
                                            "Emergency (no security key and no authenticator app at hand)"}) +
                                   "</a></p>";
  // With passkey-only login on, the passkey comes first: one touch, nothing to type.
  const std::string passkey = security_key_login(f, "/.sekisho/login/passkey",
                                                 pick(f, {"パスキーでログイン（ユーザー名・パスワード不要）",
                                                          "Log in with a passkey (no user name or password)"}),
                                                 {"または、ユーザー名とパスワードでログインしてください。",
                                                  "Or log in with your user name and password."});
  return layout(f, pick(f, {"ログイン", "Log in"}), passkey + form + emergency);
}


std::string code_page(const page_facts& f) {
  const std::string form = security_key_login(f, "/.sekisho/login/webauthn",
                                              pick(f, {"セキュリティキー・パスキーでログイン", "Log in with a security key or passkey"}),
                                              {"または、認証アプリのコードを入力してください。",
                                               "Or enter the code from your authenticator app."}) +
      form_start("/.sekisho/login/code", f) + "<label for=\"code\">" +
      pick(f, {"認証アプリに表示されている6桁のコード", "The 6-digit code your authenticator app shows"}) +
      "</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" "
      "maxlength=\"64\" required" + (f.webauthn_options.empty() ? " autofocus" : "") + "><p>" +
      pick(f, {"セキュリティキーや認証アプリが使えないときは、紙のリカバリーコードを入力することもできます。",
               "If you cannot use your security key or app, you can type one of your printed recovery codes instead."}) +
      "</p><button type=\"submit\">" + pick(f, {"ログイン", "Log in"}) + "</button></form>";
  return layout(f, pick(f, {"2つ目の確認", "Second step"}), form);
}

std::string logged_out_page(const page_facts& f) {
  const std::string link = std::string("<p><a href=\"/.sekisho/login\">") +
                           pick(f, {"もう一度ログインする", "Log in again"}) + "</a></p>";
  return layout(f, pick(f, {"ログアウト", "Log out"}), link);
}

std::string logout_page(const page_facts& f) {
  const std::string form = form_start("/.sekisho/logout", f) + "<p>" +
                           pick(f, {"ログアウトすると、このブラウザーでの作業はすべて閉じられます。",
                                    "Logging out closes your work in this browser."}) +
                           "</p><button type=\"submit\">" + pick(f, {"ログアウト", "Log out"}) + "</button></form>";
  return layout(f, pick(f, {"ログアウト / 利用者の切り替え", "Log out / switch user"}), form);
}

}  // namespace sekisho::gateway
