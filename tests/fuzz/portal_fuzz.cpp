// Arbitrary bytes through what the portal does with a browser's input before authd sees any of it: the form
// body, the query's rd= value, the return path, the language choice, and the page that echoes them.
// Aborts when a return path could leave the site, or when echoed text could break out of the page's HTML.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/util/encoding.hpp"
#include "gateway/portal/form.hpp"
#include "gateway/portal/language.hpp"
#include "gateway/portal/pages.hpp"
#include "gateway/portal/return_path.hpp"

namespace {

using namespace sekisho;
using namespace sekisho::gateway;

bool stays_on_site(std::string_view p) {
  if (p.empty() || p.front() != '/' || (p.size() > 1 && (p[1] == '/' || p[1] == '\\'))) return false;
  for (char c : p) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f || c == '\\') return false;
  }
  return true;
}

void check_return_path(std::string_view requested) {
  const auto path = safe_return_path(requested);
  if (!stays_on_site(path)) std::abort();
  const auto decoded = percent_decode(path);
  if (!decoded || !stays_on_site(*decoded)) std::abort();
}

void check_page(std::string_view text) {
  page_facts f;
  f.csrf = std::string(text);
  f.return_path = safe_return_path(text);
  f.self_path = "/.sekisho/login?rd=" + percent_encode(f.return_path, "/");
  f.lang = choose_language(text, text);
  const auto page = password_page(f);
  // The echoed token sits in a value="…" attribute: escaped, it cannot close it or open a tag.
  const auto escaped = html_escape(text);
  if (escaped.find_first_of("<>\"'") != std::string::npos) std::abort();
  if (page.find("value=\"" + escaped + "\"") == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto form = parse_form(input)) {
    if (form->size() > 16) std::abort();
    if (const auto rd = form->find("rd"); rd != form->end()) check_return_path(rd->second);
  }
  check_return_path(query_value(input, "rd"));
  check_return_path(input);
  check_page(input);
  return 0;
}
