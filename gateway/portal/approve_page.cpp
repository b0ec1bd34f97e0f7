#include "gateway/portal/approve_page.hpp"

#include "core/util/local_time.hpp"

namespace sekisho::gateway {
namespace {

std::string row(const page_facts& f, wording label, const std::string& value) {
  return "<tr><th scope=\"row\">" + std::string(pick(f, label)) + "</th><td>" + html_escape(value.empty() ? "-" : value) +
         "</td></tr>";
}

}  // namespace

std::string approve_code_page(const page_facts& f) {
  const std::string content =
      "<p>" + std::string(pick(f, {"SSH などのログインで表示されたコードを入力してください。",
                                   "Type the code shown by the SSH (or other) login you started."})) +
      "</p>" + form_start("/.sekisho/approve", f) + "<label for=\"approve-code\">" +
      pick(f, {"承認コード（例: 4821-3390）", "Approval code (for example: 4821-3390)"}) +
      "</label><input id=\"approve-code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"16\" "
      "required autofocus><button type=\"submit\">" + pick(f, {"次へ", "Next"}) + "</button></form>";
  return layout(f, pick(f, {"ログインの承認", "Approve a login"}), content);
}

std::string approve_details_page(const page_facts& f, const approval_view& a) {
  const std::string code_field = hidden_field("code", a.code);
  std::string content =
      "<p>" + std::string(pick(f, {"次のログインがあなたの承認を待っています。自分で始めたものか確かめてください。",
                                   "This login is waiting for your approval. Check that you started it."})) +
      "</p><table class=\"approval\">" + row(f, {"コード", "Code"}, a.code) +
      row(f, {"サーバー", "Server"}, a.host) + row(f, {"サービス", "Service"}, a.service) +
      row(f, {"接続元", "From"}, a.source) + row(f, {"端末", "Terminal"}, a.tty) +
      row(f, {"時刻", "Time"}, a.opened_at > 0 ? local_minute(a.opened_at) : std::string()) + "</table>";
  if (!f.webauthn_options.empty())
    content += security_key_answer(f, "/.sekisho/approve/key",
                                   pick(f, {"セキュリティキーで承認する", "Approve with my security key"}), code_field);
  content += form_start("/.sekisho/approve/deny", f) + code_field + "<button type=\"submit\" id=\"approve-deny\">" +
             pick(f, {"自分ではない（拒否する）", "Not me (deny)"}) + "</button></form>";
  return layout(f, pick(f, {"ログインの承認", "Approve a login"}), content);
}

}  // namespace sekisho::gateway
