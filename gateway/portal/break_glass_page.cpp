#include "gateway/portal/break_glass_page.hpp"

namespace sekisho::gateway {

namespace {

// "1時間", "90分"; "1 hour", "90 minutes".
std::string duration_words(const page_facts& f, long minutes) {
  const bool en = f.lang == language::en;
  if (minutes % 60 != 0) return std::to_string(minutes) + (en ? " minutes" : "分");
  const long hours = minutes / 60;
  return std::to_string(hours) + (en ? (hours == 1 ? " hour" : " hours") : "時間");
}

}  // namespace

std::string break_glass_page(const page_facts& f, long session_minutes) {
  std::string intro = pick(f, {"セキュリティキーも認証アプリも使えない緊急時だけ使ってください。封筒に入った緊急用コードが必要です。"
                               "緊急アクセスは%sで終わり、その間の操作はすべて記録され、管理者に知らされます。コードは1回しか使えません。",
                               "Use this only in an emergency when you have neither your security key nor your app. You "
                               "need the emergency code from its sealed envelope. Emergency access ends after %s; "
                               "everything you do is recorded and your administrator is told. The code works once."});
  intro.replace(intro.find("%s"), 2, duration_words(f, session_minutes));
  const std::string content =
      "<p>" + html_escape(intro) + "</p>" + form_start("/.sekisho/break-glass", f) + "<label for=\"username\">" + pick(f, {"ユーザー名", "User name"}) +
      "</label><input id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" "
      "spellcheck=\"false\" required autofocus><label for=\"password\">" + pick(f, {"パスワード", "Password"}) +
      "</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
      "<label for=\"code\">" + pick(f, {"緊急用コード（封筒の中）", "Emergency code (in the envelope)"}) +
      "</label><input id=\"code\" name=\"code\" autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" "
      "maxlength=\"64\" required><label for=\"reason\">" +
      pick(f, {"理由（例: 急患対応、キーを自宅に忘れた）", "Reason (for example: emergency patient, key left at home)"}) +
      "</label><input id=\"reason\" name=\"reason\" maxlength=\"200\" required><button type=\"submit\">" +
      pick(f, {"緊急アクセスを始める", "Start emergency access"}) + "</button></form><p><a href=\"/.sekisho/login\">" +
      pick(f, {"通常のログインに戻る", "Back to the normal login"}) + "</a></p>";
  return layout(f, pick(f, {"緊急アクセス", "Emergency access"}), content);
}

}  // namespace sekisho::gateway
