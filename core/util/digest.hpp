// SHA-256, for high-entropy tokens that are stored hashed (enrollment links, host tokens).
#pragma once
#include <string>
#include <string_view>

namespace sekisho {

std::string sha256(std::string_view data);

}  // namespace sekisho
