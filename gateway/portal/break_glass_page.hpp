// The emergency access page's HTML: user name, password, the sealed emergency code and a reason, with
// plain words on what happens (a short session, everything recorded, the administrator told).
#pragma once
#include <string>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

// `session_minutes`: how long the emergency session lasts (break_glass.session_lifetime), said on the page.
std::string break_glass_page(const page_facts& f, long session_minutes);

}  // namespace sekisho::gateway
