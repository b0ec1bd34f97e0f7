// Group names are what access rules name and what an upstream may receive in a comma-separated header
// (upstream.groups_header): up to 64 characters of printable text, Japanese included (printable_label), with
// no ',' (one group would read as two) and no space at either end (an upstream trims it).
#pragma once
#include <string_view>

namespace sekisho::login {

bool valid_group_name(std::string_view name);

}  // namespace sekisho::login
