#include "gateway/portal/enroll_pages.hpp"

namespace sekisho::gateway {
namespace {

std::string greeting(const page_facts& f, const std::string& user) {
  return std::string("<p>") + pick(f, {"利用者: ", "Account: "}) + "<strong id=\"user\">" + html_escape(user) +
         "</strong></p>";
}

// The key in groups of four, as authenticator apps show it.
std::string grouped(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) out += (i > 0 && i % 4 == 0 ? " " : "") + std::string(1, key[i]);
  return out;
}

}  // namespace

std::string enroll_password_page(const page_facts& f, const std::string& user) {
  const std::string content =
      greeting(f, user) + "<p>" +
      pick(f, {"まず、ログインに使うパスワードを決めてください。名前や「password」のような推測されやすいものは使えません。",
               "First, choose the password you will log in with. Names and easily guessed words such as "
               "\"password\" are refused."}) +
      "</p>" + form_start("/.sekisho/enroll/password", f) + "<input type=\"hidden\" name=\"username\" value=\"" +
      html_escape(user) + "\" autocomplete=\"username\"><label for=\"password\">" +
      pick(f, {"新しいパスワード", "New password"}) +
      "</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required "
      "autofocus><label for=\"confirm\">" + pick(f, {"もう一度（確認）", "Again (to check)"}) +
      "</label><input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>"
      "<button type=\"submit\">" + pick(f, {"次へ", "Next"}) + "</button></form>";
  return layout(f, pick(f, {"登録 1/2: パスワード", "Sign-up 1/2: password"}), content);
}

std::string enroll_factor_page(const page_facts& f, const std::string& user) {
  std::string key;
  if (!f.webauthn_options.empty())
    key = "<h2>" + std::string(pick(f, {"セキュリティキー・パスキー（おすすめ）", "Security key or passkey (recommended)"})) +
          "</h2><p>" +
          pick(f, {"キーを差し込むか、スマートフォンやパソコンの指紋・顔認証を使います。偽サイトにだまされません。",
                   "Plug in your key, or use the fingerprint or face check of your phone or computer. Fake sites "
                   "cannot trick it."}) +
          "</p>" + key_registration(f, "/.sekisho/enroll/key");
  const std::string app =
      "<h2>" + std::string(pick(f, {"スマートフォンの認証アプリ", "Authenticator app on a phone"})) + "</h2><p>" +
      pick(f, {"Google Authenticator や Microsoft Authenticator などのアプリで QR コードを読み取ります。",
               "Scan a QR code with an app such as Google Authenticator or Microsoft Authenticator."}) +
      "</p><a class=\"next\" id=\"choose-app\" href=\"/.sekisho/enroll/app\">" +
      pick(f, {"認証アプリを使う", "Use an authenticator app"}) + "</a>";
  const std::string content =
      greeting(f, user) + "<p>" +
      pick(f, {"次に、パスワードのほかに使う2つ目の確認方法を1つ登録してください。これを登録しないとログインできません。",
               "Next, set up a second way to confirm it is you, besides the password. You cannot log in without it."}) +
      "</p>" + key + app;
  return layout(f, pick(f, {"登録 2/2: 2つ目の確認方法", "Sign-up 2/2: second step"}), content);
}

std::string enroll_app_page(const page_facts& f, const char* action, const char* back, const std::string& qr_svg,
                            const std::string& key) {
  const std::string content =
      "<ol><li>" + std::string(pick(f, {"認証アプリで「QRコードをスキャン」を選び、この画面のコードを読み取ります。",
                                        "In the authenticator app, choose \"scan a QR code\" and scan this one."})) +
      "</li><li>" + pick(f, {"アプリに表示された6桁の数字を下に入力します。", "Type the 6-digit number the app shows below."}) +
      "</li></ol><div class=\"qr\" id=\"qr\" role=\"img\" aria-label=\"" +
      html_escape(pick(f, {"認証アプリ用のQRコード", "QR code for the authenticator app"})) + "\">" + qr_svg +
      "</div><p>" + pick(f, {"読み取れないときは、次のキーを手で入力してください:", "If it does not scan, type this key by hand:"}) +
      "</p><p class=\"secret\" id=\"manual-key\">" + html_escape(grouped(key)) + "</p>" +
      form_start(action, f) + "<label for=\"code\">" +
      pick(f, {"アプリに表示されている6桁のコード", "The 6-digit code the app shows"}) +
      "</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" maxlength=\"64\" "
      "required autofocus><button type=\"submit\">" + pick(f, {"登録する", "Set up"}) + "</button></form><p class=\"noprint\">"
      "<a href=\"" + back + "\">" + pick(f, {"戻る", "Back"}) + "</a></p>";
  return layout(f, pick(f, {"認証アプリの登録", "Set up the authenticator app"}), content);
}

std::string recovery_codes_page(const page_facts& f, const std::string& user, const std::vector<std::string>& codes) {
  std::string list;
  for (const auto& c : codes) list += "<li>" + html_escape(c) + "</li>";
  const std::string content =
      greeting(f, user) + "<p>" +
      pick(f, {"下の10個は、セキュリティキーやスマートフォンをなくしたときにログインするための予備のコード（リカバリーコード）です。"
               "1つのコードは1回だけ使えます。<strong>この画面は二度と表示されません。</strong>"
               "印刷するか紙に書き写して、ほかの人が見られない場所に保管してください。",
               "These ten codes (recovery codes) let you log in if you lose your security key or phone. Each code "
               "works once. <strong>This page will not be shown again.</strong> Print it or copy it onto paper and "
               "keep it where no one else can see it."}) +
      "</p><ol class=\"codes\" id=\"recovery-codes\">" + list + "</ol><button type=\"button\" id=\"print\">" +
      pick(f, {"印刷する", "Print"}) + "</button><a class=\"next\" id=\"continue\" href=\"" +
      html_escape(f.return_path) + "\">" + pick(f, {"保管しました。続ける", "I have kept them. Continue"}) +
      "</a><script src=\"/.sekisho/static/webauthn.js\" defer></script>";
  return layout(f, pick(f, {"リカバリーコード", "Recovery codes"}), content);
}

std::string enroll_expired_page(const page_facts& f) {
  return layout(f, pick(f, {"登録", "Sign-up"}),
                std::string("<p><a href=\"/.sekisho/login\">") + pick(f, {"ログイン画面へ", "Go to the login page"}) +
                    "</a></p>");
}

}  // namespace sekisho::gateway
