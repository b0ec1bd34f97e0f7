// The emergency access page's HTML: user name, password, the sealed emergency code and a reason, with
// plain words on what happens (a short session, everything recorded, the administrator told).
#pragma once
#include <string>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

std::string break_glass_page(const page_facts& f);

}  // namespace sekisho::gateway
